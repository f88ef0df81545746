import { DataSource } from "typeorm";
import { GatewayConfig } from "../config";
import { UnauthenticatedError } from "../errors";
import { ApiKey } from "../lenders/api-key.entity";
import { apiKeySecretMatches, hashApiKeySecret, parseApiKey } from "../lenders/api-key-secret";
import { Lender } from "../lenders/lender.entity";
import { principalFromJwt } from "./jwt";
import { Principal } from "./principal";

// Compared against when the key id is unknown, so both failures cost the same work.
const DUMMY_HASH = hashApiKeySecret("unknown-key-placeholder-secret-value-000000");

/**
 * Turns the Authorization header into a principal, or throws UNAUTHENTICATED. No principal,
 * no data: anonymous callers get nothing at all.
 */
export async function authenticate(
  authorization: string | undefined,
  config: GatewayConfig,
  dataSource: DataSource,
  now: Date,
): Promise<Principal> {
  const match = /^Bearer ([^\s]+)$/.exec(authorization ?? "");
  if (!match) throw new UnauthenticatedError();
  const credential = match[1];
  if (credential.startsWith("lk_")) return authenticateApiKey(credential, dataSource, now);
  const principal = await principalFromJwt(credential, config.jwtSecret);
  if (!principal) throw new UnauthenticatedError();
  return principal;
}

async function authenticateApiKey(credential: string, dataSource: DataSource, now: Date): Promise<Principal> {
  const parsed = parseApiKey(credential);
  if (!parsed) throw new UnauthenticatedError();
  const key = await dataSource.getRepository(ApiKey).findOneBy({ id: parsed.id });
  const matches = apiKeySecretMatches(parsed.secret, key?.secretHash ?? DUMMY_HASH);
  if (!key || !matches || key.revokedAt !== null) throw new UnauthenticatedError();
  const lender = await dataSource.getRepository(Lender).findOneBy({ id: key.lenderId });
  if (!lender) throw new UnauthenticatedError();
  await dataSource.getRepository(ApiKey).update({ id: key.id }, { lastUsedAt: now });
  return { kind: "lender", lender, apiKeyId: key.id };
}
