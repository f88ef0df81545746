import { hkdfSync, randomBytes } from "node:crypto";
import { ConfigError } from "./errors/config-error";
import type { RemoteKeyTiming } from "./identity-provider/key-sets";
import { type IdentityProviderSettings, parseIdentityProviders } from "./identity-provider/settings";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { type LogLevel, isLogLevel } from "./logging/logger";
import { PII_KEY_BYTES, PiiKeyring } from "./privacy/encryption";
import type { QueryLimits } from "./limits/query-limit-rules";
import { isValidKeyName } from "./transparency/verifier-key";
import type { TransparencySettings } from "./transparency-log/transparency-log";
import type { WebhookSettings } from "./webhooks/delivery";
import { type PageSignIn, WEB_APPS, type WebApp, type WebPageSettings, builtPagesDirectory } from "./web-pages/web-page-settings";

/** Where development secrets are generated; ignored by git, never used in production. */
const DEV_SECRETS_FILE = ".dev-secrets.json";

/**
 * DATABASE_CAUSAL_READS: whether every MySQL session waits for the cluster before it reads
 * (Galera's `wsrep_sync_wait`). `auto` turns it on when the server is a Galera node.
 */
export type CausalReadsSetting = "auto" | "on" | "off";

export type DatabaseTarget =
  | { kind: "sqlite"; path: string }
  | { kind: "mysql"; url: string; causalReads: CausalReadsSetting };

export interface GatewayConfig {
  readonly nodeEnv: "production" | "development" | "test";
  readonly port: number;
  readonly database: DatabaseTarget;
  /** HS256 secret for development applicant and admin tokens; in production it only keys submission fingerprints. */
  readonly jwtSecret: Uint8Array;
  /** HS256 tokens signed with JWT_SECRET (`npm run token`) are accepted: never in production. */
  readonly acceptsDevelopmentTokens: boolean;
  /** The supermarket's identity providers: applicant and admin tokens, verified against their keys. */
  readonly identityProviders: readonly IdentityProviderSettings[];
  /** How an identity provider's JWKS endpoint is fetched and cached. */
  readonly identityProviderKeys: RemoteKeyTiming;
  /** Days a consent lasts before it expires. */
  readonly consentTtlDays: number;
  /** Key for the HMAC that fingerprints submissions (idempotency), derived from JWT_SECRET. */
  readonly requestFingerprintKey: Buffer;
  readonly logLevel: LogLevel;
  /** Seconds a SIGTERM/SIGINT waits for in-flight requests before closing their connections. */
  readonly shutdownGraceSeconds: number;
  /** Seconds a /graphql request may run before it is answered SERVICE_UNAVAILABLE (a hung database). */
  readonly requestTimeoutSeconds: number;
  /** Keys for identity values at rest: PII_ENCRYPTION_KEY seals, it and PII_ENCRYPTION_KEYS_OLD open. */
  readonly piiKeyring: PiiKeyring;
  /** Days after an application closed before the retention job erases its applicant's identity. */
  readonly retentionDays: number;
  /** Days without activity after which the retention job closes a still-SUBMITTED application. */
  readonly applicationOpenDays: number;
  /** The gateway's name as lenders' client assertions address it (`aud`), as FAPI 2.0 does. */
  readonly gatewayIssuer: string;
  /** Hours a change waiting for a second admin stays open before it expires. */
  readonly adminChangeTtlHours: number;
  /** Minutes between in-server retention runs; null: run only through `npm run retention`. */
  readonly retentionIntervalMinutes: number | null;
  /** Harvest-proofing (a lender must not bulk-read applicants): query limits, quotas, JWT claims. Defaults in README "Security model". */
  readonly security: SecurityConfig;
  /** Whether secrets came from the generated development file. */
  readonly usesGeneratedSecrets: boolean;
  /** Bearer token `/metrics` requires; null (development and test only): `/metrics` is open. */
  readonly metricsToken: string | null;
  /** The transparency log: TRANSPARENCY_ORIGIN, TRANSPARENCY_SIGNING_KEY, TRANSPARENCY_MERGE_DELAY_SECONDS. */
  readonly transparency: TransparencySettings;
  /** Webhook delivery: WEBHOOK_RETRY_SCHEDULE, WEBHOOK_TIMEOUT_SECONDS, WEBHOOK_ALLOW_PRIVATE_URLS. */
  readonly webhooks: WebhookSettings;
  /** The console and the privacy centre: where their built pages are and how each signs in. */
  readonly webPages: WebPageSettings;
}

