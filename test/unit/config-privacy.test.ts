import { ConfigError, loadConfig } from "../../src/config";

const JWT_SECRET = "test-only-jwt-secret-0123456789abcdefghijklmnop";
const KEY = Buffer.alloc(32, 7).toString("base64");
const OLD = Buffer.alloc(32, 9).toString("base64");

describe("privacy configuration", () => {
  it("production refuses to start without PII_ENCRYPTION_KEY", () => {
    expect(() => loadConfig({ NODE_ENV: "production", JWT_SECRET })).toThrow(ConfigError);
  });

  it("positive twin: production starts with it, and reads the retired keys", () => {
    const config = loadConfig({ NODE_ENV: "production", JWT_SECRET, PII_ENCRYPTION_KEY: KEY, PII_ENCRYPTION_KEYS_OLD: ` ${OLD} ,` });
    expect(config.piiKeyring.readableKeyIds).toHaveLength(2);
    expect(config.usesGeneratedSecrets).toBe(false);
  });

  it.each([
    ["too short", Buffer.alloc(16).toString("base64")],
    ["not base64", "this is not a key at all, not even close!!"],
  ])("refuses a PII_ENCRYPTION_KEY that is %s, naming the variable", (_name, value) => {
    expect(() => loadConfig({ NODE_ENV: "production", JWT_SECRET, PII_ENCRYPTION_KEY: value })).toThrow(/PII_ENCRYPTION_KEY/);
  });

  it("validates retention settings; the in-server schedule is off unless set", () => {
    const defaults = loadConfig({ NODE_ENV: "test", JWT_SECRET, PII_ENCRYPTION_KEY: KEY });
    expect(defaults.retentionDays).toBe(365);
    expect(defaults.retentionIntervalMinutes).toBeNull();
    const set = loadConfig({ NODE_ENV: "test", JWT_SECRET, PII_ENCRYPTION_KEY: KEY, RETENTION_DAYS: "90", RETENTION_INTERVAL_MINUTES: "15" });
    expect([set.retentionDays, set.retentionIntervalMinutes]).toEqual([90, 15]);
    expect(() => loadConfig({ NODE_ENV: "test", JWT_SECRET, PII_ENCRYPTION_KEY: KEY, RETENTION_DAYS: "0" })).toThrow(/RETENTION_DAYS/);
  });
});
