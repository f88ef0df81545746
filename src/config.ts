import { hkdfSync, randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { LogLevel, isLogLevel } from "./logger";

/** Where development secrets are generated; ignored by git, never used in production. */
const DEV_SECRETS_FILE = ".dev-secrets.json";

export type DatabaseTarget =
  | { kind: "sqlite"; path: string }
  | { kind: "mysql"; url: string };

export interface GatewayConfig {
  readonly nodeEnv: "production" | "development" | "test";
  readonly port: number;
  readonly database: DatabaseTarget;
  /** HS256 secret for applicant and admin tokens. */
  readonly jwtSecret: Uint8Array;
  /** Days a consent lasts before it expires. */
  readonly consentTtlDays: number;
  /** Key for the HMAC that fingerprints submissions (idempotency), derived from JWT_SECRET. */
  readonly requestFingerprintKey: Buffer;
  readonly logLevel: LogLevel;
  /** Whether secrets came from the generated development file. */
  readonly usesGeneratedSecrets: boolean;
}

export class ConfigError extends Error {}

type Environment = Record<string, string | undefined>;

function parseDatabase(url: string | undefined): DatabaseTarget {
  if (url === undefined || url === "") return { kind: "sqlite", path: "data/gateway.sqlite" };
  if (url === "sqlite::memory:") return { kind: "sqlite", path: ":memory:" };
  if (url.startsWith("sqlite:")) {
    const path = url.slice("sqlite:".length);
    if (path === "") throw new ConfigError("DATABASE_URL sqlite: needs a path");
    return { kind: "sqlite", path };
  }
  if (url.startsWith("mysql://") || url.startsWith("mariadb://")) {
    try {
      new URL(url);
    } catch {
      throw new ConfigError("DATABASE_URL is not a valid mysql:// URL");
    }
    return { kind: "mysql", url: url.replace(/^mariadb:/, "mysql:") };
  }
  throw new ConfigError("DATABASE_URL must start with mysql://, sqlite: or be sqlite::memory:");
}

function parseInteger(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined || raw === "") return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(`${name} must be a whole number`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(`${name} must lie between ${min} and ${max}`);
  return value;
}

function parseLogLevel(raw: string | undefined): LogLevel {
  if (raw === undefined || raw === "") return "info";
  if (!isLogLevel(raw)) throw new ConfigError("LOG_LEVEL must be debug, info, warn, error or silent");
  return raw;
}

function readOrGenerateDevSecrets(): { jwtSecret: string } {
  const path = resolve(DEV_SECRETS_FILE);
  if (existsSync(path)) {
    const parsed = JSON.parse(readFileSync(path, "utf8")) as { jwtSecret?: unknown };
    if (typeof parsed.jwtSecret === "string" && parsed.jwtSecret.length >= 32) {
      return { jwtSecret: parsed.jwtSecret };
    }
  }
  const generated = { jwtSecret: randomBytes(48).toString("base64url") };
  writeFileSync(path, JSON.stringify(generated, null, 2) + "\n", { mode: 0o600 });
  return generated;
}

/** Only the database part of the environment, for tools that need no secrets (the TypeORM CLI). */
export function databaseTargetFromEnv(env: Environment = process.env): DatabaseTarget {
  return parseDatabase(env.DATABASE_URL);
}

export function loadConfig(env: Environment = process.env): GatewayConfig {
  const nodeEnv = env.NODE_ENV === "production" ? "production" : env.NODE_ENV === "test" ? "test" : "development";
  let jwtSecret = env.JWT_SECRET;
  let usesGeneratedSecrets = false;
  if (jwtSecret === undefined || jwtSecret === "") {
    if (nodeEnv === "production") {
      throw new ConfigError("JWT_SECRET is required when NODE_ENV=production");
    }
    jwtSecret = readOrGenerateDevSecrets().jwtSecret;
    usesGeneratedSecrets = true;
  }
  // HS256 needs at least 256 bits of key; a short secret is a guessable one.
  if (Buffer.byteLength(jwtSecret, "utf8") < 32) {
    throw new ConfigError("JWT_SECRET must be at least 32 bytes");
  }
  return Object.freeze({
    nodeEnv,
    port: parseInteger("PORT", env.PORT, 4000, 0, 65535),
    database: Object.freeze(parseDatabase(env.DATABASE_URL)),
    jwtSecret: new TextEncoder().encode(jwtSecret),
    consentTtlDays: parseInteger("CONSENT_TTL_DAYS", env.CONSENT_TTL_DAYS, 30, 1, 3650),
    requestFingerprintKey: Buffer.from(hkdfSync("sha256", jwtSecret, "", "lead-gateway/request-fingerprint", 32)),
    logLevel: parseLogLevel(env.LOG_LEVEL),
    usesGeneratedSecrets,
  });
}
