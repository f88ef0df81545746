import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { DataSource, Logger as TypeOrmLogger } from "typeorm";
import { lendSqliteConnectionToOneTransaction } from "./sqlite-transactions";
import { createDataSource } from "./data-source";
import type { DatabaseTarget } from "../config";

/** Connects and applies every pending migration; the server never starts on an old schema. */
export async function openDatabase(target: DatabaseTarget, logger?: TypeOrmLogger): Promise<DataSource> {
  if (target.kind === "sqlite" && target.path !== ":memory:") mkdirSync(dirname(target.path), { recursive: true });
  const dataSource = createDataSource(target, logger);
  await dataSource.initialize();
  if (target.kind === "sqlite") lendSqliteConnectionToOneTransaction(dataSource);
  await dataSource.runMigrations({ transaction: "each" });
  return dataSource;
}
