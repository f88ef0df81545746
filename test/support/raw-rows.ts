import { DataSource } from "typeorm";

/** Every table the gateway writes; a raw scan reads all of them, not only `applicants`. */
const TABLES = ["lenders", "api_keys", "applicants", "applications", "leads", "offers", "consents"];
/** The access log under its name before and after it became one record per application read (a test may undo migrations). */
const ACCESS_LOG = ["access_records", "pii_access_log"];

/** All rows of every table, as the database returns them (no entity, no transformer, no decryption). */
export async function rawDump(dataSource: DataSource): Promise<string> {
  const existing = new Set((await dataSource.query(
    dataSource.options.type === "mysql"
      ? "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()"
      : "SELECT name FROM sqlite_master WHERE type = 'table'",
  )).map((row: { name?: string; NAME?: string; TABLE_NAME?: string }) => row.name ?? row.NAME ?? row.TABLE_NAME));
  const parts: string[] = [];
  for (const table of [...existing]) {
    if (typeof table !== "string" || table.startsWith("sqlite_")) continue;
    parts.push(`${table}: ${JSON.stringify(await dataSource.query(`SELECT * FROM ${table}`))}`);
  }
  for (const table of TABLES) if (!existing.has(table)) throw new Error(`table ${table} missing from the raw scan`);
  if (!ACCESS_LOG.some(table => existing.has(table))) throw new Error("the access log is missing from the raw scan");
  return parts.join("\n");
}
