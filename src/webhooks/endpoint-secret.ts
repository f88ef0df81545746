import type { PiiKeyring, SealContext } from "../privacy/encryption";

/**
 * An endpoint's signing secret must be kept to sign (it cannot be hashed like an API key), so it
 * is sealed as identity values are: AES-256-GCM under PII_ENCRYPTION_KEY, bound to its endpoint
 * (a secret copied into another endpoint's row does not open). The current and the previous
 * secret share the binding: a rotation moves one into the other's column.
 */
function where(endpointId: string): SealContext {
  return { column: "webhook_secret", rowId: endpointId };
}

export function sealEndpointSecret(keyring: PiiKeyring, endpointId: string, secret: string): string {
  return keyring.seal(secret, where(endpointId));
}

export function openEndpointSecret(keyring: PiiKeyring, endpointId: string, sealed: string): string {
  return keyring.open(sealed, where(endpointId));
}
