import { MigrationInterface, QueryRunner, TableColumn } from "typeorm";

/**
 * `lenders.access_version`: goes up with every change of what a lender may receive, so a change
 * waiting for a second admin can tell that the lender changed since it was requested, even when
 * it was put back as it was.
 */
export class LenderAccessVersion1765600000000 implements MigrationInterface {
  name = "LenderAccessVersion1765600000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn("lenders", new TableColumn({ name: "access_version", type: "int", isNullable: false, default: 0 }));
    // Changes requested before this migration carry no version: they are stale, to be requested again.
    await queryRunner.query("UPDATE admin_changes SET status = 'REJECTED', decided_by = 'migration:access-version' WHERE status = 'PENDING'");
  }

  /** Plain DROP COLUMN: SQLite's table rebuild (what the Table API does there) fails on the tables that reference lenders. */
  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE lenders DROP COLUMN access_version");
  }
}
