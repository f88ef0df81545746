import "reflect-metadata";
import { ChildProcess, fork } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { AccessRecord } from "../src/model/access-record.entity";
import { emptyRoot } from "../src/transparency/merkle-hash";
import { GatewayConfig, loadConfig } from "../src/config";
import { openDatabase } from "../src/database/open-database";
import { createLogger } from "../src/logging/logger";
import { buildGatewaySchema } from "../src/schema";
import { startGateway } from "../src/server";
import { writeBarChart } from "./bench-chart";
import { ONE_LEAD_WITHOUT_IDENTITY, ONE_LEAD_WITH_IDENTITY, checkLeadsPage, leadsPageBody } from "./bench-query";
import { seedThroughApi } from "./bench-seed";
import { BenchOptions, RowNumber, UsageError, parseOptions } from "./options";
import { localDatabaseServerPid, processCpuMs } from "./process-cpu";
import { RowResult, SequencerResult, SingleLeadResult, renderReport } from "./report";
import type { SequencerStats } from "./row-server";

// autocannon ships no type declarations; only the fields read below are typed.
type Autocannon = (options: Record<string, unknown>) => Promise<{
  requests: { average: number; total: number; sent: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  mismatches: number;
  errors: number;
  timeouts: number;
}>;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon: Autocannon = require("autocannon");

export const ROW_NAMES: Record<RowNumber, string> = {
  1: "full gateway",
  2: "no @pii enforcement, no audit",
  3: "shield rule per identity field",
  4: "floor: bare node:http + driver",
  5: "diagnostic: the floor without its access-log insert",
};
const PROBE_PAGE_SIZES = [10, 50, 100];
/**
 * Node flags of every row's server alike. A 64 MB young generation (V8's default is 16 MB)
 * is a deployment setting (NODE_OPTIONS=--max-semi-space-size=64, see README): a page of 100
 * leads allocates a few MB, and with the default most of it is promoted and collected by
 * the slower old-generation GC. Measured in bench/README.md.
 */
const SERVER_NODE_FLAGS = ["--max-semi-space-size=64"];
const RESULTS = join(__dirname, "results");

interface RowProcess {
  child: ChildProcess;
  url: string;
  statements(): Promise<number>;
  sequencer(): Promise<SequencerStats>;
  stop(): Promise<void>;
}

/** Rows whose server is the gateway, with its transparency sequencer. */
const GATEWAY_ROWS: readonly RowNumber[] = [1, 2, 3];

function startRow(row: RowNumber, env: NodeJS.ProcessEnv, options: BenchOptions): Promise<RowProcess> {
  const profile = options.cpuProf ? ["--cpu-prof", "--cpu-prof-dir", join(__dirname, "profiles", `row-${row}`)] : [];
  const child = fork(join(__dirname, "row-server.ts"), [String(row)], {
    env,
    execArgv: ["-r", "ts-node/register/transpile-only", ...SERVER_NODE_FLAGS, ...profile],
  });
  const next = <T>(type: string) =>
    new Promise<T>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`row ${row} exited with ${code}`));
      const onMessage = (message: any) => {
        if (message.type === "failed") reject(new Error(`row ${row} failed to start: ${message.message}`));
        else if (message.type === type) {
          child.off("message", onMessage);
          child.off("exit", onExit);
          resolve(message as T);
        }
      };
      child.on("message", onMessage);
      child.once("exit", onExit);
    });
  return next<{ url: string }>("ready").then(({ url }) => ({
    child,
    url,
    async statements() {
      const reply = next<{ statements: number }>("count");
      child.send({ type: "count" });
      return (await reply).statements;
    },
    async sequencer() {
      const reply = next<{ stats: SequencerStats }>("sequencer");
      child.send({ type: "sequencer" });
      return (await reply).stats;
    },
    stop: () =>
      new Promise<void>(resolve => {
        child.once("exit", () => resolve());
        child.send({ type: "stop" });
      }),
  }));
}

/** The statement count once the server has gone quiet (no statement for half a second). */
async function settled(row: RowProcess): Promise<number> {
  let last = await row.statements();
  for (;;) {
    await new Promise(resolve => setTimeout(resolve, 500));
    const now = await row.statements();
    if (now === last) return now;
    last = now;
  }
}

async function probe(row: RowProcess, apiKey: string, first: number): Promise<{ statements: number; body: string }> {
  const before = await row.statements();
  const response = await fetch(row.url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
    body: leadsPageBody(first),
  });
  const body = await response.text();
  const problem = checkLeadsPage(body, first);
  if (problem) throw new Error(`page of ${first}: ${problem}`);
  return { statements: (await row.statements()) - before, body };
}

