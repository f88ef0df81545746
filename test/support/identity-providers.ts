import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CryptoKey, type JWTPayload, SignJWT, calculateJwkThumbprint, exportJWK, generateKeyPair } from "jose";
import { TEST_TRANSPARENCY_SIGNING_KEY, type TestGateway, startTestGateway } from "./gateway";

/**
 * What production needs beyond the secrets and DATABASE_URL: both identity providers (well-formed,
 * never fetched by config), the gateway's issuer name and the metrics token.
 */
export const PRODUCTION_SETTINGS = {
  APPLICANT_TOKEN_ISSUER: "https://idp.example/applicants",
  APPLICANT_TOKEN_AUDIENCE: "lead-gateway",
  APPLICANT_JWKS_URL: "https://idp.example/applicants/jwks",
  ADMIN_TOKEN_ISSUER: "https://idp.example/staff",
  ADMIN_TOKEN_AUDIENCE: "lead-gateway",
  ADMIN_JWKS_URL: "https://idp.example/staff/jwks",
  /** Not an identity provider, but production needs it too: the `aud` of lenders' client assertions. */
  GATEWAY_ISSUER: "https://gateway.example",
  METRICS_TOKEN: "test-only-metrics-token-0123456789abcdef",
  /** Production refuses to start without the transparency log's signing key too. */
  TRANSPARENCY_SIGNING_KEY: TEST_TRANSPARENCY_SIGNING_KEY,
} as const;

export type TestAlgorithm = "ES256" | "RS256" | "EdDSA";

/** An identity provider played by the test: its own key pair, issuer and audience, and a JWKS file. */
export interface TestIdentityProvider {
  issuer: string;
  audience: string;
  algorithm: TestAlgorithm;
  kid: string;
  /** The public JWKS, as the IdP would publish it. */
  jwks: { keys: Array<Record<string, unknown>> };
  jwksFile: string;
  privateKey: CryptoKey;
  /** A token of this IdP: its issuer, audience, an hour of life, unless `claims`/`header` say otherwise. */
  sign(
    claims: JWTPayload & { sub?: string },
    options?: { key?: CryptoKey; kid?: string; algorithm?: TestAlgorithm; expiresIn?: string; issuedAt?: number | "none" },
  ): Promise<string>;
}

export async function createTestIdentityProvider(name: string, algorithm: TestAlgorithm = "ES256"): Promise<TestIdentityProvider> {
  const { publicKey, privateKey } = await generateKeyPair(algorithm, { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const jwks = { keys: [{ ...publicJwk, kid, alg: algorithm, use: "sig" }] };
  const jwksFile = join(mkdtempSync(join(tmpdir(), `idp-${name}-`)), "jwks.json");
  writeFileSync(jwksFile, JSON.stringify(jwks));
  const issuer = `https://idp.test/${name}`;
  const audience = `lead-gateway-${name}`;
  return {
    issuer, audience, algorithm, kid, jwks, jwksFile, privateKey,
    sign: (claims, options = {}) => {
      const jwt = new SignJWT({ iss: issuer, aud: audience, ...claims })
        .setProtectedHeader({ alg: options.algorithm ?? algorithm, kid: options.kid ?? kid, typ: "JWT" });
      if (options.issuedAt !== "none") jwt.setIssuedAt(options.issuedAt);
      if (claims.exp === undefined) jwt.setExpirationTime(options.expiresIn ?? "1h");
      return jwt.sign(options.key ?? privateKey);
    },
  };
}

/** The gateway's settings for an applicant IdP and a staff IdP, each read from its JWKS file. */
export function identityProviderEnv(applicants: TestIdentityProvider, staff: TestIdentityProvider): Record<string, string> {
  return {
    APPLICANT_TOKEN_ISSUER: applicants.issuer, APPLICANT_TOKEN_AUDIENCE: applicants.audience, APPLICANT_JWKS_FILE: applicants.jwksFile,
    ADMIN_TOKEN_ISSUER: staff.issuer, ADMIN_TOKEN_AUDIENCE: staff.audience, ADMIN_JWKS_FILE: staff.jwksFile,
  };
}

/** A gateway with NODE_ENV=production, its identity providers played by the test: tokens as production issues them. */
export interface ProductionGateway {
  gateway: TestGateway;
  applicants: TestIdentityProvider;
  staff: TestIdentityProvider;
  /** Staff member `ops-1`, from the staff identity provider. */
  admin: string;
  /** Applicant `alice`, from the applicant identity provider. */
  applicant: string;
}

export async function startProductionGateway(overrides: Record<string, string> = {}): Promise<ProductionGateway> {
  const applicants = await createTestIdentityProvider("applicants", "ES256");
  const staff = await createTestIdentityProvider("staff", "EdDSA");
  const gateway = await startTestGateway({
    NODE_ENV: "production", METRICS_TOKEN: "test-only-metrics-token-0123456789", GATEWAY_ISSUER: "https://gateway.example",
    ...identityProviderEnv(applicants, staff), ...overrides,
  });
  return { gateway, applicants, staff, admin: await staff.sign({ sub: "ops-1" }), applicant: await applicants.sign({ sub: "alice" }) };
}