export { ConfigError };

/** APPLICATION_OPEN_DAYS when unset; also what a retention run uses when given none. */
export const DEFAULT_APPLICATION_OPEN_DAYS = 90;

type Environment = Record<string, string | undefined>;

function parseCausalReads(raw: string | undefined): CausalReadsSetting {
  if (raw === undefined || raw === "") return "auto";
  if (raw === "auto" || raw === "on" || raw === "off") return raw;
  throw new ConfigError("DATABASE_CAUSAL_READS must be auto, on or off");
}

function parseDatabase(url: string | undefined, causalReads: string | undefined): DatabaseTarget {
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
    return { kind: "mysql", url: url.replace(/^mariadb:/, "mysql:"), causalReads: parseCausalReads(causalReads) };
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

export interface SecurityConfig {
  readonly queryLimits: QueryLimits;
  /** Bytes; a larger request body is refused before parsing (HTTP 413). */
  readonly maxBodyBytes: number;
  /** Requests per minute per lender API key. */
  readonly lenderRequestsPerMinute: number;
  /** Applicant field reads per lender per UTC day, unless an admin set the lender's own budget. */
  readonly defaultDailyReadBudget: number;
  /** Shared quota counters in Redis; null: counters in the database. */
  readonly redisUrl: string | null;
  readonly redisKeyPrefix: string;
  /** When set, a JWT must carry exactly this `iss` / `aud`. */
  readonly jwtIssuer: string | null;
  readonly jwtAudience: string | null;
}

function parseOptional(raw: string | undefined): string | null {
  return raw === undefined || raw.trim() === "" ? null : raw.trim();
}

function parseSecurity(env: Environment): SecurityConfig {
  const redisUrl = parseOptional(env.REDIS_URL);
  if (redisUrl !== null && !/^rediss?:\/\/./.test(redisUrl)) throw new ConfigError("REDIS_URL must start with redis:// or rediss://");
  return Object.freeze({
    queryLimits: Object.freeze({
      maxDepth: parseInteger("MAX_QUERY_DEPTH", env.MAX_QUERY_DEPTH, 8, 1, 100),
      maxAliases: parseInteger("MAX_QUERY_ALIASES", env.MAX_QUERY_ALIASES, 15, 0, 1000),
      maxDirectivesPerField: parseInteger("MAX_DIRECTIVES_PER_FIELD", env.MAX_DIRECTIVES_PER_FIELD, 3, 0, 100),
      maxFieldRepeats: parseInteger("MAX_FIELD_REPEATS", env.MAX_FIELD_REPEATS, 5, 1, 1000),
      maxTokens: parseInteger("MAX_QUERY_TOKENS", env.MAX_QUERY_TOKENS, 2000, 10, 1000000),
      maxCost: parseInteger("MAX_QUERY_COST", env.MAX_QUERY_COST, 20000, 1, 100000000),
    }),
    maxBodyBytes: parseInteger("MAX_BODY_BYTES", env.MAX_BODY_BYTES, 1024 * 1024, 1024, 100 * 1024 * 1024),
    lenderRequestsPerMinute: parseInteger("LENDER_REQUESTS_PER_MINUTE", env.LENDER_REQUESTS_PER_MINUTE, 600, 1, 1000000),
    defaultDailyReadBudget: parseInteger("LENDER_DAILY_READ_BUDGET", env.LENDER_DAILY_READ_BUDGET, 5000, 0, 100000000),
    redisUrl,
    redisKeyPrefix: parseOptional(env.REDIS_KEY_PREFIX) ?? "gateway:",
    jwtIssuer: parseOptional(env.JWT_ISSUER),
    jwtAudience: parseOptional(env.JWT_AUDIENCE),
  });
}

function parseLogLevel(raw: string | undefined): LogLevel {
  if (raw === undefined || raw === "") return "info";
  if (!isLogLevel(raw)) throw new ConfigError("LOG_LEVEL must be debug, info, warn, error or silent");
  return raw;
}

interface DevSecrets {
  jwtSecret: string;
  piiEncryptionKey: string;
  transparencySigningKey: string;
}

/** Reads the development secrets, generating (and keeping) whichever is missing. */
function readOrGenerateDevSecrets(): DevSecrets {
  const path = resolve(DEV_SECRETS_FILE);
  const parsed = existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as Partial<Record<keyof DevSecrets, unknown>>) : {};
  const jwtSecret = typeof parsed.jwtSecret === "string" && parsed.jwtSecret.length >= 32 ? parsed.jwtSecret : null;
  const piiEncryptionKey = typeof parsed.piiEncryptionKey === "string" ? parsed.piiEncryptionKey : null;
  const transparencySigningKey = typeof parsed.transparencySigningKey === "string" ? parsed.transparencySigningKey : null;
  if (jwtSecret !== null && piiEncryptionKey !== null && transparencySigningKey !== null) return { jwtSecret, piiEncryptionKey, transparencySigningKey };
  // Keep what exists: a new JWT secret only logs people out, but a new PII key would make
  // every stored identity value unreadable, and a new log key would orphan the witnesses.
  const generated = {
    jwtSecret: jwtSecret ?? randomBytes(48).toString("base64url"),
    piiEncryptionKey: piiEncryptionKey ?? randomBytes(PII_KEY_BYTES).toString("base64"),
    transparencySigningKey: transparencySigningKey ?? randomBytes(SIGNING_SEED_BYTES).toString("base64"),
  };
  writeFileSync(path, JSON.stringify(generated, null, 2) + "\n", { mode: 0o600 });
  return generated;
}

