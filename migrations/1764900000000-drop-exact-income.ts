import { MigrationInterface, QueryRunner, TableColumn } from "typeorm";

/**
 * Data minimisation (PIPL art. 6, 19): the applicant's exact monthly income was kept in
 * `applications.monthly_income` although nothing reads it after the income band is computed at
 * submission; lenders see the band, and the idempotency fingerprint already covers the exact
 * payload. The column goes, with every value in it.
 *
 * SQLite: the Table API rebuilds the table (TypeORM turns foreign keys off around migrations,
 * then the rebuilt table keeps its foreign key and indexes, and the tables referring to it keep
 * theirs, by name); secure_delete zeroes the freed pages instead of leaving the values in them.
 * MySQL/MariaDB: a DROP COLUMN may be INSTANT, which only hides the values in every row; FORCE
 * rewrites the rows without them.
 */
export class DropExactIncome1764900000000 implements MigrationInterface {
  name = "DropExactIncome1764900000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type !== "better-sqlite3") {
      await queryRunner.dropColumn("applications", "monthly_income");
      await queryRunner.query("ALTER TABLE `applications` FORCE");
      return;
    }
    const [{ secure_delete: before }] = await queryRunner.query("PRAGMA secure_delete");
    await queryRunner.query("PRAGMA secure_delete = ON");
    try {
      await queryRunner.dropColumn("applications", "monthly_income");
    } finally {
      await queryRunner.query(`PRAGMA secure_delete = ${before ? "ON" : "OFF"}`);
    }
  }

  /** The column comes back nullable and empty: the values are gone. */
  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn("applications", new TableColumn({ name: "monthly_income", type: "int", isNullable: true }));
  }
}
