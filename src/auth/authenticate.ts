import { DataSource } from "typeorm";
import { decodeProtectedHeader } from "jose";
import type { GatewayConfig } from "../config";
import type { IdentityProviderTokens } from "../identity-provider/token-verifier";
import { UnauthenticatedError } from "../errors/gateway-error";
import { ApiKey } from "../model/api-key.entity";
import { apiKeySecretMatches, hashApiKeySecret, parseApiKey } from "./api-key-secret";
import { Lender } from "../model/lender.entity";
import { LenderStatus } from "../model/lender-status";
import { LenderAccessToken } from "../model/lender-access-token.entity";
import { LenderPublicKey } from "../model/lender-public-key.entity";
import { parseAccessToken } from "./oauth-token";
import { principalFromJwt } from "./jwt";
import type { Principal } from "../model/principal";

type AuthenticationSettings = Pick<GatewayConfig, "jwtSecret" | "security" | "acceptsDevelopmentTokens">;

// Compared against when the key id is unknown, so both failures cost the same work.
const DUMMY_HASH = hashApiKeySecret("unknown-key-placeholder-secret-value-000000");

/**
 * Turns the Authorization header into a principal, or throws UNAUTHENTICATED. No principal,
 * no data: anonymous callers get nothing at all. An offboarded lender's credentials are refused
 * whatever their own state: offboarding revokes them, and the status is checked besides.
 */
export async function authenticate(
  authorization: string | undefined,
  config: AuthenticationSettings,
  dataSource: DataSource,
  now: Date,
  identityProviders: IdentityProviderTokens,
): Promise<Principal> {
  // The scheme is case-insensitive (RFC 7235 section 2.1), the credential is not.
  const match = /^Bearer ([^\s]+)$/i.exec(authorization ?? "");
  if (!match) throw new UnauthenticatedError();
  const credential = match[1];
  if (credential.startsWith("lk_")) return authenticateApiKey(credential, dataSource, now);
  if (credential.startsWith("lat_")) return authenticateAccessToken(credential, dataSource, now);
  const principal = await principalFromToken(credential, config, identityProviders);
  if (!principal) throw new UnauthenticatedError();
  return principal;
}

/**
 * An HS256 token is a development token (JWT_SECRET, `npm run token`), accepted only outside
 * production; any other is an identity provider's, whose role comes from the keys that verify it.
 */
async function principalFromToken(
  token: string, config: AuthenticationSettings, identityProviders: IdentityProviderTokens,
): Promise<Principal | null> {
  let algorithm: unknown;
  try {
    algorithm = decodeProtectedHeader(token).alg;
  } catch {
    return null;
  }
  if (algorithm === "HS256") return config.acceptsDevelopmentTokens ? principalFromJwt(token, config.jwtSecret, config.security) : null;
  return identityProviders.principalOf(token);
}

async function authenticateApiKey(credential: string, dataSource: DataSource, now: Date): Promise<Principal> {
  const parsed = parseApiKey(credential);
  if (!parsed) throw new UnauthenticatedError();
  // The key and its lender in one statement: authentication is on every request's bill.
  const key = (await dataSource
    .getRepository(ApiKey)
    .createQueryBuilder("key")
    .innerJoinAndMapOne("key.lender", Lender, "lender", "lender.id = key.lenderId")
    .where("key.id = :id", { id: parsed.id })
    .getOne()) as (ApiKey & { lender: Lender }) | null;
  const matches = apiKeySecretMatches(parsed.secret, key?.secretHash ?? DUMMY_HASH);
  if (!key || !matches || key.revokedAt !== null || key.lender.status === LenderStatus.OFFBOARDED) throw new UnauthenticatedError();
  // Expired (set at issue, or by rotation when the grace period ends): the same answer as revoked.
  if (key.expiresAt !== null && key.expiresAt.getTime() <= now.getTime()) throw new UnauthenticatedError();
  if (lastUsedIsStale(key, now)) {
    await dataSource.getRepository(ApiKey).update({ id: key.id }, { lastUsedAt: now });
  }
  return { kind: "lender", lender: key.lender, credential: { kind: "api-key", id: key.id } };
}

/**
 * An access token from POST /oauth/token. Its key and lender are read with it on every request:
 * a revoked key refuses its unexpired tokens at once, and the lender's status is this fresh.
 */
async function authenticateAccessToken(credential: string, dataSource: DataSource, now: Date): Promise<Principal> {
  const parsed = parseAccessToken(credential);
  if (!parsed) throw new UnauthenticatedError();
  const token = (await dataSource
    .getRepository(LenderAccessToken)
    .createQueryBuilder("token")
    .innerJoinAndMapOne("token.key", LenderPublicKey, "key", "key.id = token.publicKeyId")
    .innerJoinAndMapOne("token.lender", Lender, "lender", "lender.id = token.lenderId")
    .where("token.id = :id", { id: parsed.id })
    .getOne()) as (LenderAccessToken & { key: LenderPublicKey; lender: Lender }) | null;
  const matches = apiKeySecretMatches(parsed.secret, token?.secretHash ?? DUMMY_HASH);
  if (!token || !matches || token.expiresAt.getTime() <= now.getTime() || token.key.revokedAt !== null || token.lender.status === LenderStatus.OFFBOARDED) {
    throw new UnauthenticatedError();
  }
  return { kind: "lender", lender: token.lender, credential: { kind: "public-key", id: token.key.id } };
}

/**
 * Seconds. `lastUsedAt` means "used at this instant or up to this long after it": the column
 * is written on the first use after it went stale, decided from the row just read, so a busy
 * key costs no write per request.
 */
export const LAST_USED_RESOLUTION_SECONDS = 60;

function lastUsedIsStale(key: Pick<ApiKey, "lastUsedAt">, now: Date): boolean {
  return key.lastUsedAt === null || now.getTime() - key.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_SECONDS * 1000;
}
