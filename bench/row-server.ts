import "reflect-metadata";
import { StatementCounter } from "../src/database/statement-counter";
import { loadConfig } from "../src/config";
import { openDatabase } from "../src/database/open-database";
import { createLogger } from "../src/logging/logger";
import { startGateway } from "../src/server";
import { SchemaRow, buildBenchSchema } from "./bench-schemas";
import { createIdentityOpener } from "./floor-identity";
import { startFloorServer } from "./floor-server";
import { transparencyLeaves, transparencyMergeDelay, transparencySequencerBusy } from "../src/metrics/metrics";

/**
 * The transparency sequencer runs in the gateway rows' servers, off the request path, on the
 * same database connection(s). Its statements are counted apart from the requests' (the
 * target is statements per request): in this scenario no request opens a transaction, and
 * every statement of a sequencing pass is a transaction statement or names the log's tables
 * or the unsequenced records.
 */
const SEQUENCER_SQL = /transparency_state|transparency_nodes|log_index\W*\s+IS NULL|SET log_index = CASE|^\s*(BEGIN|START TRANSACTION|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)/i;

class RequestStatements extends StatementCounter {
  sequencer = 0;

  override logQuery(query: string): void {
    if (SEQUENCER_SQL.test(query)) this.sequencer += 1;
    else super.logQuery(query);
  }
}

/** What the sequencer did in this process: leaves, busy seconds, and the merge delays as the histogram's cumulative buckets. */
export interface SequencerStats {
  leaves: number;
  busySeconds: number;
  statements: number;
  /** Cumulative bucket counts; `le` as the histogram labels it ("+Inf" for the last): Infinity would not survive the trip between processes. */
  delays: Array<{ le: string; count: number }>;
}

async function sequencerStats(counter: RequestStatements | null): Promise<SequencerStats> {
  const value = async (metric: { get(): Promise<{ values: Array<{ value: number; labels: Record<string, unknown>; metricName?: string }> }> }) => metric.get();
  const leaves = (await value(transparencyLeaves)).values[0]?.value ?? 0;
  const busySeconds = (await value(transparencySequencerBusy)).values[0]?.value ?? 0;
  const delays = (await value(transparencyMergeDelay)).values
    .filter(entry => entry.metricName?.endsWith("_bucket"))
    .map(entry => ({ le: String(entry.labels.le), count: entry.value }));
  return { leaves, busySeconds, statements: counter?.sequencer ?? 0, delays };
}

/**
 * One row's server, in its own process (forked by bench/run.ts) so that autocannon and the
 * server do not share a CPU core and a --cpu-prof profile shows the server only.
 * Messages: it sends {ready, url}; answers {count} with the statements sent so far; exits on {stop}.
 */
type Request = { type: "count" } | { type: "stop" } | { type: "sequencer" };

const ROWS: Record<string, SchemaRow | "floor" | "floor-unaudited"> = {
  "1": "full", "2": "unguarded", "3": "shield-per-field", "4": "floor", "5": "floor-unaudited",
};

async function start(): Promise<{ url: string; statements: () => number; sequencer: () => Promise<SequencerStats>; stop: () => Promise<void> }> {
  const row = ROWS[process.argv[2] ?? ""];
  if (!row) throw new Error("usage: row-server.ts <1|2|3|4|5>");
  const config = loadConfig();
  if (row === "floor" || row === "floor-unaudited") {
    const floor = await startFloorServer(config.database, createIdentityOpener(config.piiKeyring), { audit: row === "floor" });
    return { ...floor, sequencer: () => sequencerStats(null) };
  }
  const counter = new RequestStatements();
  const dataSource = await openDatabase(config.database, counter);
  const schema = await buildBenchSchema(row, config);
  const gateway = await startGateway(config, dataSource, schema, createLogger("silent"), 0, "127.0.0.1");
  return {
    url: gateway.url,
    statements: () => counter.count,
    sequencer: () => sequencerStats(counter),
    async stop() {
      await gateway.stop();
      await dataSource.destroy();
    },
  };
}

start().then(
  server => {
    process.on("message", (message: Request) => {
      if (message.type === "count") process.send!({ type: "count", statements: server.statements() });
      if (message.type === "sequencer") void server.sequencer().then(stats => process.send!({ type: "sequencer", stats }));
      if (message.type === "stop") void server.stop().finally(() => process.exit(0));
    });
    process.send!({ type: "ready", url: server.url });
  },
  (error: unknown) => {
    process.send!({ type: "failed", message: error instanceof Error ? error.message : String(error) });
    process.exit(1);
  },
);
