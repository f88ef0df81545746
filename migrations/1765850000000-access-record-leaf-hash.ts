import { MigrationInterface, QueryRunner, TableColumn } from "typeorm";

/**
 * `access_records.leaf_hash`: the record's transparency-log leaf hash (base64 SHA-256), computed
 * when the record is written, so that the sequencer reads 32 bytes a record instead of the record
 * and re-encodes nothing. Records written before it have none; the sequencer encodes those as
 * before.
 */
export class AccessRecordLeafHash1765850000000 implements MigrationInterface {
  name = "AccessRecordLeafHash1765850000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn("access_records", new TableColumn({ name: "leaf_hash", type: "varchar", length: "44", isNullable: true }));
  }

  /** Plain DROP COLUMN, as for `lenders.access_version`: SQLite's table rebuild is not needed for a column nothing references. */
  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE access_records DROP COLUMN leaf_hash");
  }
}
