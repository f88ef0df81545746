import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from "typeorm";

/**
 * `leads.updated_at` becomes what a lender polls (`leads(changedSince:)`): it moves whenever
 * anything the lender sees of the lead changes. Until now it moved with the lead's own status and
 * offer only, so existing rows take the latest change the database already knows of: a consent of
 * the lead's lender granted or ended, the application closed. An index serves the poll, per lender
 * in (updated_at, id) order. What updated_at meant until now (the status's last move) is kept
 * in `status_changed_at`, which the referral report and the idle-application rule read.
 */
export class LeadChanges1765950000000 implements MigrationInterface {
  name = "LeadChanges1765950000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    // Nullable: SQLite adds no NOT NULL column without a default, and rebuilding leads (offers reference it) fails there.
    await queryRunner.addColumn("leads", new TableColumn({ name: "status_changed_at", type: "datetime", precision: 3, isNullable: true }));
    await queryRunner.query("UPDATE leads SET status_changed_at = updated_at");
    // Portable SQL (SQLite and MySQL/MariaDB): correlated subqueries on other tables than the one updated.
    await queryRunner.query(
      "UPDATE leads SET updated_at = (SELECT MAX(c.granted_at) FROM consents c WHERE c.application_id = leads.application_id AND c.lender_id = leads.lender_id) " +
        "WHERE updated_at < (SELECT MAX(c.granted_at) FROM consents c WHERE c.application_id = leads.application_id AND c.lender_id = leads.lender_id)",
    );
    await queryRunner.query(
      "UPDATE leads SET updated_at = (SELECT MAX(c.ended_at) FROM consents c WHERE c.application_id = leads.application_id AND c.lender_id = leads.lender_id) " +
        "WHERE updated_at < (SELECT MAX(c.ended_at) FROM consents c WHERE c.application_id = leads.application_id AND c.lender_id = leads.lender_id)",
    );
    await queryRunner.query(
      "UPDATE leads SET updated_at = (SELECT a.closed_at FROM applications a WHERE a.id = leads.application_id) " +
        "WHERE updated_at < (SELECT a.closed_at FROM applications a WHERE a.id = leads.application_id)",
    );
    await queryRunner.createIndex("leads", new TableIndex({ name: "idx_leads_lender_updated", columnNames: ["lender_id", "updated_at", "id"] }));
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex("leads", "idx_leads_lender_updated");
    // Plain DROP COLUMN, as in 1765600000000: SQLite's table rebuild fails on a referenced table.
    await queryRunner.query("ALTER TABLE leads DROP COLUMN status_changed_at");
  }
}
