import "reflect-metadata";
import { StatementCounter } from "../src/database/statement-counter";
import { loadConfig } from "../src/config";
import { openDatabase } from "../src/database/open-database";
import { createLogger } from "../src/logging/logger";
import { startGateway } from "../src/server";
import { SchemaRow, buildBenchSchema } from "./bench-schemas";
import { createIdentityOpener } from "./floor-identity";
import { startFloorServer } from "./floor-server";

/**
 * One row's server, in its own process (forked by bench/run.ts) so that autocannon and the
 * server do not share a CPU core and a --cpu-prof profile shows the server only.
 * Messages: it sends {ready, url}; answers {count} with the statements sent so far; exits on {stop}.
 */
type Request = { type: "count" } | { type: "stop" };

const ROWS: Record<string, SchemaRow | "floor" | "floor-unaudited"> = {
  "1": "full", "2": "unguarded", "3": "shield-per-field", "4": "floor", "5": "floor-unaudited",
};

async function start(): Promise<{ url: string; statements: () => number; stop: () => Promise<void> }> {
  const row = ROWS[process.argv[2] ?? ""];
  if (!row) throw new Error("usage: row-server.ts <1|2|3|4|5>");
  const config = loadConfig();
  if (row === "floor" || row === "floor-unaudited") {
    return startFloorServer(config.database, createIdentityOpener(config.piiKeyring), { audit: row === "floor" });
  }
  const counter = new StatementCounter();
  const dataSource = await openDatabase(config.database, counter);
  const schema = await buildBenchSchema(row, config);
  const gateway = await startGateway(config, dataSource, schema, createLogger("silent"), 0, "127.0.0.1");
  return {
    url: gateway.url,
    statements: () => counter.count,
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
      if (message.type === "stop") void server.stop().finally(() => process.exit(0));
    });
    process.send!({ type: "ready", url: server.url });
  },
  (error: unknown) => {
    process.send!({ type: "failed", message: error instanceof Error ? error.message : String(error) });
    process.exit(1);
  },
);
