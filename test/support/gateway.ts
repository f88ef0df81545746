import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { DataSource } from "typeorm";
import { signDevelopmentToken } from "../../src/auth/jwt";
import { StatementCounter } from "../../src/database/statement-counter";
import { DatabaseTarget, GatewayConfig, databaseTargetFromEnv, loadConfig } from "../../src/config";
import { openDatabase } from "../../src/database/open-database";
import { createLogger } from "../../src/logging/logger";
import { buildGatewaySchema } from "../../src/schema";
import { RunningGateway, startGateway } from "../../src/server";

declare const __DATABASE_KIND__: "sqlite" | "mysql";

/** A test secret, long enough for HS256; never a real one. */
export const TEST_JWT_SECRET = "test-only-jwt-secret-0123456789abcdefghijklmnop";

/** A test key for identity values at rest (32 bytes, base64); never a real one. */
export const TEST_PII_ENCRYPTION_KEY = Buffer.from("test-only-pii-key-0123456789abcd").toString("base64");

/** A test seed for the transparency log's signing key (32 bytes, base64); never a real one. */
export const TEST_TRANSPARENCY_SIGNING_KEY = Buffer.from("test-only-log-seed-0123456789abc").toString("base64");

/**
 * The sequencer runs off the request path; a test gateway leaves it idle (its first pass would
 * come after half an hour) unless the test sets TRANSPARENCY_MERGE_DELAY_SECONDS itself, so that
 * statement counts and raw table scans of other suites see only their requests' work.
 * test/integration/transparency-log.test.ts runs it.
 */
export const IDLE_SEQUENCER = "3600";

/**
 * Webhook delivery polls the database too; idle in a test gateway for the same reason, unless
 * the test sets WEBHOOK_POLL_SECONDS (the webhook suites do).
 */
export const IDLE_WEBHOOK_DELIVERY = "3600";

export interface GraphQLResult {
  status: number;
  body: { data?: Record<string, any> | null; errors?: Array<{ message: string; path?: (string | number)[]; extensions?: Record<string, any> }> };
  /** The raw response text, for "appears nowhere in the response" assertions. */
  text: string;
}

export interface TestGateway {
  url: string;
  dataSource: DataSource;
  /** Counts the SQL statements the gateway sends; `statements.measure(() => request(...))`. */
  statements: StatementCounter;
  kind: "sqlite" | "mysql";
  /** DATABASE_URL of the database this gateway runs on, for a command run beside it. */
  databaseUrl: string;
  request(query: string, variables?: Record<string, unknown>, token?: string, headers?: Record<string, string>): Promise<GraphQLResult>;
  token(role: "admin" | "applicant", subject: string): Promise<string>;
  /** Stops the server and closes its database; `keepDatabase`: leaves the SQLite file, for `startTestGatewayOn` to start again on it. */
  stop(options?: { keepDatabase?: boolean }): Promise<void>;
}

function databaseTarget(): { target: DatabaseTarget; cleanup: () => void } {
  const kind = typeof __DATABASE_KIND__ === "string" ? __DATABASE_KIND__ : "sqlite";
  if (kind === "mysql") {
    const url = process.env.TEST_MYSQL_URL;
    if (!url) throw new Error("TEST_MYSQL_URL is required for the mysql project");
    return { target: { kind: "mysql", url, causalReads: "auto" }, cleanup: () => undefined };
  }
  const directory = mkdtempSync(join(tmpdir(), "gateway-test-"));
  return { target: { kind: "sqlite", path: join(directory, "gateway.sqlite") }, cleanup: () => rmSync(directory, { recursive: true, force: true }) };
}

/**
 * Starts the real gateway on a real database, on a loopback port. MySQL tests share one
 * database, so each test file starts from empty tables (the suite runs in band).
 */
export async function startTestGateway(overrides: Record<string, string> = {}): Promise<TestGateway> {
  const { target, cleanup } = databaseTarget();
  if (target.kind === "mysql") {
    const wipe = await openDatabase(target);
    await wipe.dropDatabase();
    await wipe.destroy();
  }
  return startOn(target, cleanup, overrides);
}

/**
 * Starts a gateway again on the database of one stopped with `keepDatabase`, as it is (nothing
 * wiped): a restart. Its `stop()` removes a SQLite file's directory, as the first one's would have.
 */
export async function startTestGatewayOn(databaseUrl: string, overrides: Record<string, string> = {}): Promise<TestGateway> {
  const target = databaseTargetFromEnv({ DATABASE_URL: databaseUrl });
  const cleanup = target.kind === "sqlite" ? () => rmSync(dirname(target.path), { recursive: true, force: true }) : () => undefined;
  return startOn(target, cleanup, overrides);
}

async function startOn(target: DatabaseTarget, cleanup: () => void, overrides: Record<string, string>): Promise<TestGateway> {
  const databaseUrl = target.kind === "mysql" ? target.url : `sqlite:${target.path}`;
  const config: GatewayConfig = loadConfig({
    NODE_ENV: "test", JWT_SECRET: TEST_JWT_SECRET, PII_ENCRYPTION_KEY: TEST_PII_ENCRYPTION_KEY, LOG_LEVEL: "silent",
    TRANSPARENCY_SIGNING_KEY: TEST_TRANSPARENCY_SIGNING_KEY, TRANSPARENCY_MERGE_DELAY_SECONDS: IDLE_SEQUENCER,
    WEBHOOK_POLL_SECONDS: IDLE_WEBHOOK_DELIVERY,
    // The database actually opened below; NODE_ENV=production refuses to start without one.
    DATABASE_URL: databaseUrl,
    ...overrides,
  });
  const statements = new StatementCounter();
  const dataSource = await openDatabase(target, statements);
  const schema = await buildGatewaySchema();
  const running: RunningGateway = await startGateway(config, dataSource, schema, createLogger("silent"), 0, "127.0.0.1");
  return {
    url: running.url,
    dataSource,
    statements,
    kind: target.kind,
    databaseUrl,
    async request(query, variables = {}, token, headers = {}) {
      const response = await fetch(running.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...headers,
        },
        body: JSON.stringify({ query, variables }),
      });
      const text = await response.text();
      return { status: response.status, body: JSON.parse(text), text };
    },
    // As `npm run token` does: with JWT_ISSUER/JWT_AUDIENCE when the gateway checks them.
    token: (role, subject) => signDevelopmentToken(config.jwtSecret, role, subject, "12h", config.security),
    async stop(options = {}) {
      await running.stop();
      await dataSource.destroy();
      if (!options.keepDatabase) cleanup();
    },
  };
}
