import { DataSource } from "typeorm";
import { WebhookEndpoint } from "../model/webhook.entity";
import type { PiiKeyring, SealContext } from "./encryption";

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

export interface WebhookSecretRotationReport {
  scanned: number;
  rotated: number;
  /** Rows a rotation of the secret changed between read and write: sealed under the current key already. */
  changedMeanwhile: number;
}

/**
 * Re-seals every webhook secret (the current and a rotated-out one) under the current key, as
 * `rotateKeys` does identity values, so the retired key can leave PII_ENCRYPTION_KEYS_OLD without
 * any endpoint losing the secret it signs with. Compare-and-set per row: safe beside a gateway.
 */
export async function rotateWebhookSecrets(dataSource: DataSource, keyring: PiiKeyring): Promise<WebhookSecretRotationReport> {
  const repository = dataSource.getRepository(WebhookEndpoint);
  const report: WebhookSecretRotationReport = { scanned: 0, rotated: 0, changedMeanwhile: 0 };
  const rows = await repository.find({ select: { id: true, secretSealed: true, previousSecretSealed: true }, order: { id: "ASC" } });
  for (const row of rows) {
    report.scanned += 1;
    if (keyring.isCurrent(row.secretSealed) && keyring.isCurrent(row.previousSecretSealed)) continue;
    const reseal = (sealed: string) => sealEndpointSecret(keyring, row.id, openEndpointSecret(keyring, row.id, sealed));
    const result = await repository.update(
      { id: row.id, secretSealed: row.secretSealed },
      { secretSealed: reseal(row.secretSealed), ...(row.previousSecretSealed === null ? {} : { previousSecretSealed: reseal(row.previousSecretSealed) }) },
    );
    if (result.affected === 1) report.rotated += 1;
    else report.changedMeanwhile += 1;
  }
  return report;
}
