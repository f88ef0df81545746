import { randomUUID } from "node:crypto";
import { IncomingMessage, Server, createServer } from "node:http";
import { AddressInfo } from "node:net";
import { createPool } from "mysql2/promise";
import { apiKeySecretMatches, parseApiKey } from "../src/auth/api-key-secret";
import { DatabaseTarget } from "../src/config";
import { Consent } from "../src/model/consent.entity";
import { LenderStatus } from "../src/model/lender-status";
import { decideLenderAccess } from "../src/privacy/consent-policy";
import { PiiCategory, decodeCategories } from "../src/model/pii-category";
import { regionNameOf } from "../src/regions/region-lookup";
import { encodeFieldReads, type FieldRead } from "../src/model/access-record.entity";
import { AccessOutcome, ReaderKind } from "../src/model/pii-access.type";
import { accessLeafHash } from "../src/transparency-log/leaf-encoding";
import { IdentityOpener } from "./floor-identity";

/**
 * Row 4, the floor: what any server must pay for the scenario. A bare `node:http` handler runs
 * the same six statements as the gateway (key with its lender, the request-rate counter, the
 * page of leads joined with their applications and applicants, the identity-read counter, the
 * consents, one multi-row access-log insert) straight through the driver, applies the same
 * pure access rule, decrypts the same way and serialises the same JSON. No GraphQL, no ORM.
 *
 * With `audit: false` (row 5, a diagnostic) it skips only the access-log insert: the difference
 * between rows 4 and 5 is what that one statement costs, with nothing else around it.
 */
type Row = Record<string, any>;

// better-sqlite3 ships no type declarations; only what is used here is typed.
interface SqliteStatement { all(...params: unknown[]): unknown[]; run(...params: unknown[]): { changes: number } }
interface SqliteDatabase { prepare(sql: string): SqliteStatement; close(): void }
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Database: new (path: string) => SqliteDatabase = require("better-sqlite3");

interface Driver {
  all(sql: string, params: unknown[]): Promise<Row[]>;
  /** Resolves the number of rows changed. */
  run(sql: string, params: unknown[]): Promise<number>;
  /** How the driver wants a timestamp parameter. */
  timestamp(date: Date): unknown;
  date(value: unknown): Date;
  close(): Promise<void>;
}

const FIELDS: Array<[string, PiiCategory]> = [
  ["fullName", PiiCategory.NAME], ["nationalId", PiiCategory.NATIONAL_ID], ["phone", PiiCategory.PHONE], ["email", PiiCategory.EMAIL],
];

function sqliteDriver(path: string): Driver {
  const database = new Database(path);
  const statements = new Map<string, SqliteStatement>();
  const prepared = (sql: string) => {
    let statement = statements.get(sql);
    if (!statement) statements.set(sql, (statement = database.prepare(sql)));
    return statement;
  };
  return {
    all: async (sql, params) => prepared(sql).all(...params) as Row[],
    run: async (sql, params) => prepared(sql).run(...params).changes,
    // The text form TypeORM writes for DATETIME(3) on SQLite.
    timestamp: date => date.toISOString().replace("T", " ").replace("Z", ""),
    date: value => new Date(`${String(value).replace(" ", "T")}Z`),
    close: async () => void database.close(),
  };
}

function mysqlDriver(url: string): Driver {
  const pool = createPool({ uri: url, timezone: "Z", connectionLimit: 10, dateStrings: false });
  return {
    all: async (sql, params) => (await pool.query(sql, params))[0] as Row[],
    run: async (sql, params) => ((await pool.query(sql, params))[0] as { affectedRows: number }).affectedRows,
    timestamp: date => date,
    date: value => (value instanceof Date ? value : new Date(String(value))),
    close: () => pool.end(),
  };
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** The quotas row 1 charges, at the same limits the benchmark gives the gateway. */
const REQUESTS_PER_MINUTE = 1_000_000;
const DAILY_READ_BUDGET = 100_000_000;

const placeholders = (count: number) => new Array(count).fill("?").join(", ");

async function readJson(request: IncomingMessage): Promise<any> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString("utf8"));
}

export interface FloorServer {
  url: string;
  statements(): number;
  stop(): Promise<void>;
}

