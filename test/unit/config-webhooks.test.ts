import { ConfigError, loadConfig } from "../../src/config";
import { PRODUCTION_SETTINGS } from "../support/identity-providers";

const base = {
  NODE_ENV: "test", JWT_SECRET: "test-only-jwt-secret-0123456789abcdefghijklmnop", PII_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"),
  TRANSPARENCY_SIGNING_KEY: Buffer.alloc(32, 5).toString("base64"),
};
const production = { ...base, ...PRODUCTION_SETTINGS, NODE_ENV: "production", DATABASE_URL: "mysql://gateway:secret@db.internal:3306/gateway" };

describe("webhook configuration", () => {
  it("defaults to the specification's schedule, a 15 s timeout, and private URLs outside production only", () => {
    const config = loadConfig(base);
    expect(config.webhooks.retryScheduleMs).toEqual([0, 5, 300, 1800, 7200, 18000, 36000, 36000].map(seconds => seconds * 1000));
    expect(config.webhooks.timeoutMs).toBe(15000);
    expect(config.webhooks.allowPrivateUrls).toBe(true);
    expect(loadConfig(production).webhooks.allowPrivateUrls).toBe(false);
    expect(loadConfig({ ...production, WEBHOOK_ALLOW_PRIVATE_URLS: "false" }).webhooks.allowPrivateUrls).toBe(false);
    // No setting opens the gateway's own network to a lender's URL in production.
    expect(() => loadConfig({ ...production, WEBHOOK_ALLOW_PRIVATE_URLS: "true" })).toThrow(/^WEBHOOK_ALLOW_PRIVATE_URLS=true is refused in production/);
    expect(loadConfig({ ...base, WEBHOOK_ALLOW_PRIVATE_URLS: "false" }).webhooks.allowPrivateUrls).toBe(false);
  });

  it("takes WEBHOOK_RETRY_SCHEDULE as comma-separated seconds, fractions allowed", () => {
    expect(loadConfig({ ...base, WEBHOOK_RETRY_SCHEDULE: "0, 0.5,2" }).webhooks.retryScheduleMs).toEqual([0, 500, 2000]);
    expect(loadConfig({ ...base, WEBHOOK_TIMEOUT_SECONDS: "0.5" }).webhooks.timeoutMs).toBe(500);
  });

  it.each([
    ["WEBHOOK_RETRY_SCHEDULE", "5,10"], ["WEBHOOK_RETRY_SCHEDULE", "0,-1"], ["WEBHOOK_RETRY_SCHEDULE", "0,,5"], ["WEBHOOK_RETRY_SCHEDULE", "0,5m"],
    ["WEBHOOK_RETRY_SCHEDULE", "0,100000"], ["WEBHOOK_RETRY_SCHEDULE", Array(21).fill("0").join(",")],
    ["WEBHOOK_TIMEOUT_SECONDS", "0"], ["WEBHOOK_TIMEOUT_SECONDS", "61"], ["WEBHOOK_TIMEOUT_SECONDS", "fast"],
    ["WEBHOOK_ALLOW_PRIVATE_URLS", "yes"], ["WEBHOOK_POLL_SECONDS", "0"],
  ])("refuses %s=%s, naming the variable", (name, value) => {
    expect(() => loadConfig({ ...base, [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, [name]: value })).toThrow(new RegExp(`^${name} must`));
  });
});
