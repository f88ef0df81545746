import { MigrationInterface, QueryRunner, TableColumn } from "typeorm";

/**
 * Every read of identity is logged, not only lenders': `reader_kind` (LENDER for the rows before
 * this migration, which were all lenders'), `lender_id` nullable (applicant and staff reads have
 * none), `reader_subject` (the staff member or applicant that read) and `credential_id` (the
 * lender's API key or public key that read; unknown for rows written before).
 */
export class AccessLogReaders1765500000000 implements MigrationInterface {
  name = "AccessLogReaders1765500000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn("pii_access_log", new TableColumn({ name: "reader_kind", type: "varchar", length: "16", isNullable: false, default: "'LENDER'" }));
    await queryRunner.addColumn("pii_access_log", new TableColumn({ name: "reader_subject", type: "varchar", length: "128", isNullable: true }));
    await queryRunner.addColumn("pii_access_log", new TableColumn({ name: "credential_id", type: "varchar", length: "36", isNullable: true }));
    await queryRunner.changeColumn("pii_access_log", "lender_id", new TableColumn({ name: "lender_id", type: "varchar", length: "36", isNullable: true }));
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DELETE FROM pii_access_log WHERE lender_id IS NULL");
    await queryRunner.changeColumn("pii_access_log", "lender_id", new TableColumn({ name: "lender_id", type: "varchar", length: "36", isNullable: false }));
    await queryRunner.dropColumn("pii_access_log", "credential_id");
    await queryRunner.dropColumn("pii_access_log", "reader_subject");
    await queryRunner.dropColumn("pii_access_log", "reader_kind");
  }
}
