import { randomUUID } from "node:crypto";
import { type CryptoKey, type JWK, SignJWT, calculateJwkThumbprint, exportJWK, generateKeyPair } from "jose";
import { APPROVE_CHANGE } from "./documents";
import { expectData } from "./flow";
import type { TestGateway } from "./gateway";

export const ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
export const REGISTER_KEY = `mutation($lenderId: ID!, $jwk: String!, $label: String) {
  registerLenderPublicKey(lenderId: $lenderId, publicKeyJwk: $jwk, label: $label) { id kind status requestedBy summary } }`;

/** A key pair the lender generates; the gateway only ever sees `publicJwk`. */
export interface LenderKeyPair {
  algorithm: "ES256" | "EdDSA";
  privateKey: CryptoKey;
  publicJwk: JWK;
  /** RFC 7638 thumbprint: the kid the gateway assigns. */
  kid: string;
}

export async function lenderKeyPair(algorithm: "ES256" | "EdDSA" = "ES256"): Promise<LenderKeyPair> {
  const { publicKey, privateKey } = await generateKeyPair(algorithm, { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  return { algorithm, privateKey, publicJwk, kid: await calculateJwkThumbprint(publicJwk) };
}

/** A client assertion as RFC 7523 has it: iss = sub = the lender id, aud = GATEWAY_ISSUER, a fresh jti, 60 s of life. */
export function clientAssertion(
  pair: LenderKeyPair, lenderId: string, audience: string,
  overrides: { claims?: Record<string, unknown>; kid?: string; key?: CryptoKey; lifetimeSeconds?: number; issuedAt?: number } = {},
): Promise<string> {
  const iat = overrides.issuedAt ?? Math.floor(Date.now() / 1000);
  // An `aud` among the claims (e.g. a list) is sent as given; otherwise the gateway alone.
  return new SignJWT({ jti: randomUUID(), aud: audience, ...overrides.claims })
    .setProtectedHeader({ alg: pair.algorithm, kid: overrides.kid ?? pair.kid, typ: "JWT" })
    .setIssuer(lenderId).setSubject(lenderId)
    .setIssuedAt(iat).setExpirationTime(iat + (overrides.lifetimeSeconds ?? 60))
    .sign(overrides.key ?? pair.privateKey);
}

/** POST /oauth/token with a client assertion, form-encoded, as a lender's integration would. */
export async function requestToken(gateway: TestGateway, assertion: string, fields: Record<string, string> = {}) {
  const response = await fetch(gateway.url.replace(/\/graphql$/, "/oauth/token"), {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", client_assertion_type: ASSERTION_TYPE, client_assertion: assertion, ...fields }),
  });
  return { status: response.status, headers: response.headers, body: await response.json() as Record<string, unknown> };
}

/** Registers the lender's public key (one admin) and approves it (another): the key may sign assertions. */
export async function registerApprovedKey(
  gateway: TestGateway, admin: string, secondAdmin: string, lenderId: string, algorithm: "ES256" | "EdDSA" = "ES256",
): Promise<LenderKeyPair> {
  const pair = await lenderKeyPair(algorithm);
  const change = expectData(await gateway.request(REGISTER_KEY, { lenderId, jwk: JSON.stringify(pair.publicJwk), label: "test" }, admin)).registerLenderPublicKey;
  expectData(await gateway.request(APPROVE_CHANGE, { id: change.id }, secondAdmin));
  return pair;
}
