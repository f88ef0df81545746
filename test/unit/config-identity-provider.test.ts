import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, loadConfig } from "../../src/config";
import { PRODUCTION_SETTINGS } from "../support/identity-providers";

const secrets = {
  JWT_SECRET: "test-only-jwt-secret-0123456789abcdefghijklmnop",
  PII_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"),
  TRANSPARENCY_SIGNING_KEY: Buffer.alloc(32, 5).toString("base64"),
  DATABASE_URL: "mysql://gateway:secret@db.internal:3306/gateway",
};
const production = { ...secrets, NODE_ENV: "production" };
/** A public EC P-256 key (RFC 7517 appendix A.1). */
const PUBLIC_EC = { kty: "EC", crv: "P-256", x: "MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4", y: "4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM", kid: "1" };

function jwksFile(content: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), "jwks-")), "jwks.json");
  writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
  return path;
}

describe("identity provider configuration", () => {
  it.each(Object.keys(PRODUCTION_SETTINGS))("production refuses to start without %s, naming it (or its role's settings)", name => {
    const env: Record<string, string> = { ...production, ...PRODUCTION_SETTINGS };
    delete env[name];
    const named = name.startsWith("ADMIN_") ? "ADMIN_" : name.startsWith("APPLICANT_") ? "APPLICANT_" : name;
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(named));
  });

  it("positive twin: production starts with both, accepts no development token, and keeps each role's issuer", () => {
    const config = loadConfig({ ...production, ...PRODUCTION_SETTINGS });
    expect(config.acceptsDevelopmentTokens).toBe(false);
    expect(config.identityProviders.map(provider => [provider.role, provider.issuer, provider.keys.kind])).toEqual([
      ["applicant", PRODUCTION_SETTINGS.APPLICANT_TOKEN_ISSUER, "url"],
      ["admin", PRODUCTION_SETTINGS.ADMIN_TOKEN_ISSUER, "url"],
    ]);
  });

  it("development needs none, and accepts development tokens", () => {
    const config = loadConfig({ ...secrets, NODE_ENV: "development" });
    expect(config.identityProviders).toEqual([]);
    expect(config.acceptsDevelopmentTokens).toBe(true);
  });

  it("refuses plain-http key URLs in production, and takes them in development", () => {
    const http = { ...PRODUCTION_SETTINGS, ADMIN_JWKS_URL: "http://idp.internal/staff/jwks" };
    expect(() => loadConfig({ ...production, ...http })).toThrow(/ADMIN_JWKS_URL/);
    expect(loadConfig({ ...secrets, NODE_ENV: "development", ...http }).identityProviders).toHaveLength(2);
  });

  it("refuses both a file and a URL for one role", () => {
    const env = { ...PRODUCTION_SETTINGS, APPLICANT_JWKS_FILE: jwksFile({ keys: [PUBLIC_EC] }) };
    expect(() => loadConfig({ ...production, ...env })).toThrow(/APPLICANT_JWKS_FILE or APPLICANT_JWKS_URL/);
  });

  it("reads a JWKS file of public keys", () => {
    const { APPLICANT_JWKS_URL: _url, ...rest } = PRODUCTION_SETTINGS;
    const config = loadConfig({ ...production, ...rest, APPLICANT_JWKS_FILE: jwksFile({ keys: [PUBLIC_EC] }) });
    expect(config.identityProviders[0].keys.kind).toBe("file");
  });

  it.each([
    ["a private key", { keys: [{ ...PUBLIC_EC, d: "870MB6gfuTJ4HtUnUvYMyJpr5eUZNP4Bk43bVdj3eAE" }] }, /private or symmetric/],
    ["a symmetric key", { keys: [{ kty: "oct", k: "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA" }] }, /private or symmetric/],
    ["a key of another curve", { keys: [{ ...PUBLIC_EC, crv: "P-384" }] }, /EC P-256, RSA or Ed25519/],
    ["a key for HS256", { keys: [{ ...PUBLIC_EC, alg: "HS256" }] }, /alg must be one of/],
    ["no keys", { keys: [] }, /at least one key/],
    ["not JSON", "{ not json", /readable JSON Web Key Set/],
  ])("refuses a JWKS file holding %s, naming the variable", (_name, content, problem) => {
    const { APPLICANT_JWKS_URL: _url, ...rest } = PRODUCTION_SETTINGS;
    const env = { ...production, ...rest, APPLICANT_JWKS_FILE: jwksFile(content) };
    expect(() => loadConfig(env)).toThrow(/APPLICANT_JWKS_FILE/);
    expect(() => loadConfig(env)).toThrow(problem);
  });

  it("refuses key sets the two providers share: the applicant provider could sign staff tokens", () => {
    const shared = jwksFile({ keys: [PUBLIC_EC] });
    const { APPLICANT_JWKS_URL: _a, ADMIN_JWKS_URL: _b, ...rest } = PRODUCTION_SETTINGS;
    expect(() => loadConfig({ ...production, ...rest, APPLICANT_JWKS_FILE: shared, ADMIN_JWKS_FILE: jwksFile({ keys: [PUBLIC_EC] }) }))
      .toThrow(/must not share keys/);
    expect(() => loadConfig({ ...production, ...PRODUCTION_SETTINGS, ADMIN_JWKS_URL: PRODUCTION_SETTINGS.APPLICANT_JWKS_URL }))
      .toThrow(/must not share keys/);
    // Twin: distinct keys are two providers.
    const other = { ...PUBLIC_EC, x: "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", y: "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0" };
    expect(loadConfig({ ...production, ...rest, APPLICANT_JWKS_FILE: shared, ADMIN_JWKS_FILE: jwksFile({ keys: [other] }) }).identityProviders).toHaveLength(2);
  });

  it("refuses one issuer and audience for both roles: a token for one could pass as the other", () => {
    const same = { ...PRODUCTION_SETTINGS, ADMIN_TOKEN_ISSUER: PRODUCTION_SETTINGS.APPLICANT_TOKEN_ISSUER };
    expect(() => loadConfig({ ...production, ...same })).toThrow(/differ in issuer or audience/);
    // Twin: the same issuer with another audience is two providers.
    expect(loadConfig({ ...production, ...same, ADMIN_TOKEN_AUDIENCE: "lead-gateway-staff" }).identityProviders).toHaveLength(2);
  });
});
