import { Gauge } from "prom-client";
import { DataSource } from "typeorm";
import { metricsRegistry } from "./metrics";

/** The parts of a mysql2 pool we read; they are not in its typings, so each is optional. */
interface Mysql2PoolShape {
  _allConnections?: { length: number };
  _freeConnections?: { length: number };
  _connectionQueue?: { length: number };
  config?: { connectionLimit?: number };
}

export interface PoolUsage {
  /** Open connections, busy or idle. */
  open: number;
  idle: number;
  /** Requests waiting for a connection. */
  waiting: number;
  limit: number;
}

const tracked = new Set<DataSource>();

/** Pool usage of a MySQL data source; SQLite has a single connection and no pool, so null. */
export function poolUsage(dataSource: DataSource): PoolUsage | null {
  if (!dataSource.isInitialized || dataSource.options.type !== "mysql") return null;
  const pool = (dataSource.driver as unknown as { pool?: Mysql2PoolShape }).pool;
  if (!pool) return null;
  return {
    open: pool._allConnections?.length ?? 0,
    idle: pool._freeConnections?.length ?? 0,
    waiting: pool._connectionQueue?.length ?? 0,
    limit: pool.config?.connectionLimit ?? 0,
  };
}

const poolConnections = new Gauge({
  name: "gateway_db_pool_connections",
  help: "Database pool: open, idle and busy connections, waiting requests, and the limit",
  labelNames: ["state"] as const,
  registers: [metricsRegistry],
  collect() {
    const totals = { open: 0, idle: 0, busy: 0, waiting: 0, limit: 0 };
    for (const dataSource of tracked) {
      const usage = poolUsage(dataSource);
      if (!usage) continue;
      totals.open += usage.open;
      totals.idle += usage.idle;
      totals.busy += usage.open - usage.idle;
      totals.waiting += usage.waiting;
      totals.limit += usage.limit;
    }
    for (const [state, value] of Object.entries(totals)) this.set({ state }, value);
  },
});

/** Reports this data source's pool in `gateway_db_pool_connections` until the returned stop is called. */
export function trackDatabasePool(dataSource: DataSource): () => void {
  tracked.add(dataSource);
  return () => tracked.delete(dataSource);
}
