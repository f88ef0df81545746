import { MigrationInterface, QueryRunner, Table, TableColumnOptions, TableForeignKey, TableIndex } from "typeorm";

// Table API only, no raw SQL: the same migration runs on better-sqlite3 and on MySQL/MariaDB.
const id = (name = "id", length = 36): TableColumnOptions => ({ name, type: "varchar", length: String(length), isPrimary: true });
const ref = (name: string, nullable = false): TableColumnOptions => ({ name, type: "varchar", length: "36", isNullable: nullable });
const text = (name: string, length: number, nullable = false): TableColumnOptions => ({
  name, type: "varchar", length: String(length), isNullable: nullable,
});
const int = (name: string, nullable = false): TableColumnOptions => ({ name, type: "int", isNullable: nullable });
const timestamp = (name: string, nullable = false): TableColumnOptions => ({ name, type: "datetime", precision: 3, isNullable: nullable });
const fk = (column: string, table: string): TableForeignKey =>
  new TableForeignKey({ columnNames: [column], referencedTableName: table, referencedColumnNames: ["id"] });

export class InitialSchema1764300000000 implements MigrationInterface {
  name = "InitialSchema1764300000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(new Table({
      name: "lenders",
      columns: [
        id(), text("name", 100), text("legal_name", 200), text("contact_email", 254), text("status", 16),
        { ...text("permitted_categories", 100), default: "''" },
        int("min_amount"), int("max_amount"), int("min_term_months"), int("max_term_months"),
        { name: "cities", type: "text", isNullable: true },
        timestamp("created_at"),
      ],
    }));

    await queryRunner.createTable(new Table({
      name: "api_keys",
      columns: [
        id("id", 16), ref("lender_id"), text("secret_hash", 64), text("label", 100, true),
        timestamp("created_at"), timestamp("last_used_at", true), timestamp("revoked_at", true),
      ],
      foreignKeys: [fk("lender_id", "lenders")],
      indices: [new TableIndex({ name: "idx_api_keys_lender", columnNames: ["lender_id"] })],
    }));

    await queryRunner.createTable(new Table({
      name: "applicants",
      columns: [
        id(), text("subject", 128), text("full_name", 100), text("national_id", 18), text("phone", 11),
        text("email", 254, true), timestamp("created_at"), timestamp("updated_at"),
      ],
      indices: [new TableIndex({ name: "uq_applicants_subject", columnNames: ["subject"], isUnique: true })],
    }));

    await queryRunner.createTable(new Table({
      name: "applications",
      columns: [
        id(), ref("applicant_id"), int("amount"), int("term_months"), text("purpose", 32), text("city", 64),
        int("monthly_income"), text("income_band", 16), text("age_band", 16), text("status", 16),
        text("idempotency_key", 128), text("request_fingerprint", 64), timestamp("created_at"),
      ],
      foreignKeys: [fk("applicant_id", "applicants")],
      indices: [
        new TableIndex({ name: "uq_applications_idempotency", columnNames: ["applicant_id", "idempotency_key"], isUnique: true }),
      ],
    }));

    await queryRunner.createTable(new Table({
      name: "leads",
      columns: [
        id(), ref("application_id"), ref("lender_id"), text("status", 16), int("funded_amount", true),
        timestamp("created_at"), timestamp("updated_at"),
      ],
      foreignKeys: [fk("application_id", "applications"), fk("lender_id", "lenders")],
      indices: [
        new TableIndex({ name: "uq_leads_application_lender", columnNames: ["application_id", "lender_id"], isUnique: true }),
        new TableIndex({ name: "idx_leads_lender_created", columnNames: ["lender_id", "created_at"] }),
      ],
    }));

    await queryRunner.createTable(new Table({
      name: "offers",
      columns: [
        id(), ref("lead_id"), { name: "apr", type: "double" }, int("amount"), int("term_months"),
        timestamp("expires_at", true), timestamp("created_at"),
      ],
      foreignKeys: [fk("lead_id", "leads")],
      indices: [new TableIndex({ name: "uq_offers_lead", columnNames: ["lead_id"], isUnique: true })],
    }));

    await queryRunner.createTable(new Table({
      name: "consents",
      columns: [
        id(), ref("application_id"), ref("lender_id"), text("categories", 100), text("status", 16),
        timestamp("granted_at"), timestamp("expires_at"), timestamp("ended_at", true),
        { name: "notice", type: "text" },
      ],
      foreignKeys: [fk("application_id", "applications"), fk("lender_id", "lenders")],
      indices: [new TableIndex({ name: "idx_consents_application_lender", columnNames: ["application_id", "lender_id"] })],
    }));

    await queryRunner.createTable(new Table({
      name: "pii_access_log",
      columns: [
        { name: "seq", type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" },
        timestamp("at"), ref("lender_id"), ref("applicant_id"), ref("application_id"),
        text("field", 64), text("category", 16), text("outcome", 8), text("reason", 32, true), ref("consent_id", true),
      ],
      indices: [
        new TableIndex({ name: "idx_pii_access_applicant", columnNames: ["applicant_id", "seq"] }),
        new TableIndex({ name: "idx_pii_access_lender_at", columnNames: ["lender_id", "at"] }),
      ],
    }));
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ["pii_access_log", "consents", "offers", "leads", "applications", "applicants", "api_keys", "lenders"]) {
      await queryRunner.dropTable(table);
    }
  }
}
