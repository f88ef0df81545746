import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * MySQL/MariaDB: the database's default character set becomes utf8mb4 before the first table is
 * created, so every table the migrations create holds any Chinese name or city whatever the
 * server's default (MariaDB's is latin1, which refused the first 北京 with a bare QueryFailedError).
 * Ordered first: on a new database it runs before the initial schema; on one migrated before it
 * existed it runs now, and `1765860000000-tables-utf8mb4` converts the tables already there.
 * Nothing to do on SQLite, whose text is always Unicode.
 */
export class DatabaseUtf8mb41764200000000 implements MigrationInterface {
  name = "DatabaseUtf8mb41764200000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type !== "mysql") return;
    const [{ name }]: Array<{ name: string }> = await queryRunner.query("SELECT DATABASE() AS name");
    await queryRunner.query(`ALTER DATABASE ${queryRunner.connection.driver.escape(name)} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  }

  /** The default is left as it is: a database that holds utf8mb4 text must not go back to a narrower one. */
  public async down(): Promise<void> {}
}
