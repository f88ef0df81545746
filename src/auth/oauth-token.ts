import { randomBytes } from "node:crypto";
import { type JWK, decodeProtectedHeader, importJWK, jwtVerify } from "jose";
import { DataSource, LessThan } from "typeorm";
import { ClientAssertionJti, LenderAccessToken } from "../model/lender-access-token.entity";
import { LenderPublicKey } from "../model/lender-public-key.entity";
import { LenderStatus } from "../model/lender-status";
import { Lender } from "../model/lender.entity";
import { hashApiKeySecret } from "./api-key-secret";

/** Seconds an access token lives; a lender asks for a new one with a new assertion. */
export const ACCESS_TOKEN_SECONDS = 600;
/** Seconds a client assertion may live from `iat` to `exp`. */
const MAX_ASSERTION_SECONDS = 300;
/** Seconds of clock difference tolerated between the lender and the gateway. */
const CLOCK_TOLERANCE_SECONDS = 30;
const ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
const MAX_JTI_LENGTH = 128;

export interface TokenResponse {
  status: number;
  body: Record<string, unknown>;
}

/** RFC 6749 §5.2. No description: a detail would help whoever guesses. */
function failure(error: "invalid_request" | "invalid_client" | "invalid_grant" | "unsupported_grant_type"): TokenResponse {
  return { status: error === "invalid_client" ? 401 : 400, body: { error } };
}

/** `lat_<16 hex id>_<43 base64url>`: like an API key, recognisable in a leaked log and hashed at rest. */
const ACCESS_TOKEN_PATTERN = /^lat_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export function parseAccessToken(credential: string): { id: string; secret: string } | null {
  const match = ACCESS_TOKEN_PATTERN.exec(credential);
  return match ? { id: match[1], secret: match[2] } : null;
}

interface VerifiedAssertion {
  key: LenderPublicKey;
  jti: string;
  expiresAt: Date;
}

/** The lender's key named by the assertion's `kid`, and the assertion verified against it, or null. */
async function verifyAssertion(dataSource: DataSource, assertion: string, audience: string, now: Date): Promise<VerifiedAssertion | null> {
  let kid: unknown;
  let algorithm: unknown;
  try {
    ({ kid, alg: algorithm } = decodeProtectedHeader(assertion));
  } catch {
    return null;
  }
  if (typeof kid !== "string" || kid.length > 64) return null;
  const key = await dataSource.getRepository(LenderPublicKey).findOneBy({ kid });
  if (!key || key.approvedAt === null || key.revokedAt !== null || algorithm !== key.algorithm) return null;
  const lender = await dataSource.getRepository(Lender).findOneBy({ id: key.lenderId });
  // A suspended lender gets no new token; one it holds still authenticates, as its API keys do.
  if (!lender || lender.status !== LenderStatus.ACTIVE) return null;
  try {
    const { payload } = await jwtVerify(assertion, await importJWK(key.publicJwk as JWK, key.algorithm), {
      algorithms: [key.algorithm], issuer: key.lenderId, subject: key.lenderId, audience,
      requiredClaims: ["jti", "iat", "exp"], clockTolerance: CLOCK_TOLERANCE_SECONDS, currentDate: now,
    });
    const { iat, exp, jti, aud } = payload as { iat: number; exp: number; jti: unknown; aud: unknown };
    // The gateway alone: an assertion also addressed to someone else could be replayed there.
    if (Array.isArray(aud) ? !(aud.length === 1 && aud[0] === audience) : aud !== audience) return null;
    if (exp - iat > MAX_ASSERTION_SECONDS || iat > now.getTime() / 1000 + CLOCK_TOLERANCE_SECONDS) return null;
    if (typeof jti !== "string" || jti === "" || jti.length > MAX_JTI_LENGTH) return null;
    return { key, jti, expiresAt: new Date((exp + CLOCK_TOLERANCE_SECONDS) * 1000) };
  } catch {
    return null;
  }
}

/**
 * POST /oauth/token: OAuth 2.0 client credentials (RFC 6749 §4.4) with `private_key_jwt` client
 * authentication (RFC 7523). The lender proves itself with an assertion signed by its own key;
 * the gateway answers a short-lived opaque access token and keeps only its hash. Each assertion
 * is accepted once: its `jti` is stored (under a primary key every instance shares) until it
 * expires.
 */
export async function issueAccessToken(dataSource: DataSource, form: URLSearchParams, audience: string, now: Date): Promise<TokenResponse> {
  const grantType = form.get("grant_type");
  if (grantType === null) return failure("invalid_request");
  if (grantType !== "client_credentials") return failure("unsupported_grant_type");
  const assertion = form.get("client_assertion");
  if (form.get("client_assertion_type") !== ASSERTION_TYPE || assertion === null) return failure("invalid_request");
  const verified = await verifyAssertion(dataSource, assertion, audience, now);
  if (!verified) return failure("invalid_client");
  const id = randomBytes(8).toString("hex");
  const secret = randomBytes(32).toString("base64url");
  const replayed = await dataSource.transaction(async manager => {
    // Spent assertions are forgotten once they could no longer be accepted anyway.
    await manager.getRepository(ClientAssertionJti).delete({ expiresAt: LessThan(now) });
    const used = { lenderId: verified.key.lenderId, jti: verified.jti };
    if (await manager.getRepository(ClientAssertionJti).existsBy(used)) return true;
    try {
      await manager.getRepository(ClientAssertionJti).insert({ ...used, expiresAt: verified.expiresAt });
    } catch (error) {
      // Two requests with one assertion at once: the primary key lets one through.
      if (await manager.getRepository(ClientAssertionJti).existsBy(used)) return true;
      throw error;
    }
    await manager.getRepository(LenderAccessToken).insert({
      id, publicKeyId: verified.key.id, lenderId: verified.key.lenderId, secretHash: hashApiKeySecret(secret),
      createdAt: now, expiresAt: new Date(now.getTime() + ACCESS_TOKEN_SECONDS * 1000),
    });
    await manager.getRepository(LenderPublicKey).update({ id: verified.key.id }, { lastUsedAt: now });
    return false;
  });
  if (replayed) return failure("invalid_grant");
  return { status: 200, body: { access_token: `lat_${id}_${secret}`, token_type: "Bearer", expires_in: ACCESS_TOKEN_SECONDS } };
}
