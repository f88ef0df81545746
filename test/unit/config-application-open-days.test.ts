import { ConfigError, loadConfig } from "../../src/config";

const secrets = { NODE_ENV: "test", JWT_SECRET: "test-only-jwt-secret-0123456789abcdefghijklmnop", PII_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"), TRANSPARENCY_SIGNING_KEY: Buffer.alloc(32, 5).toString("base64") };

describe("APPLICATION_OPEN_DAYS", () => {
  it("defaults to 90 and takes a whole number from 1 to 3650", () => {
    expect(loadConfig(secrets).applicationOpenDays).toBe(90);
    expect(loadConfig({ ...secrets, APPLICATION_OPEN_DAYS: "1" }).applicationOpenDays).toBe(1);
    expect(loadConfig({ ...secrets, APPLICATION_OPEN_DAYS: "3650" }).applicationOpenDays).toBe(3650);
  });

  it.each(["0", "3651", "-5", "30.5", "ninety", " 90"])("refuses APPLICATION_OPEN_DAYS=%j, naming the variable", value => {
    expect(() => loadConfig({ ...secrets, APPLICATION_OPEN_DAYS: value })).toThrow(ConfigError);
    expect(() => loadConfig({ ...secrets, APPLICATION_OPEN_DAYS: value })).toThrow(/APPLICATION_OPEN_DAYS/);
  });
});
