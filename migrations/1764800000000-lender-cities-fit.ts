import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * A lender's cities may be 500 names of 64 characters (src/lenders/lender.inputs.ts): up to
 * ~97 KB of JSON in Chinese, more than MySQL's TEXT holds (65,535 bytes), so createLender failed
 * on MySQL with an internal error where SQLite stored it. MEDIUMTEXT (16 MB) holds every list the
 * input rules allow. SQLite's TEXT has no such limit: nothing to do there.
 */
export class LenderCitiesFit1764800000000 implements MigrationInterface {
  name = "LenderCitiesFit1764800000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type !== "mysql") return;
    await queryRunner.query("ALTER TABLE `lenders` MODIFY `cities` MEDIUMTEXT NULL");
  }

  /** For development databases: fails if a stored list no longer fits in TEXT. */
  public async down(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type !== "mysql") return;
    await queryRunner.query("ALTER TABLE `lenders` MODIFY `cities` TEXT NULL");
  }
}
