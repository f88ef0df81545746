import type { DataSource } from "typeorm";
import type { CausalReadsSetting } from "../config";
import { isGaleraNode } from "../common/galera-node";

/**
 * Galera applies other nodes' commits asynchronously: with its default `wsrep_sync_wait = 0` a
 * read on one node right after a withdrawal acknowledged by another may still see the consent
 * active, which breaks the consistency promise (a request that starts after a change was
 * acknowledged is decided against state at least that new). Bit 1 makes every SELECT and every
 * START TRANSACTION first wait until the node has applied everything the cluster had committed
 * when the statement arrived: every decision reads that new, and every transaction's snapshot
 * starts that new. Writes need no wait (bits 2 and 4): a write to a row changed by a commit
 * this node has not applied yet fails certification and is retried (transaction-retry.ts), and
 * each wait inside a transaction lengthens the time in which a replicated write can abort it
 * (the cluster suite's concurrent phase re-ran 5 to 16 transactions a run with 7, 0 to 15 with 1:
 * the difference is within the noise there; the reason is that waiting on writes buys nothing).
 * `SHOW STATUS` is exempt, so readiness still answers on a node that cannot sync.
 */
export const CAUSAL_SYNC_WAIT = 1;

/** What the start-up check found and did. */
export interface CausalReads {
  /** The server is a Galera node (`wsrep_on` is ON). */
  galera: boolean;
  /** Every pooled connection waits for causality before it is lent. */
  enforced: boolean;
}

interface PooledConnection {
  query(sql: string, callback: (error: Error | null) => void): void;
  destroy(): void;
}

interface ConnectionPool {
  getConnection(callback: (error: Error | null, connection: PooledConnection) => void): void;
}

/**
 * Detects Galera and, when causal reads are wanted, makes them hold by construction: a connection
 * is lent out of the pool only after its session has `wsrep_sync_wait` set (once per physical
 * connection, the ones opened before this call included), so no statement of the gateway, in a
 * transaction or not, can run on a session that skips the wait. Setting it per connection
 * rather than around each decision is the simplest way to leave no read out, at the price of a
 * cluster round trip before each statement. `on` sets it whatever the server says (a server that
 * does not know the variable refuses the start); `off` never does (a cluster configured with a
 * global `wsrep_sync_wait`, or a single node).
 */
export async function enforceCausalReads(dataSource: DataSource, setting: CausalReadsSetting): Promise<CausalReads> {
  if (dataSource.options.type !== "mysql") return { galera: false, enforced: false };
  const galera = await isGaleraNode(dataSource);
  if (setting === "off" || (setting === "auto" && !galera)) return { galera, enforced: false };
  const pool = (dataSource.driver as unknown as { pool?: ConnectionPool }).pool;
  if (!pool) throw new Error("causal reads: the MySQL driver has no connection pool");
  const prepared = new WeakSet<PooledConnection>();
  const getConnection = pool.getConnection.bind(pool);
  pool.getConnection = callback => getConnection((error, connection) => {
    if (error || prepared.has(connection)) return callback(error, connection);
    connection.query(`SET SESSION wsrep_sync_wait = ${CAUSAL_SYNC_WAIT}`, setError => {
      if (setError) {
        // Never lend a session that would read without waiting; the pool opens a fresh one next time.
        connection.destroy();
        return callback(setError, connection);
      }
      prepared.add(connection);
      callback(null, connection);
    });
  });
  // Fails the start on a server that does not know the variable (`on` against plain MySQL).
  await dataSource.query("SELECT @@SESSION.wsrep_sync_wait");
  return { galera, enforced: true };
}
