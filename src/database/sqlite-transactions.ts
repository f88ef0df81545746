import { AsyncLocalStorage } from "node:async_hooks";
import { DataSource, QueryRunner } from "typeorm";

/**
 * SQLite through better-sqlite3 is one connection, and TypeORM hands every caller the same
 * query runner. Two requests whose transactions overlap in time (each awaits between its
 * statements) would share one transaction: the second BEGIN becomes a savepoint of the first,
 * one request's commit or rollback ends the other's work, and a plain statement of a third
 * request (an access-log insert, a quota counter) runs inside whichever transaction is open and
 * is rolled back with it. MySQL gives each transaction its own pooled connection; here the
 * connection is lent to one transaction at a time:
 *
 * - `dataSource.transaction(...)` waits until no other transaction holds the connection;
 * - a statement outside any transaction waits while one holds it (and runs at once otherwise);
 * - inside a transaction (the same async context) everything runs directly, nested
 *   transactions included (TypeORM makes them savepoints of the one being run).
 */
export function lendSqliteConnectionToOneTransaction(dataSource: DataSource): void {
  const holder = new AsyncLocalStorage<true>();
  let queue: Promise<unknown> = Promise.resolve();
  let held = false;
  const exclusively = <T>(work: () => Promise<T>): Promise<T> => {
    const run = queue.then(async () => {
      held = true;
      try {
        return await holder.run(true, work);
      } finally {
        held = false;
      }
    });
    queue = run.catch(() => undefined);
    return run;
  };

  const manager = dataSource.manager;
  const transaction = manager.transaction.bind(manager) as (...args: unknown[]) => Promise<unknown>;
  (manager as { transaction: unknown }).transaction = (...args: unknown[]) =>
    holder.getStore() ? transaction(...args) : exclusively(() => transaction(...args));

  // The driver's one query runner: every statement, inside a transaction or not, goes through it.
  const runner: QueryRunner = dataSource.driver.createQueryRunner("master");
  const query = runner.query.bind(runner) as (...args: unknown[]) => Promise<unknown>;
  (runner as { query: unknown }).query = (...args: unknown[]) =>
    held && !holder.getStore() ? exclusively(() => query(...args)) : query(...args);
}