function decodeKey(name: string, raw: string): Buffer {
  const trimmed = raw.trim();
  const key = Buffer.from(trimmed, "base64");
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed) || key.length !== PII_KEY_BYTES) {
    throw new ConfigError(`${name} must be ${PII_KEY_BYTES} bytes, base64-encoded (e.g. \`openssl rand -base64 32\`)`);
  }
  return key;
}

function parseKeyring(current: string, oldList: string | undefined): PiiKeyring {
  const currentKey = decodeKey("PII_ENCRYPTION_KEY", current);
  const oldKeys = (oldList ?? "").split(",").map(entry => entry.trim()).filter(entry => entry !== "")
    .map(entry => decodeKey("PII_ENCRYPTION_KEYS_OLD", entry));
  return new PiiKeyring(currentKey, oldKeys);
}

/** An Ed25519 seed (RFC 8032 private key) is 32 bytes. */
const SIGNING_SEED_BYTES = 32;

/**
 * TRANSPARENCY_ORIGIN (default: the host of GATEWAY_ISSUER), TRANSPARENCY_SIGNING_KEY (a 32-byte
 * Ed25519 seed, base64; required in production, generated into the development secrets file
 * otherwise) and TRANSPARENCY_MERGE_DELAY_SECONDS (default 2; fractions allowed).
 */
