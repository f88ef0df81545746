import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { DataSource, Logger as TypeOrmLogger } from "typeorm";
import { lendSqliteConnectionToOneTransaction } from "./sqlite-transactions";
import { MIGRATIONS, createDataSource } from "./data-source";
import { assertUtf8mb4 } from "./character-set";
import { enforceCausalReads } from "./causal-reads";
import { retryConflictingTransactions } from "./transaction-retry";
import type { DatabaseTarget } from "../config";

/**
 * Connects and applies every pending migration; the server never starts on an old schema, nor on
 * MySQL tables that cannot hold utf8mb4 text (the error names them and the fix). On a Galera node
 * every session waits for causality before anything, migrations included, reads (causal-reads.ts);
 * transactions the engine rolls back as conflicts are re-run (transaction-retry.ts).
 */
export async function openDatabase(target: DatabaseTarget, logger?: TypeOrmLogger): Promise<DataSource> {
  if (target.kind === "sqlite" && target.path !== ":memory:") mkdirSync(dirname(target.path), { recursive: true });
  const dataSource = createDataSource(target, logger);
  await dataSource.initialize();
  try {
    if (target.kind === "sqlite") lendSqliteConnectionToOneTransaction(dataSource);
    else await enforceCausalReads(dataSource, target.causalReads);
    retryConflictingTransactions(dataSource);
    await dataSource.runMigrations({ transaction: "each" });
    await assertUtf8mb4(dataSource);
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return dataSource;
}

/**
 * Connects without migrating, for a verifier: what it checks must be the database as it is, and
 * a command that only reads must not change a schema under a running gateway. It refuses a
 * database whose migrations are not all applied (its tables are not the ones this code reads).
 * A SQLite file is opened read-only; on MySQL the caller only ever SELECTs.
 */
export async function openDatabaseAsIs(target: DatabaseTarget): Promise<DataSource> {
  const dataSource = createDataSource(target, undefined, { readOnly: true });
  await dataSource.initialize();
  try {
    if (target.kind === "mysql") await enforceCausalReads(dataSource, target.causalReads);
    const applied = new Set<string>();
    try {
      const rows: { name: string }[] = await dataSource.query("SELECT name FROM migrations");
      for (const row of rows) applied.add(row.name);
    } catch {
      throw new Error("the database has no migrations table: it is not the gateway's");
    }
    const pending = MIGRATIONS.map(migration => new migration().name).filter(name => !applied.has(name));
    if (pending.length > 0) throw new Error(`the database's schema is behind this code (${pending.length} migrations not applied): run the gateway once to migrate it`);
    return dataSource;
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
}
