import { MigrationInterface, QueryRunner, TableColumn } from "typeorm";

/**
 * `lenders.consents_granted`: how many consents the lender has been granted. `chooseLender`
 * adds one in its transaction, so every choice writes the lender's row. On one server that row
 * lock already orders a choice against a suspension or narrowing; on a Galera cluster a lock
 * holds on one node only, and only a write to the same row makes certification reject one of
 * two such transactions committed through different nodes (a locking read is not certified).
 */
export class LenderConsentsGranted1766000000000 implements MigrationInterface {
  name = "LenderConsentsGranted1766000000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn("lenders", new TableColumn({ name: "consents_granted", type: "int", isNullable: false, default: 0 }));
  }

  /** Plain DROP COLUMN, as for `lenders.access_version`: nothing references the column. */
  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE lenders DROP COLUMN consents_granted");
  }
}