function parseTransparency(env: Environment, nodeEnv: GatewayConfig["nodeEnv"], gatewayIssuer: string): { settings: TransparencySettings; generated: boolean } {
  const origin = parseOptional(env.TRANSPARENCY_ORIGIN) ?? new URL(gatewayIssuer).host;
  if (!isValidKeyName(origin)) throw new ConfigError("TRANSPARENCY_ORIGIN must be non-empty text without spaces, control characters or '+' (it names the log and its key)");
  let seed = env.TRANSPARENCY_SIGNING_KEY;
  let generated = false;
  if (seed === undefined || seed === "") {
    if (nodeEnv === "production") throw new ConfigError("TRANSPARENCY_SIGNING_KEY is required when NODE_ENV=production (a 32-byte Ed25519 seed, base64: `openssl rand -base64 32`)");
    seed = readOrGenerateDevSecrets().transparencySigningKey;
    generated = true;
  }
  const signingSeed = Buffer.from(seed.trim(), "base64");
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(seed.trim()) || signingSeed.length !== SIGNING_SEED_BYTES) {
    throw new ConfigError(`TRANSPARENCY_SIGNING_KEY must be ${SIGNING_SEED_BYTES} bytes, base64-encoded (e.g. \`openssl rand -base64 32\`)`);
  }
  const rawDelay = parseOptional(env.TRANSPARENCY_MERGE_DELAY_SECONDS);
  const delay = rawDelay === null ? 2 : Number(rawDelay);
  if (rawDelay !== null && (!/^\d+(\.\d+)?$/.test(rawDelay) || delay < 0.05 || delay > 3600)) {
    throw new ConfigError("TRANSPARENCY_MERGE_DELAY_SECONDS must be a number of seconds from 0.05 to 3600");
  }
  return { settings: Object.freeze({ origin, signingSeed, mergeDelayMs: Math.round(delay * 1000) }), generated };
}

/** The Standard Webhooks retry schedule (seconds): at once, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. */
const DEFAULT_WEBHOOK_RETRY_SCHEDULE = [0, 5, 300, 1800, 7200, 18000, 36000, 36000];
/** At most this many attempts, and no wait longer than a day. */
const MAX_WEBHOOK_ATTEMPTS = 20;
const MAX_WEBHOOK_WAIT_SECONDS = 86400;
const SECONDS = /^\d+(\.\d+)?$/;

function parseBoolean(name: string, raw: string | undefined, fallback: boolean): boolean {
  const value = parseOptional(raw);
  if (value === null) return fallback;
  if (value === "true" || value === "1") return true;
  if (value === "false" || value === "0") return false;
  throw new ConfigError(`${name} must be true or false`);
}

/**
 * WEBHOOK_RETRY_SCHEDULE (comma-separated seconds before each attempt: 0 for the first, then the
 * wait after each failure; fractions allowed, for tests), WEBHOOK_TIMEOUT_SECONDS (default 15) and WEBHOOK_ALLOW_PRIVATE_URLS
 * (http and non-public addresses; default true outside production, false in production) and
 * WEBHOOK_POLL_SECONDS (how often an instance looks for due deliveries; default 0.5).
 */