async function measureRow(rowNumber: RowNumber, env: NodeJS.ProcessEnv, apiKey: string, options: BenchOptions, databasePid: number | undefined): Promise<RowResult> {
  const row = await startRow(rowNumber, env, options);
  try {
    await probe(row, apiKey, 1); // a first use may record the key's lastUsedAt: not what a page costs
    const statementsAtPageSize: Record<number, number> = {};
    for (const size of PROBE_PAGE_SIZES) statementsAtPageSize[size] = (await probe(row, apiKey, size)).statements;
    // Every answer under load must be this checked page, byte for byte, or it counts as failed.
    const expectBody = (await probe(row, apiKey, options.pageSize)).body;
    const load = {
      url: row.url,
      method: "POST",
      connections: options.connections,
      headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
      body: leadsPageBody(options.pageSize),
      expectBody,
    };
    if (options.warmup > 0) await autocannon({ ...load, duration: options.warmup });
    const before = await settled(row);
    const cpuBefore = { server: processCpuMs(row.child.pid), database: processCpuMs(databasePid) };
    const sequencerBefore = await row.sequencer();
    const result = await autocannon({ ...load, duration: options.duration });
    // Requests still in flight when autocannon stops are sent but not counted as answered:
    // wait for the server to finish them and divide by what was sent.
    const statements = (await settled(row)) - before;
    // Read before the sequencer's drain and the second scenario, which are not this run's work.
    const cpuAfter = { server: processCpuMs(row.child.pid), database: processCpuMs(databasePid) };
    const sequencer = GATEWAY_ROWS.includes(rowNumber) ? await sequencerResult(row, sequencerBefore, options.duration, result.requests.sent) : undefined;
    const single = rowNumber === 1 ? await singleLead(row, apiKey, options) : undefined;
    const perRequest = (start: number | null, end: number | null) =>
      start === null || end === null || result.requests.sent === 0 ? null : (end - start) / result.requests.sent;
    return {
      row: rowNumber,
      name: ROW_NAMES[rowNumber],
      requestsPerSecond: result.requests.average,
      p50: result.latency.p50,
      p99: result.latency.p99,
      statementsPerRequest: result.requests.sent > 0 ? statements / result.requests.sent : 0,
      statementsAtPageSize,
      serverCpuMsPerRequest: perRequest(cpuBefore.server, cpuAfter.server),
      databaseCpuMsPerRequest: perRequest(cpuBefore.database, cpuAfter.database),
      failures: result.non2xx + result.errors + result.timeouts + result.mismatches,
      sequencer,
      single,
    };
  } finally {
    await row.stop();
  }
}

/**
 * The sequencer over the measured run: waits until its backlog is drained (no leaf appended for
 * two merge delays), then reads what it did since `before`. Capacity is leaves per second of
 * the time its passes took; the write rate is what the run asked of it.
 */
async function sequencerResult(row: RowProcess, before: SequencerStats, durationSeconds: number, requests: number): Promise<SequencerResult> {
  let last = await row.sequencer();
  for (;;) {
    await new Promise(resolve => setTimeout(resolve, 4000));
    const now = await row.sequencer();
    if (now.leaves === last.leaves) break;
    last = now;
  }
  const leaves = last.leaves - before.leaves;
  const busy = last.busySeconds - before.busySeconds;
  const delays = last.delays.map(bucket => ({
    le: bucket.le === "+Inf" ? Infinity : Number(bucket.le),
    count: bucket.count - (before.delays.find(old => old.le === bucket.le)?.count ?? 0),
  }));
  const total = delays.find(bucket => bucket.le === Infinity)?.count ?? 0;
  const p99 = total === 0 ? null : delays.filter(bucket => bucket.count >= 0.99 * total).map(bucket => bucket.le).sort((a, b) => a - b)[0];
  return {
    leaves,
    writeRatePerSecond: leaves / durationSeconds,
    capacityPerSecond: busy > 0 ? leaves / busy : null,
    mergeDelayP99AtMost: p99 ?? null,
    statementsPerRequest: requests > 0 ? (last.statements - before.statements) / requests : 0,
  };
}

/** The second scenario on row 1: one chosen applicant's lead, read with and without its identity fields, for half the row's duration each. */
async function singleLead(row: RowProcess, apiKey: string, options: BenchOptions): Promise<SingleLeadResult> {
  const headers = { "content-type": "application/json", authorization: `Bearer ${apiKey}` };
  const first = await fetch(row.url, { method: "POST", headers, body: leadsPageBody(1) });
  const leadId = ((await first.json()) as { data: { leads: { edges: Array<{ node: { id: string } }> } } }).data.leads.edges[0].node.id;
  const measure = async (query: string) => {
    const body = JSON.stringify({ query, variables: { id: leadId } });
    const expectBody = await (await fetch(row.url, { method: "POST", headers, body })).text();
    if (expectBody.includes("\"errors\"")) throw new Error(`the single-lead scenario answered errors: ${expectBody.slice(0, 200)}`);
    const load = { url: row.url, method: "POST", connections: options.connections, headers, body, expectBody };
    if (options.warmup > 0) await autocannon({ ...load, duration: options.warmup });
    const result = await autocannon({ ...load, duration: Math.max(2, Math.round(options.duration / 2)) });
    return { requestsPerSecond: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, failures: result.non2xx + result.errors + result.timeouts + result.mismatches };
  };
  return { withIdentity: await measure(ONE_LEAD_WITH_IDENTITY), withoutIdentity: await measure(ONE_LEAD_WITHOUT_IDENTITY) };
}

