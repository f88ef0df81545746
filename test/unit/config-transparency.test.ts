import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, loadConfig } from "../../src/config";
import { signerFromSeed } from "../../src/transparency/verifier-key";
import { PRODUCTION_SETTINGS } from "../support/identity-providers";

const KEY = Buffer.alloc(32, 5).toString("base64");
const base = { NODE_ENV: "test", JWT_SECRET: "test-only-jwt-secret-0123456789abcdefghijklmnop", PII_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64") };
const production = { ...base, ...PRODUCTION_SETTINGS, NODE_ENV: "production", DATABASE_URL: "mysql://gateway:secret@db.internal:3306/gateway" };

describe("transparency log configuration", () => {
  it("production refuses to start without TRANSPARENCY_SIGNING_KEY, naming it; with one it starts", () => {
    const { TRANSPARENCY_SIGNING_KEY: _key, ...without } = production;
    expect(() => loadConfig(without)).toThrow(ConfigError);
    expect(() => loadConfig(without)).toThrow(/TRANSPARENCY_SIGNING_KEY is required when NODE_ENV=production/);
    const config = loadConfig({ ...production, TRANSPARENCY_SIGNING_KEY: KEY });
    expect(config.transparency.signingSeed.equals(Buffer.alloc(32, 5))).toBe(true);
    expect(config.usesGeneratedSecrets).toBe(false);
  });

  it.each([
    ["31 bytes", Buffer.alloc(31, 5).toString("base64")],
    ["33 bytes", Buffer.alloc(33, 5).toString("base64")],
    ["not base64", "not a key at all, not base64!!"],
  ])("a signing key of %s is refused, naming the variable and never repeating the value", (_what, value) => {
    expect(() => loadConfig({ ...base, TRANSPARENCY_SIGNING_KEY: value })).toThrow(/^TRANSPARENCY_SIGNING_KEY must be 32 bytes, base64-encoded/);
    try {
      loadConfig({ ...base, TRANSPARENCY_SIGNING_KEY: value });
    } catch (error) {
      expect((error as Error).message).not.toContain(value);
    }
  });

  it("the origin defaults to the host of GATEWAY_ISSUER and names the key; an origin with a space or '+' is refused", () => {
    expect(loadConfig({ ...production, TRANSPARENCY_SIGNING_KEY: KEY }).transparency.origin).toBe("gateway.example");
    expect(loadConfig({ ...base, TRANSPARENCY_SIGNING_KEY: KEY }).transparency.origin).toBe("localhost:4000");
    const named = loadConfig({ ...base, TRANSPARENCY_SIGNING_KEY: KEY, TRANSPARENCY_ORIGIN: "log.gateway.example/v1" });
    expect(named.transparency.origin).toBe("log.gateway.example/v1");
    expect(signerFromSeed(named.transparency.origin, named.transparency.signingSeed).verifierKey.text).toMatch(/^log\.gateway\.example\/v1\+[0-9a-f]{8}\+/);
    for (const origin of ["two words", "a+b"]) {
      expect(() => loadConfig({ ...base, TRANSPARENCY_SIGNING_KEY: KEY, TRANSPARENCY_ORIGIN: origin })).toThrow(/TRANSPARENCY_ORIGIN/);
    }
  });

  it("the merge delay defaults to 2 s, takes fractions from 0.05 to 3600, and refuses anything else", () => {
    expect(loadConfig({ ...base, TRANSPARENCY_SIGNING_KEY: KEY }).transparency.mergeDelayMs).toBe(2000);
    expect(loadConfig({ ...base, TRANSPARENCY_SIGNING_KEY: KEY, TRANSPARENCY_MERGE_DELAY_SECONDS: "0.1" }).transparency.mergeDelayMs).toBe(100);
    expect(loadConfig({ ...base, TRANSPARENCY_SIGNING_KEY: KEY, TRANSPARENCY_MERGE_DELAY_SECONDS: "3600" }).transparency.mergeDelayMs).toBe(3_600_000);
    for (const value of ["0", "0.01", "3601", "-1", "2s", "1e3"]) {
      expect(() => loadConfig({ ...base, TRANSPARENCY_SIGNING_KEY: KEY, TRANSPARENCY_MERGE_DELAY_SECONDS: value })).toThrow(/TRANSPARENCY_MERGE_DELAY_SECONDS/);
    }
  });

  describe("outside production, a missing key is generated into .dev-secrets.json and kept", () => {
    const previous = process.cwd();
    let directory: string;
    beforeAll(() => {
      directory = mkdtempSync(join(tmpdir(), "gateway-config-"));
      process.chdir(directory);
    });
    afterAll(() => {
      process.chdir(previous);
      rmSync(directory, { recursive: true, force: true });
    });

    it("the first start writes a 32-byte key, the next start reads the same one", () => {
      const first = loadConfig(base);
      expect(first.usesGeneratedSecrets).toBe(true);
      const stored = JSON.parse(readFileSync(join(directory, ".dev-secrets.json"), "utf8")) as { transparencySigningKey: string };
      expect(Buffer.from(stored.transparencySigningKey, "base64")).toHaveLength(32);
      expect(first.transparency.signingSeed.equals(Buffer.from(stored.transparencySigningKey, "base64"))).toBe(true);
      expect(loadConfig(base).transparency.signingSeed.equals(first.transparency.signingSeed)).toBe(true);
    });
  });
});