function parseWebhooks(env: Environment, nodeEnv: GatewayConfig["nodeEnv"]): WebhookSettings {
  const rawSchedule = parseOptional(env.WEBHOOK_RETRY_SCHEDULE);
  let schedule = DEFAULT_WEBHOOK_RETRY_SCHEDULE;
  if (rawSchedule !== null) {
    const entries = rawSchedule.split(",").map(entry => entry.trim());
    if (entries.length > MAX_WEBHOOK_ATTEMPTS || entries.some(entry => !SECONDS.test(entry) || Number(entry) > MAX_WEBHOOK_WAIT_SECONDS) || Number(entries[0]) !== 0) {
      throw new ConfigError(`WEBHOOK_RETRY_SCHEDULE must be 1 to ${MAX_WEBHOOK_ATTEMPTS} comma-separated numbers of seconds, each from 0 to ${MAX_WEBHOOK_WAIT_SECONDS}, the first 0 (the first attempt is immediate), e.g. 0,5,300`);
    }
    schedule = entries.map(Number);
  }
  const rawTimeout = parseOptional(env.WEBHOOK_TIMEOUT_SECONDS);
  const timeout = rawTimeout === null ? 15 : Number(rawTimeout);
  if (rawTimeout !== null && (!SECONDS.test(rawTimeout) || timeout < 0.05 || timeout > 60)) {
    throw new ConfigError("WEBHOOK_TIMEOUT_SECONDS must be a number of seconds from 0.05 to 60");
  }
  const rawPoll = parseOptional(env.WEBHOOK_POLL_SECONDS);
  const poll = rawPoll === null ? 0.5 : Number(rawPoll);
  if (rawPoll !== null && (!SECONDS.test(rawPoll) || poll < 0.02 || poll > 3600)) {
    throw new ConfigError("WEBHOOK_POLL_SECONDS must be a number of seconds from 0.02 to 3600");
  }
  const allowPrivateUrls = parseBoolean("WEBHOOK_ALLOW_PRIVATE_URLS", env.WEBHOOK_ALLOW_PRIVATE_URLS, nodeEnv !== "production");
  // In production a lender's URL reaching the gateway's own network (a database, a metadata
  // service) would be a door into it: no setting opens it there.
  if (allowPrivateUrls && nodeEnv === "production") {
    throw new ConfigError("WEBHOOK_ALLOW_PRIVATE_URLS=true is refused in production: webhooks go to https URLs at public addresses only");
  }
  return Object.freeze({
    pollMs: Math.round(poll * 1000),
    retryScheduleMs: Object.freeze(schedule.map(seconds => Math.round(seconds * 1000))),
    timeoutMs: Math.round(timeout * 1000),
    allowPrivateUrls,
  });
}

/** Only the database part of the environment, for tools that need no secrets (the TypeORM CLI). */
export function databaseTargetFromEnv(env: Environment = process.env): DatabaseTarget {
  return parseDatabase(env.DATABASE_URL, env.DATABASE_CAUSAL_READS);
}

/**
 * Only the transparency log's name and signing key, for `npm run audit:verify` run without
 * `--key` beside the gateway. Unlike loadConfig it never generates a key: a checkpoint checked
 * against a key made up on the spot would fail for the wrong reason, or mislead.
 */
export function transparencySettingsFromEnv(env: Environment = process.env): TransparencySettings {
  if (parseOptional(env.TRANSPARENCY_SIGNING_KEY) === null) {
    throw new ConfigError("TRANSPARENCY_SIGNING_KEY is not set: give the log's verifier key with --key (GET /transparency/key serves it)");
  }
  const nodeEnv = parseNodeEnv(env.NODE_ENV);
  return parseTransparency(env, nodeEnv, parseGatewayIssuer(env.GATEWAY_ISSUER, nodeEnv, env.PORT)).settings;
}

/** GATEWAY_ISSUER: an https URL in production (required there); development defaults to the local address. */
function parseGatewayIssuer(raw: string | undefined, nodeEnv: GatewayConfig["nodeEnv"], port: string | undefined): string {
  const value = parseOptional(raw);
  if (value === null) {
    if (nodeEnv === "production") throw new ConfigError("GATEWAY_ISSUER is required when NODE_ENV=production (the https URL lenders address their assertions to)");
    return `http://localhost:${port === undefined || port === "" ? "4000" : port}`;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError("GATEWAY_ISSUER must be a URL");
  }
  if (nodeEnv === "production" && url.protocol !== "https:") throw new ConfigError("GATEWAY_ISSUER must be an https URL in production");
  return value;
}

/** A bearer credential (RFC 6750 token68 characters), long enough not to be guessed. */
const METRICS_TOKEN_FORM = /^[A-Za-z0-9._~+/-]{32,}=*$/;

/**
 * METRICS_TOKEN: what a scraper must send to read `/metrics`. Production refuses to start
 * without it: the metrics name lenders' activity and the gateway's internals, and a listener
 * reachable beyond the monitoring network would serve them to anyone.
 */