/**
 * Every row starts from the seeded database: the access log the rows before it wrote (a
 * million rows or more on MySQL) is emptied, so no row inserts into a bigger table, or one
 * further out of the database's cache, than another.
 */
async function emptyAccessLog(config: GatewayConfig): Promise<void> {
  const dataSource = await openDatabase(config.database);
  try {
    const table = dataSource.driver.escape(dataSource.getMetadata(AccessRecord).tableName);
    await dataSource.query(config.database.kind === "mysql" ? `TRUNCATE TABLE ${table}` : `DELETE FROM ${table}`);
    // The transparency log starts empty too: its leaves named the records just removed.
    await dataSource.query("DELETE FROM transparency_nodes");
    await dataSource.query("UPDATE transparency_state SET tree_size = 0, root_hash = ?, lease_owner = NULL, lease_until = NULL", [emptyRoot().toString("base64")]);
    for (const admin of ["admin_actions", "admin_changes"]) await dataSource.query(`UPDATE ${admin} SET log_index = NULL`);
  } finally {
    await dataSource.destroy();
  }
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const scratch = mkdtempSync(join(tmpdir(), "gateway-bench-"));
  // The benchmark's own secrets, new each run; it seeds the data it reads.
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: process.env.DATABASE_URL || `sqlite:${join(scratch, "bench.sqlite")}`,
    JWT_SECRET: randomBytes(48).toString("base64url"),
    PII_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    TRANSPARENCY_SIGNING_KEY: randomBytes(32).toString("base64"),
    LOG_LEVEL: "silent",
    // Quotas stay on (their statements are part of the cost) but at their maxima, so that no
    // row is measured answering RATE_LIMITED.
    LENDER_REQUESTS_PER_MINUTE: "1000000",
    LENDER_DAILY_READ_BUDGET: "100000000",
    // Row 3 queues requests for seconds under load (p99 ≈ 7 s); none may be cut off at the
    // gateway's request deadline and counted as a failure instead of measured.
    REQUEST_TIMEOUT_SECONDS: "600",
    // No lender here registers a webhook endpoint, so webhook delivery has nothing to do; its idle
    // pass (a SELECT twice a second) would otherwise count as the requests' statements and keep
    // the statement count from ever settling between runs.
    WEBHOOK_POLL_SECONDS: "3600",
  };
  const config = loadConfig(env);
  if (config.nodeEnv === "production") throw new UsageError("The benchmark refuses NODE_ENV=production: rows 2 and 3 switch off the access rule.");
  const kind = config.database.kind;
  process.stdout.write(`Seeding ${options.applications} applications on ${kind}…\n`);
  const seedSource = await openDatabase(config.database);
  await seedSource.dropDatabase(); // a fresh database each run: the benchmark WIPES the one it is given
  await seedSource.destroy();
  const dataSource = await openDatabase(config.database);
  const gateway = await startGateway(config, dataSource, await buildGatewaySchema(), createLogger("silent"), 0, "127.0.0.1");
  const seeded = await seedThroughApi(gateway.url, config, options.applications);
  await gateway.stop();
  await dataSource.destroy();

  // On MySQL the database server's CPU is part of what a request costs; SQLite's is the server's own.
  const databasePid = kind === "mysql" ? localDatabaseServerPid(env.DATABASE_URL!) : undefined;
  const results: RowResult[] = [];
  for (const row of options.rows) {
    process.stdout.write(`Row ${row} (${ROW_NAMES[row]}): ${options.duration} s with ${options.connections} connections…\n`);
    await emptyAccessLog(config);
    results.push(await measureRow(row, env, seeded.apiKey, options, databasePid));
  }
  const report = renderReport(results, { options, database: kind, cores: cpus().length, cpu: cpus()[0]?.model ?? "unknown", node: process.version, serverFlags: SERVER_NODE_FLAGS });
  process.stdout.write(`\n${report}\n`);
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(join(RESULTS, "latest.md"), report + "\n");
  writeFileSync(join(RESULTS, `latest-${kind}.md`), report + "\n");
  const bars = results.map(result => ({ label: `${result.row} ${result.name}`, value: result.requestsPerSecond }));
  const title = `requests/s, page of ${options.pageSize} leads with identity, ${kind}, ${cpus().length} cores`;
  const chart = { title, bars, unit: "req/s" };
  await writeBarChart(join(RESULTS, "throughput.png"), chart);
  await writeBarChart(join(RESULTS, `throughput-${kind}.png`), chart);
  rmSync(scratch, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(error instanceof UsageError ? 2 : 1);
});
