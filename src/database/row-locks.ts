import { EntityManager } from "typeorm";

/**
 * The lock option of a read that decides a write: FOR UPDATE on MySQL/MariaDB. SQLite takes no
 * row locks (its TypeORM driver refuses the option); there one transaction at a time holds the
 * connection (src/common/sqlite-transactions.ts).
 */
export function forUpdate(manager: EntityManager): { lock?: { mode: "pessimistic_write" } } {
  return manager.connection.options.type === "mysql" ? { lock: { mode: "pessimistic_write" } } : {};
}