function parseMetricsToken(raw: string | undefined, nodeEnv: GatewayConfig["nodeEnv"]): string | null {
  if (raw === undefined || raw === "") {
    if (nodeEnv === "production") throw new ConfigError("METRICS_TOKEN is required when NODE_ENV=production");
    return null;
  }
  if (!METRICS_TOKEN_FORM.test(raw)) {
    throw new ConfigError("METRICS_TOKEN must be at least 32 characters of letters, digits and -._~+/ (e.g. `openssl rand -hex 32`)");
  }
  return raw;
}

const NODE_ENVS = ["production", "development", "test"] as const;

/**
 * Exactly one of NODE_ENVS, unset meaning development. Anything else ("prod", "Production") is
 * refused rather than read as development, which would open introspection and generate secrets.
 */
function parseNodeEnv(raw: string | undefined): GatewayConfig["nodeEnv"] {
  if (raw === undefined || raw === "") return "development";
  const nodeEnv = NODE_ENVS.find(candidate => candidate === raw);
  if (nodeEnv === undefined) throw new ConfigError("NODE_ENV must be production, development or test");
  return nodeEnv;
}

export function loadConfig(env: Environment = process.env): GatewayConfig {
  const nodeEnv = parseNodeEnv(env.NODE_ENV);
  // The SQLite fallback is for a checkout; in production it would give each instance its own
  // file, so applications written on one would be invisible to the others.
  if (nodeEnv === "production" && (env.DATABASE_URL === undefined || env.DATABASE_URL === "")) {
    throw new ConfigError("DATABASE_URL is required when NODE_ENV=production");
  }
  let jwtSecret = env.JWT_SECRET;
  let piiEncryptionKey = env.PII_ENCRYPTION_KEY;
  let usesGeneratedSecrets = false;
  if (jwtSecret === undefined || jwtSecret === "") {
    if (nodeEnv === "production") {
      throw new ConfigError("JWT_SECRET is required when NODE_ENV=production");
    }
    jwtSecret = readOrGenerateDevSecrets().jwtSecret;
    usesGeneratedSecrets = true;
  }
  if (piiEncryptionKey === undefined || piiEncryptionKey === "") {
    if (nodeEnv === "production") {
      throw new ConfigError("PII_ENCRYPTION_KEY is required when NODE_ENV=production");
    }
    piiEncryptionKey = readOrGenerateDevSecrets().piiEncryptionKey;
    usesGeneratedSecrets = true;
  }
  // HS256 needs at least 256 bits of key; a short secret is a guessable one.
  if (Buffer.byteLength(jwtSecret, "utf8") < 32) {
    throw new ConfigError("JWT_SECRET must be at least 32 bytes");
  }
  const gatewayIssuer = parseGatewayIssuer(env.GATEWAY_ISSUER, nodeEnv, env.PORT);
  const transparency = parseTransparency(env, nodeEnv, gatewayIssuer);
  usesGeneratedSecrets ||= transparency.generated;
  const identityProviders = parseIdentityProviders(env, nodeEnv === "production");
  return Object.freeze({
    nodeEnv,
    port: parseInteger("PORT", env.PORT, 4000, 0, 65535),
    database: Object.freeze(parseDatabase(env.DATABASE_URL, env.DATABASE_CAUSAL_READS)),
    jwtSecret: new TextEncoder().encode(jwtSecret),
    acceptsDevelopmentTokens: nodeEnv !== "production",
    identityProviders,
    identityProviderKeys: Object.freeze({
      cacheMaxAgeMs: parseInteger("JWKS_CACHE_MAX_AGE_SECONDS", env.JWKS_CACHE_MAX_AGE_SECONDS, 600, 1, 86400) * 1000,
      cooldownMs: parseInteger("JWKS_COOLDOWN_SECONDS", env.JWKS_COOLDOWN_SECONDS, 30, 0, 3600) * 1000,
      timeoutMs: 5000,
    }),
    consentTtlDays: parseInteger("CONSENT_TTL_DAYS", env.CONSENT_TTL_DAYS, 30, 1, 3650),
    requestFingerprintKey: Buffer.from(hkdfSync("sha256", jwtSecret, "", "lead-gateway/request-fingerprint", 32)),
    logLevel: parseLogLevel(env.LOG_LEVEL),
    shutdownGraceSeconds: parseInteger("SHUTDOWN_GRACE_SECONDS", env.SHUTDOWN_GRACE_SECONDS, 25, 0, 3600),
    requestTimeoutSeconds: parseInteger("REQUEST_TIMEOUT_SECONDS", env.REQUEST_TIMEOUT_SECONDS, 15, 1, 600),
    piiKeyring: parseKeyring(piiEncryptionKey, env.PII_ENCRYPTION_KEYS_OLD),
    retentionDays: parseInteger("RETENTION_DAYS", env.RETENTION_DAYS, 365, 1, 36500),
    applicationOpenDays: parseInteger("APPLICATION_OPEN_DAYS", env.APPLICATION_OPEN_DAYS, DEFAULT_APPLICATION_OPEN_DAYS, 1, 3650),
    gatewayIssuer,
    adminChangeTtlHours: parseInteger("ADMIN_CHANGE_TTL_HOURS", env.ADMIN_CHANGE_TTL_HOURS, 72, 1, 720),
    retentionIntervalMinutes: env.RETENTION_INTERVAL_MINUTES === undefined || env.RETENTION_INTERVAL_MINUTES === ""
      ? null
      : parseInteger("RETENTION_INTERVAL_MINUTES", env.RETENTION_INTERVAL_MINUTES, 60, 1, 10080),
    security: parseSecurity(env),
    usesGeneratedSecrets,
    metricsToken: parseMetricsToken(env.METRICS_TOKEN, nodeEnv),
    transparency: transparency.settings,
    webhooks: parseWebhooks(env, nodeEnv),
    webPages: parseWebPages(env, nodeEnv, identityProviders),
  });
}

