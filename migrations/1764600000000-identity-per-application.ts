import { randomUUID } from "node:crypto";
import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from "typeorm";

// Table API for the schema; the data steps are plain SQL-92 with `?` parameters (no quoting, no
// driver-specific syntax), so the same migration runs on better-sqlite3 and on MySQL/MariaDB.
const subject = (nullable: boolean): TableColumn =>
  new TableColumn({ name: "applicant_subject", type: "varchar", length: "128", isNullable: nullable });

/**
 * An `applicants` row becomes the identity submitted with ONE application (a snapshot), no
 * longer the person's latest identity: a lender reading through application X must get exactly
 * what was submitted with X (DESIGN.md, the access rule). So `applicants.subject` is no longer
 * unique, and `applications` carries the token subject itself, which is what guards
 * idempotency per person now that every submission writes a new applicants row.
 *
 * Existing rows shared by several applications hold only the LATEST submission's identity:
 * the earlier ones were overwritten and cannot be recovered. Copying the row to the older
 * applications would copy exactly the leak being closed, so the newest application keeps the
 * row and every older one gets a row of its own with no identity values, marked erased now
 * (fail closed: those older applications resolve identity to null, for everyone).
 */
export class IdentityPerApplication1764600000000 implements MigrationInterface {
  name = "IdentityPerApplication1764600000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn("applications", subject(true));
    await queryRunner.query(
      "UPDATE applications SET applicant_subject = (SELECT applicants.subject FROM applicants WHERE applicants.id = applications.applicant_id)",
    );
    const applications = await queryRunner.getTable("applications");
    await queryRunner.changeColumn("applications", applications!.findColumnByName("applicant_subject")!, subject(false));

    // The foreign key on applicant_id needs an index of its own (MySQL) before the old unique one goes.
    await queryRunner.createIndex("applications", new TableIndex({ name: "idx_applications_applicant", columnNames: ["applicant_id"] }));
    await queryRunner.dropIndex("applications", "uq_applications_idempotency");
    await queryRunner.createIndex("applications", new TableIndex({
      name: "uq_applications_subject_idempotency", columnNames: ["applicant_subject", "idempotency_key"], isUnique: true,
    }));
    await queryRunner.dropIndex("applicants", "uq_applicants_subject");
    await queryRunner.createIndex("applicants", new TableIndex({ name: "idx_applicants_subject", columnNames: ["subject"] }));

    await this.detachOlderApplications(queryRunner);
  }

  private async detachOlderApplications(queryRunner: QueryRunner): Promise<void> {
    const shared: Array<{ applicant_id: string }> = await queryRunner.query(
      "SELECT applicant_id FROM applications GROUP BY applicant_id HAVING COUNT(*) > 1",
    );
    for (const { applicant_id: applicantId } of shared) {
      const rows: Array<{ id: string; applicant_subject: string }> = await queryRunner.query(
        "SELECT id, applicant_subject FROM applications WHERE applicant_id = ? ORDER BY created_at DESC, id DESC", [applicantId],
      );
      // rows[0] is the newest application: its submission wrote the values the row holds. Each
      // older one's identity was destroyed when the next one was submitted, hence erased_at.
      for (let index = 1; index < rows.length; index++) {
        const id = randomUUID();
        await queryRunner.query(
          "INSERT INTO applicants (id, subject, erased_at, created_at, updated_at) " +
            "SELECT ?, ?, newer.created_at, older.created_at, newer.created_at FROM applications older, applications newer " +
            "WHERE older.id = ? AND newer.id = ?",
          [id, rows[index].applicant_subject, rows[index].id, rows[index - 1].id],
        );
        await queryRunner.query("UPDATE applications SET applicant_id = ? WHERE id = ?", [id, rows[index].id]);
      }
    }
  }

  /** For development databases: fails if a subject already has several applicants rows. */
  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex("applicants", "idx_applicants_subject");
    await queryRunner.createIndex("applicants", new TableIndex({ name: "uq_applicants_subject", columnNames: ["subject"], isUnique: true }));
    await queryRunner.dropIndex("applications", "uq_applications_subject_idempotency");
    await queryRunner.createIndex("applications", new TableIndex({
      name: "uq_applications_idempotency", columnNames: ["applicant_id", "idempotency_key"], isUnique: true,
    }));
    await queryRunner.dropIndex("applications", "idx_applications_applicant");
    await queryRunner.dropColumn("applications", "applicant_subject");
  }
}
