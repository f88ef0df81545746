import type { DataSource, QueryRunner } from "typeorm";

/** Statements that convert a table to the character set the gateway needs. */
export const UTF8MB4_FIX = "ALTER TABLE <table> CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci";

/**
 * MySQL/MariaDB: the tables of the current database whose default or any of whose text columns
 * is not utf8mb4 (latin1 and utf8mb3 cannot hold every Chinese name, nor any character outside
 * the BMP). Read from information_schema; names only.
 */
export async function tablesNotUtf8mb4(runner: Pick<QueryRunner, "query"> | Pick<DataSource, "query">): Promise<string[]> {
  const rows: Array<{ name: string }> = await runner.query(
    "SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE' " +
    "AND (TABLE_COLLATION IS NULL OR TABLE_COLLATION NOT LIKE 'utf8mb4%') " +
    "UNION SELECT TABLE_NAME AS name FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() " +
    "AND CHARACTER_SET_NAME IS NOT NULL AND CHARACTER_SET_NAME <> 'utf8mb4' ORDER BY name",
  );
  return rows.map(row => row.name);
}

/** The database's tables cannot hold every name an applicant may type: the gateway does not start on it. */
export class CharacterSetError extends Error {
  constructor(tables: readonly string[]) {
    super(
      `tables that are not utf8mb4 cannot hold every Chinese name or city: ${tables.join(", ")}. ` +
      `Convert each (${UTF8MB4_FIX}), or create the database with CHARACTER SET utf8mb4, then start again`,
    );
    this.name = "CharacterSetError";
  }
}

/** Refuses (throws CharacterSetError) a MySQL database with a table or text column that is not utf8mb4; SQLite always is. */
export async function assertUtf8mb4(dataSource: DataSource): Promise<void> {
  if (dataSource.options.type !== "mysql") return;
  const tables = await tablesNotUtf8mb4(dataSource);
  if (tables.length > 0) throw new CharacterSetError(tables);
}