/** Which identity provider each page signs in with, and the prefix of its variables. */
const PAGE_SIGN_IN: Readonly<Record<WebApp, { role: IdentityProviderSettings["role"]; prefix: string }>> = {
  console: { role: "admin", prefix: "CONSOLE_OIDC" },
  privacy: { role: "applicant", prefix: "PRIVACY_OIDC" },
};

/** An absolute URI without a fragment, as RFC 8707 requires of a resource indicator. */
function isResourceIndicator(value: string): boolean {
  try {
    const url = new URL(value);
    return url.hash === "" && !value.includes("#");
  } catch {
    return false;
  }
}

/**
 * A page signs in with OpenID Connect when its client is named (`<APP>_OIDC_CLIENT_ID`): at the
 * issuer the gateway already trusts for its users, so the token it gets is one the gateway
 * accepts, asking for the gateway's audience as the resource (RFC 8707) unless told otherwise.
 * Without a client, production says sign-in is not configured (HS256 tokens are refused there);
 * development and test take a pasted development token.
 */
function parsePageSignIn(app: WebApp, env: Environment, nodeEnv: GatewayConfig["nodeEnv"], providers: readonly IdentityProviderSettings[]): PageSignIn {
  const { role, prefix } = PAGE_SIGN_IN[app];
  const clientId = parseOptional(env[`${prefix}_CLIENT_ID`]);
  const scope = parseOptional(env[`${prefix}_SCOPE`]);
  const resource = parseOptional(env[`${prefix}_RESOURCE`]);
  if (clientId === null) {
    if (scope !== null || resource !== null) throw new ConfigError(`${prefix}_CLIENT_ID is required with ${prefix}_SCOPE or ${prefix}_RESOURCE`);
    return nodeEnv === "production" ? { kind: "unconfigured" } : { kind: "token" };
  }
  if (!/^[\x21-\x7e]{1,255}$/.test(clientId)) throw new ConfigError(`${prefix}_CLIENT_ID must be 1 to 255 visible ASCII characters`);
  const issuerName = `${role.toUpperCase()}_TOKEN_ISSUER`;
  const provider = providers.find(candidate => candidate.role === role);
  if (!provider) throw new ConfigError(`${prefix}_CLIENT_ID needs ${issuerName}: the page signs in at the issuer the gateway trusts for its users`);
  let authority: URL;
  try {
    authority = new URL(provider.issuer);
  } catch {
    throw new ConfigError(`${issuerName} must be a URL to sign in with ${prefix}_CLIENT_ID (the page discovers the provider from it)`);
  }
  if (authority.protocol !== "https:" && (nodeEnv === "production" || authority.protocol !== "http:")) {
    throw new ConfigError(`${issuerName} must be an ${nodeEnv === "production" ? "https" : "http(s)"} URL to sign in with ${prefix}_CLIENT_ID`);
  }
  const scopes = (scope ?? "openid").split(/\s+/);
  if (!scopes.includes("openid") || !scopes.every(token => /^[\x21\x23-\x5b\x5d-\x7e]+$/.test(token))) {
    throw new ConfigError(`${prefix}_SCOPE must be space-separated scope names including openid`);
  }
  if (resource !== null && !isResourceIndicator(resource)) throw new ConfigError(`${prefix}_RESOURCE must be an absolute URI without a fragment`);
  return {
    kind: "oidc",
    authority: provider.issuer,
    clientId,
    scope: scopes.join(" "),
    // An audience that is itself a URI is asked for by name; otherwise the provider must put it in on its own.
    resource: resource ?? (isResourceIndicator(provider.audience) ? provider.audience : null),
  };
}

