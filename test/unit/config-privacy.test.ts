import { ConfigError, loadConfig } from "../../src/config";
import { PRODUCTION_SETTINGS } from "../support/identity-providers";

const JWT_SECRET = "test-only-jwt-secret-0123456789abcdefghijklmnop";
const KEY = Buffer.alloc(32, 7).toString("base64");
const OLD = Buffer.alloc(32, 9).toString("base64");
/** The transparency log's signing key; outside production a missing one would be generated into .dev-secrets.json. */
const LOG_KEY = Buffer.alloc(32, 5).toString("base64");
/** Production refuses to start without DATABASE_URL; the production cases below give one. */
const DATABASE_URL = "mysql://gateway:secret@db.internal:3306/gateway";
/** Production refuses to start without METRICS_TOKEN too (test/unit/config-metrics-token.test.ts). */
const METRICS_TOKEN = "test-only-metrics-token-0123456789abcdef";

describe("privacy configuration", () => {
  it("production refuses to start without PII_ENCRYPTION_KEY", () => {
    expect(() => loadConfig({ ...PRODUCTION_SETTINGS, NODE_ENV: "production", DATABASE_URL, JWT_SECRET })).toThrow(/PII_ENCRYPTION_KEY/);
  });

  it("positive twin: production starts with it, and reads the retired keys", () => {
    const config = loadConfig({ ...PRODUCTION_SETTINGS, NODE_ENV: "production", DATABASE_URL, JWT_SECRET, METRICS_TOKEN, PII_ENCRYPTION_KEY: KEY, PII_ENCRYPTION_KEYS_OLD: ` ${OLD} ,` });
    expect(config.piiKeyring.readableKeyIds).toHaveLength(2);
    expect(config.usesGeneratedSecrets).toBe(false);
  });

  it.each([
    ["too short", Buffer.alloc(16).toString("base64")],
    ["not base64", "this is not a key at all, not even close!!"],
  ])("refuses a PII_ENCRYPTION_KEY that is %s, naming the variable", (_name, value) => {
    expect(() => loadConfig({ ...PRODUCTION_SETTINGS, NODE_ENV: "production", DATABASE_URL, JWT_SECRET, PII_ENCRYPTION_KEY: value })).toThrow(/PII_ENCRYPTION_KEY/);
  });

  it("validates retention settings; the in-server schedule is off unless set", () => {
    const defaults = loadConfig({ NODE_ENV: "test", JWT_SECRET, TRANSPARENCY_SIGNING_KEY: LOG_KEY, PII_ENCRYPTION_KEY: KEY });
    expect(defaults.retentionDays).toBe(365);
    expect(defaults.retentionIntervalMinutes).toBeNull();
    const set = loadConfig({ NODE_ENV: "test", JWT_SECRET, TRANSPARENCY_SIGNING_KEY: LOG_KEY, PII_ENCRYPTION_KEY: KEY, RETENTION_DAYS: "90", RETENTION_INTERVAL_MINUTES: "15" });
    expect([set.retentionDays, set.retentionIntervalMinutes]).toEqual([90, 15]);
    expect(() => loadConfig({ NODE_ENV: "test", JWT_SECRET, TRANSPARENCY_SIGNING_KEY: LOG_KEY, PII_ENCRYPTION_KEY: KEY, RETENTION_DAYS: "0" })).toThrow(/RETENTION_DAYS/);
  });
});

describe("NODE_ENV and the production database", () => {
  // Secrets are given, so no case here falls back to generating .dev-secrets.json.
  const secrets = { JWT_SECRET, PII_ENCRYPTION_KEY: KEY, METRICS_TOKEN, TRANSPARENCY_SIGNING_KEY: LOG_KEY };

  it.each(["prod", "Production", "PRODUCTION", "staging", "dev", " production", "test "])(
    "refuses NODE_ENV=%j instead of reading it as development, naming the variable",
    value => {
      expect(() => loadConfig({ ...secrets, DATABASE_URL, NODE_ENV: value })).toThrow(ConfigError);
      expect(() => loadConfig({ ...secrets, DATABASE_URL, NODE_ENV: value })).toThrow(/NODE_ENV/);
    },
  );

  it.each([
    ["production", "production"],
    ["development", "development"],
    ["test", "test"],
    ["", "development"],
    [undefined, "development"],
  ])("positive twins: NODE_ENV=%j is %s", (value, expected) => {
    expect(loadConfig({ ...secrets, ...PRODUCTION_SETTINGS, DATABASE_URL, NODE_ENV: value }).nodeEnv).toBe(expected);
  });

  it.each([["unset", undefined], ["empty", ""]])("production refuses to start with DATABASE_URL %s (no per-instance SQLite fallback)", (_name, url) => {
    expect(() => loadConfig({ ...secrets, ...PRODUCTION_SETTINGS, NODE_ENV: "production", DATABASE_URL: url })).toThrow(/DATABASE_URL/);
  });

  it("positive twins: production starts with DATABASE_URL set; development keeps the SQLite fallback", () => {
    expect(loadConfig({ ...secrets, ...PRODUCTION_SETTINGS, NODE_ENV: "production", DATABASE_URL }).database).toEqual({ kind: "mysql", url: DATABASE_URL, causalReads: "auto" });
    expect(loadConfig({ ...secrets, ...PRODUCTION_SETTINGS, NODE_ENV: "production", DATABASE_URL: "sqlite:/var/lib/gateway/gateway.sqlite" }).database)
      .toEqual({ kind: "sqlite", path: "/var/lib/gateway/gateway.sqlite" });
    expect(loadConfig({ ...secrets, NODE_ENV: "development" }).database).toEqual({ kind: "sqlite", path: "data/gateway.sqlite" });
    expect(loadConfig({ ...secrets, NODE_ENV: "test" }).database).toEqual({ kind: "sqlite", path: "data/gateway.sqlite" });
  });
});