export async function startFloorServer(target: DatabaseTarget, openIdentity: IdentityOpener, options: { audit: boolean }): Promise<FloorServer> {
  const driver = target.kind === "sqlite" ? sqliteDriver(target.path) : mysqlDriver(target.url);
  let statements = 0;
  const all = (sql: string, params: unknown[]) => (statements++, driver.all(sql, params));
  const run = (sql: string, params: unknown[]) => (statements++, driver.run(sql, params));

  /**
   * The gateway's quota counter (src/quotas/database-counter-store.ts), same statements: one
   * conditional UPDATE; only a new window also INSERTs.
   */
  async function consume(key: string, amount: number, limit: number, ttlMs: number, now: Date): Promise<void> {
    const add = () => run("UPDATE quota_counters SET count = count + ? WHERE counter_key = ? AND count + ? <= ?", [amount, key, amount, limit]);
    if ((await add()) > 0) return;
    try {
      await run("INSERT INTO quota_counters (counter_key, count, expires_at) VALUES (?, ?, ?)", [key, amount, driver.timestamp(new Date(now.getTime() + ttlMs))]);
    } catch {
      if ((await add()) === 0) throw new Error("quota exhausted");
    }
  }

  async function page(authorization: string | undefined, first: number): Promise<unknown> {
    const parsed = parseApiKey(/^Bearer (\S+)$/.exec(authorization ?? "")?.[1] ?? "");
    if (!parsed) return null;
    const [key] = await all(
      "SELECT k.id, k.secret_hash, k.revoked_at, k.last_used_at, l.id AS lender_id, l.status, l.permitted_categories " +
        "FROM api_keys k INNER JOIN lenders l ON l.id = k.lender_id WHERE k.id = ?", [parsed.id]);
    if (!key || !apiKeySecretMatches(parsed.secret, key.secret_hash) || key.revoked_at !== null) return null;
    const now = new Date();
    if (key.last_used_at === null || now.getTime() - driver.date(key.last_used_at).getTime() >= 60_000) {
      await run("UPDATE api_keys SET last_used_at = ? WHERE id = ?", [driver.timestamp(now), key.id]);
    }
    await consume(`rate:${key.id}:${Math.floor(now.getTime() / MINUTE_MS)}`, 1, REQUESTS_PER_MINUTE, 2 * MINUTE_MS, now);
    const lender = { id: key.lender_id as string, status: key.status as LenderStatus, permittedCategories: decodeCategories(key.permitted_categories) };
    // As row 1: the page joined with its applications and their applicants in one statement.
    const leads = await all(
      "SELECT le.id, le.status, le.application_id, a.applicant_id, a.amount, a.term_months, a.city, " +
        "ap.full_name, ap.national_id, ap.phone, ap.email FROM leads le " +
        "INNER JOIN applications a ON a.id = le.application_id INNER JOIN applicants ap ON ap.id = a.applicant_id " +
        "WHERE le.lender_id = ? ORDER BY le.created_at DESC, le.id ASC LIMIT ? OFFSET 0",
      [lender.id, first + 1]);
    const visible = leads.slice(0, first);
    const applicationIds = visible.map(lead => lead.application_id as string);
    // As row 1: the identity-read budget charged before the reads are decided.
    if (visible.length > 0) {
      const day = now.toISOString().slice(0, 10);
      await consume(`reads:${lender.id}:${day}`, visible.length * FIELDS.length, DAILY_READ_BUDGET, 2 * DAY_MS, now);
    }
    // The columns the gateway's gate reads (src/privacy/decision-consents.ts).
    const consentRows = visible.length === 0 ? [] : await all(
      `SELECT id, application_id, lender_id, categories, status, granted_at, expires_at FROM consents WHERE lender_id = ? AND application_id IN (${placeholders(applicationIds.length)})`,
      [lender.id, ...applicationIds]);
    const consents = consentRows.map(row => ({
      id: row.id, applicationId: row.application_id, lenderId: row.lender_id, categories: decodeCategories(row.categories),
      storedStatus: row.status, grantedAt: driver.date(row.granted_at), expiresAt: driver.date(row.expires_at),
    }) as unknown as Consent);
    const audit: unknown[] = [];
    let records = 0;
    const requestId = randomUUID();
    const edges = visible.map(lead => {
      const own = consents.filter(consent => consent.applicationId === lead.application_id);
      const record = { ...lead, id: lead.applicant_id };
      // The column holds a GB/T 2260 code; the gateway answers with its official name.
      const applicant: Record<string, unknown> = { city: regionNameOf(lead.city) ?? null };
      const reads: FieldRead[] = [];
      for (const [field, category] of FIELDS) {
        const decision = decideLenderAccess(lender, category, own, now);
        reads.push({ field, category, outcome: decision.allowed ? AccessOutcome.GRANTED : AccessOutcome.DENIED, reason: decision.allowed ? null : decision.reason, consentId: decision.consentId });
        applicant[field] = decision.allowed ? openIdentity(record, field) : null;
      }
      const granted = reads.filter(read => read.outcome === AccessOutcome.GRANTED).length;
      const stored = {
        id: randomUUID(), at: now, requestId, readerKind: ReaderKind.LENDER, readerSubject: null, readerSalt: null, credentialId: key.id, lenderId: lender.id,
        applicantId: lead.applicant_id, applicationId: lead.application_id, reads: encodeFieldReads(reads),
        grantedReads: granted, deniedReads: reads.length - granted, budgetDeniedReads: 0, leafHash: null, logIndex: null,
      };
      // The leaf hash the gateway's writer stores beside each record for the transparency log.
      audit.push(stored.id, driver.timestamp(now), requestId, stored.readerKind, key.id, lender.id, lead.applicant_id, lead.application_id,
        stored.reads, granted, stored.deniedReads, 0, accessLeafHash(stored));
      records++;
      return { node: { id: lead.id, status: lead.status, application: { id: lead.application_id, amount: lead.amount, termMonths: lead.term_months, applicant } } };
    });
    if (records > 0 && options.audit) {
      // The same records the gateway writes: one per application, its reads listed, the request, reader kind and credential included.
      await run("INSERT INTO access_records (id, at, request_id, reader_kind, credential_id, lender_id, applicant_id, application_id, field_reads, granted_reads, denied_reads, budget_denied_reads, leaf_hash) VALUES " +
        new Array(records).fill("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)").join(", "), audit);
    }
    return { data: { leads: { edges } } };
  }

  const server: Server = createServer((request, response) => {
    readJson(request)
      .then(body => page(request.headers.authorization, Number(body?.variables?.first ?? 20)))
      .then(result => {
        response.writeHead(result ? 200 : 401, { "content-type": "application/json; charset=utf-8" });
        response.end(JSON.stringify(result ?? { errors: [{ message: "unauthenticated" }] }));
      })
      .catch(() => {
        response.writeHead(500).end();
      });
  });
  await new Promise<void>(resolve => server.listen(0, "127.0.0.1", () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    statements: () => statements,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>(resolve => server.close(() => resolve()));
      await driver.close();
    },
  };
}
