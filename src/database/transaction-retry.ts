import { AsyncLocalStorage } from "node:async_hooks";
import type { DataSource } from "typeorm";
import { currentRequest } from "../common/deadline";
import { isLockConflict } from "../errors/database-availability";
import { transactionRetries } from "../metrics/metrics";

/**
 * Attempts of one transaction, the first included. Six, not three or four: on Galera choices
 * for one lender made through different nodes all lock its row and conflict at certification
 * (row locks are local to a node there), and in the cluster suite four attempts were spent a few
 * times a run under such a burst; the deadline still bounds them.
 */
export const TRANSACTION_ATTEMPTS = 6;
/** The backoff before re-run n is a random wait of up to BASE·2^(n-1) ms, at most MAX. */
const BACKOFF_BASE_MS = 20;
const BACKOFF_MAX_MS = 400;

/** The "full jitter" backoff: spread, so two transactions that collided do not collide again in step. */
export function backoffMs(retry: number, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (retry - 1)));
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/**
 * Re-runs a transaction the engine rolled back and asked to retry: a deadlock (1213, which is
 * also how Galera reports a certification conflict with a write committed on another node), a
 * lock-wait timeout (1205, also Galera's answer when a causal read could not sync in time),
 * SQLite's BUSY. The whole callback runs again in a fresh transaction, so what it writes is
 * written once: the failed attempt committed nothing. Bounded by TRANSACTION_ATTEMPTS and, in a
 * request, by its deadline: a re-run that could not finish before the request is answered
 * (judged by how long the last attempt took) is not started. When the attempts are spent the
 * conflict is thrown as it came, and becomes SERVICE_UNAVAILABLE as before.
 *
 * Installed on the DataSource's manager, so every `dataSource.transaction(...)` of the gateway
 * gets it without each caller opting in. A transaction opened inside another is not retried
 * by itself; nothing of the gateway opens one (on MySQL it would be a second, independent
 * transaction on another connection, committed on its own, which a re-run of the outer one
 * would repeat: keep it that way). Statements outside a transaction are
 * not retried here: on Galera the server itself retries an autocommit statement that lost
 * certification (`wsrep_retry_autocommit`).
 */
export function retryConflictingTransactions(dataSource: DataSource): void {
  const insideRetried = new AsyncLocalStorage<true>();
  const manager = dataSource.manager;
  const transaction = manager.transaction.bind(manager) as (...args: unknown[]) => Promise<unknown>;
  (manager as { transaction: unknown }).transaction = (...args: unknown[]) =>
    insideRetried.getStore() ? transaction(...args) : insideRetried.run(true, () => withRetries(() => transaction(...args)));
}

async function withRetries<T>(attempt: () => Promise<T>): Promise<T> {
  for (let retry = 1; ; retry += 1) {
    const started = Date.now();
    try {
      return await attempt();
    } catch (error) {
      if (!isLockConflict(error) || retry >= TRANSACTION_ATTEMPTS) throw error;
      const wait = backoffMs(retry);
      const request = currentRequest();
      if (request && Date.now() + wait + (Date.now() - started) >= request.deadlineAt) throw error;
      transactionRetries.inc({ operation: request?.operation() ?? "background" });
      await sleep(wait);
    }
  }
}
