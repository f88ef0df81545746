import { loadConfig } from "../../src/config";
import { PRODUCTION_SETTINGS } from "../support/identity-providers";

const secrets = {
  JWT_SECRET: "test-only-jwt-secret-0123456789abcdefghijklmnop",
  PII_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"),
  TRANSPARENCY_SIGNING_KEY: Buffer.alloc(32, 5).toString("base64"),
  DATABASE_URL: "mysql://gateway:secret@db.internal:3306/gateway",
};
const TOKEN = "0123456789abcdef0123456789abcdef";

describe("METRICS_TOKEN", () => {
  it.each([["unset", undefined], ["empty", ""]])("production refuses to start with it %s, naming the variable", (_name, value) => {
    expect(() => loadConfig({ ...secrets, ...PRODUCTION_SETTINGS, NODE_ENV: "production", METRICS_TOKEN: value })).toThrow(/METRICS_TOKEN/);
  });

  it("positive twin: production starts with it", () => {
    expect(loadConfig({ ...secrets, ...PRODUCTION_SETTINGS, NODE_ENV: "production", METRICS_TOKEN: TOKEN }).metricsToken).toBe(TOKEN);
  });

  it.each(["development", "test"])("%s without it leaves /metrics open (null)", nodeEnv => {
    expect(loadConfig({ ...secrets, NODE_ENV: nodeEnv }).metricsToken).toBeNull();
  });

  it.each([
    ["shorter than 32 characters", "0123456789abcdef"],
    ["holding a space", "0123456789abcdef 0123456789abcdef"],
    ["holding a character a bearer token cannot", "0123456789abcdef0123456789abcdef\""],
  ])("is refused when %s, naming the variable, also outside production", (_name, value) => {
    expect(() => loadConfig({ ...secrets, NODE_ENV: "development", METRICS_TOKEN: value })).toThrow(/METRICS_TOKEN/);
  });

  it("keeps a base64 token with its padding", () => {
    const padded = Buffer.alloc(32, 1).toString("base64");
    expect(loadConfig({ ...secrets, NODE_ENV: "test", METRICS_TOKEN: padded }).metricsToken).toBe(padded);
  });
});