function parseWebPages(env: Environment, nodeEnv: GatewayConfig["nodeEnv"], providers: readonly IdentityProviderSettings[]): WebPageSettings {
  const signIn = Object.fromEntries(WEB_APPS.map(app => [app, Object.freeze(parsePageSignIn(app, env, nodeEnv, providers))])) as Record<WebApp, PageSignIn>;
  const anyOidc = WEB_APPS.some(app => signIn[app].kind === "oidc");
  return Object.freeze({ directory: builtPagesDirectory(), signIn: Object.freeze(signIn), signInOrigins: parseSignInOrigins(env.WEB_SIGN_IN_ORIGINS, nodeEnv, anyOidc) });
}

/**
 * WEB_SIGN_IN_ORIGINS: origins (scheme, host, port; no path) besides the issuers' that the
 * pages may call during sign-in, for a provider whose token endpoint is on another host. Each
 * one widens the pages' connect-src, so only with a page that signs in with OpenID Connect.
 */
function parseSignInOrigins(raw: string | undefined, nodeEnv: GatewayConfig["nodeEnv"], anyOidc: boolean): readonly string[] {
  const listed = parseOptional(raw);
  if (listed === null) return Object.freeze([]);
  if (!anyOidc) throw new ConfigError("WEB_SIGN_IN_ORIGINS needs CONSOLE_OIDC_CLIENT_ID or PRIVACY_OIDC_CLIENT_ID");
  const origins = listed.split(",").map(entry => entry.trim()).map(entry => {
    let url: URL;
    try {
      url = new URL(entry);
    } catch {
      throw new ConfigError("WEB_SIGN_IN_ORIGINS must be comma-separated origins such as https://login.example");
    }
    const schemeAllowed = url.protocol === "https:" || (nodeEnv !== "production" && url.protocol === "http:");
    if (!schemeAllowed || url.origin !== entry.replace(/\/$/, "") || url.username !== "" || url.password !== "") {
      throw new ConfigError(`WEB_SIGN_IN_ORIGINS must be comma-separated ${nodeEnv === "production" ? "https" : "http(s)"} origins (no path, query or credentials)`);
    }
    return url.origin;
  });
  return Object.freeze([...new Set(origins)]);
}
