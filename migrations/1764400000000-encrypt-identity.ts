import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from "typeorm";

// Table API only, no raw SQL: the same migration runs on better-sqlite3 and on MySQL/MariaDB.
const sealed = (name: string): TableColumn => new TableColumn({ name, type: "text", isNullable: true });
const timestamp = (name: string): TableColumn => new TableColumn({ name, type: "datetime", precision: 3, isNullable: true });
const text = (name: string, length: number): TableColumn =>
  new TableColumn({ name, type: "varchar", length: String(length), isNullable: true });

/**
 * Identity columns hold AES-256-GCM ciphertext (longer than the values) and become nullable so
 * erasure can destroy them; the resident ID number gets a keyed hash for duplicate lookups.
 * Consents record who ended them and why, and which notice version was shown; applications
 * record when they closed, which the retention job counts from.
 *
 * Values already stored stay readable as legacy plaintext until `npm run rotate-keys` seals them.
 */
export class EncryptIdentity1764400000000 implements MigrationInterface {
  name = "EncryptIdentity1764400000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    const applicants = await queryRunner.getTable("applicants");
    if (!applicants) throw new Error("applicants table missing");
    await queryRunner.changeColumns("applicants", ["full_name", "national_id", "phone", "email"].map(name => ({
      oldColumn: applicants.findColumnByName(name)!,
      newColumn: sealed(name),
    })));
    await queryRunner.addColumns("applicants", [text("national_id_hash", 64), timestamp("erased_at")]);
    await queryRunner.createIndex("applicants", new TableIndex({ name: "idx_applicants_national_id_hash", columnNames: ["national_id_hash"] }));

    await queryRunner.addColumns("applications", [timestamp("closed_at")]);
    await queryRunner.addColumns("consents", [text("ended_by", 16), text("end_reason", 32), text("notice_version", 32)]);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const name of ["notice_version", "end_reason", "ended_by"]) await queryRunner.dropColumn("consents", name);
    await queryRunner.dropColumn("applications", "closed_at");
    await queryRunner.dropIndex("applicants", "idx_applicants_national_id_hash");
    await queryRunner.dropColumn("applicants", "erased_at");
    await queryRunner.dropColumn("applicants", "national_id_hash");
    // Sealed values do not fit the old widths: down is for development databases without identity rows.
    const applicants = await queryRunner.getTable("applicants");
    const widths: Record<string, number> = { full_name: 100, national_id: 18, phone: 11, email: 254 };
    await queryRunner.changeColumns("applicants", Object.entries(widths).map(([name, length]) => ({
      oldColumn: applicants!.findColumnByName(name)!,
      newColumn: new TableColumn({ name, type: "varchar", length: String(length), isNullable: name === "email" }),
    })));
  }
}
