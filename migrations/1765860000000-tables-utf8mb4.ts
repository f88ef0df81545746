import { MigrationInterface, QueryRunner, TableForeignKey } from "typeorm";
import { tablesNotUtf8mb4 } from "../src/database/character-set";

/**
 * MySQL/MariaDB: converts every table of the database that is not utf8mb4 yet (created under a
 * latin1 or utf8mb3 default before `1764200000000-database-utf8mb4`, or the migrations table,
 * which TypeORM creates before any migration runs) to utf8mb4, text converted in place.
 *
 * A key column and the foreign keys that reference it must share a character set, and MariaDB
 * refuses to convert either side while the constraint exists (even with FOREIGN_KEY_CHECKS=0), so
 * the foreign keys touching a converted table are dropped first and created again, as they were,
 * once every table is converted.
 */
export class TablesUtf8mb41765860000000 implements MigrationInterface {
  name = "TablesUtf8mb41765860000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type !== "mysql") return;
    const converting = new Set(await tablesNotUtf8mb4(queryRunner));
    if (converting.size === 0) return;
    const touching = (await foreignKeysOf(queryRunner)).filter(key => converting.has(key.table) || converting.has(key.foreignKey.referencedTableName));
    for (const { table, foreignKey } of touching) await queryRunner.dropForeignKey(table, foreignKey.name!);
    for (const table of converting) {
      await queryRunner.query(`ALTER TABLE ${queryRunner.connection.driver.escape(table)} CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    }
    for (const { table, foreignKey } of touching) await queryRunner.createForeignKey(table, foreignKey);
  }

  /** Left as utf8mb4: converting back could not keep the text that needs it. */
  public async down(): Promise<void> {}
}

/**
 * The database's foreign keys as information_schema describes them (read there, not through
 * TypeORM's table loader, which fails on a database whose tables and default differ in collation).
 */
async function foreignKeysOf(queryRunner: QueryRunner): Promise<Array<{ table: string; foreignKey: TableForeignKey }>> {
  const rows: Array<{ name: string; tableName: string; columnName: string; referenced: string; referencedColumn: string; onDelete: string; onUpdate: string }> = await queryRunner.query(
    "SELECT k.CONSTRAINT_NAME AS name, k.TABLE_NAME AS tableName, k.COLUMN_NAME AS columnName, k.REFERENCED_TABLE_NAME AS referenced, " +
    "k.REFERENCED_COLUMN_NAME AS referencedColumn, r.DELETE_RULE AS onDelete, r.UPDATE_RULE AS onUpdate " +
    "FROM information_schema.KEY_COLUMN_USAGE k JOIN information_schema.REFERENTIAL_CONSTRAINTS r " +
    "ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME AND r.TABLE_NAME = k.TABLE_NAME " +
    "WHERE k.TABLE_SCHEMA = DATABASE() AND k.REFERENCED_TABLE_NAME IS NOT NULL ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION",
  );
  const keys = new Map<string, { table: string; foreignKey: TableForeignKey }>();
  for (const row of rows) {
    const id = `${row.tableName}\u0000${row.name}`;
    const known = keys.get(id);
    if (known) {
      known.foreignKey.columnNames.push(row.columnName);
      known.foreignKey.referencedColumnNames.push(row.referencedColumn);
      continue;
    }
    keys.set(id, {
      table: row.tableName,
      foreignKey: new TableForeignKey({
        name: row.name, columnNames: [row.columnName], referencedTableName: row.referenced, referencedColumnNames: [row.referencedColumn],
        onDelete: row.onDelete, onUpdate: row.onUpdate,
      }),
    });
  }
  return [...keys.values()];
}
