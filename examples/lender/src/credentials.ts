import { type KeyObject, createPrivateKey, createPublicKey, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { type CryptoKey, type JWK, SignJWT, calculateJwkThumbprint } from "jose";

/**
 * Step 1: a credential for every request. The gateway accepts `Authorization: Bearer …` with
 * either an access token obtained with the lender's own private key (production) or, in
 * development, a platform-issued API key (`lk_…`).
 */
export interface Credentials {
  /** The bearer value for the next request; a token source renews it before it expires. */
  bearer(): Promise<string>;
}

/** Development: the API key an admin issued (`issueApiKey`), sent as it is. */
export function apiKeyCredentials(apiKey: string): Credentials {
  return { bearer: async () => apiKey };
}

/** The lender's signing key: never leaves the lender; the gateway holds only the public half. */
export interface LenderSigningKey {
  algorithm: "ES256" | "EdDSA";
  privateKey: CryptoKey | KeyObject;
  /** The RFC 7638 thumbprint of the public key: the `kid` the gateway assigned when it was registered. */
  kid: string;
}

/** Reads a PKCS#8 PEM private key (EC P-256 or Ed25519), as the README's key generation writes it. */
export async function loadSigningKey(pemFile: string): Promise<LenderSigningKey> {
  const privateKey = createPrivateKey(readFileSync(pemFile));
  const publicJwk = createPublicKey(privateKey).export({ format: "jwk" }) as JWK;
  const algorithm = publicJwk.kty === "OKP" ? "EdDSA" : "ES256";
  return { algorithm, privateKey, kid: await calculateJwkThumbprint(publicJwk) };
}

/** A refusal of `POST /oauth/token`: its RFC 6749 error (`invalid_client`, `invalid_grant`, …) and HTTP status. */
export class TokenRequestError extends Error {
  constructor(readonly error: string, readonly status: number) {
    super(`POST /oauth/token refused: ${error} (HTTP ${status})`);
  }
}

export interface PrivateKeyCredentialOptions {
  /** `http(s)://host:port` of the gateway: the token endpoint is `<origin>/oauth/token`. */
  gatewayOrigin: string;
  /** The gateway's `GATEWAY_ISSUER`: the one audience of every client assertion. */
  audience: string;
  lenderId: string;
  key: LenderSigningKey;
}

/** Renew this many seconds before the access token's expiry, so no request carries a token that dies in flight. */
const RENEW_EARLY_SECONDS = 30;

/**
 * Production: OAuth 2.0 client credentials with `private_key_jwt` (RFC 7523). Each token request
 * carries a fresh assertion (iss = sub = the lender id, aud = the gateway alone, a unique jti,
 * 60 s of life) signed with the lender's private key; the answer is a `lat_…` access token.
 */
export function privateKeyCredentials(options: PrivateKeyCredentialOptions): Credentials {
  let current: { token: string; renewAt: number } | null = null;
  return {
    async bearer() {
      if (current && Date.now() < current.renewAt) return current.token;
      const answer = await requestAccessToken(options);
      current = { token: answer.token, renewAt: Date.now() + (answer.expiresIn - RENEW_EARLY_SECONDS) * 1000 };
      return current.token;
    },
  };
}

async function requestAccessToken(options: PrivateKeyCredentialOptions): Promise<{ token: string; expiresIn: number }> {
  const now = Math.floor(Date.now() / 1000);
  const assertion = await new SignJWT({ jti: randomUUID() })
    .setProtectedHeader({ alg: options.key.algorithm, kid: options.key.kid, typ: "JWT" })
    .setIssuer(options.lenderId).setSubject(options.lenderId).setAudience(options.audience)
    .setIssuedAt(now).setExpirationTime(now + 60)
    .sign(options.key.privateKey);
  const response = await fetch(`${options.gatewayOrigin}/oauth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "client_credentials",
      client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
      client_assertion: assertion,
    }),
  });
  const body = await response.json() as { access_token?: string; expires_in?: number; error?: string };
  if (!response.ok || typeof body.access_token !== "string") throw new TokenRequestError(body.error ?? "unexpected_response", response.status);
  return { token: body.access_token, expiresIn: body.expires_in ?? 600 };
}
