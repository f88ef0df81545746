import { MigrationInterface, QueryRunner, Table, TableColumnOptions, TableForeignKey, TableIndex } from "typeorm";

const varchar = (name: string, length: number, nullable = false): TableColumnOptions => ({ name, type: "varchar", length: String(length), isNullable: nullable });
const timestamp = (name: string, nullable = false): TableColumnOptions => ({ name, type: "datetime", precision: 3, isNullable: nullable });

/**
 * The admin action log (every privileged act, with who did it) and the changes that wait for a
 * second admin. The log has no foreign keys: it must outlive anything it names.
 */
export class AdminActionsAndChanges1765300000000 implements MigrationInterface {
  name = "AdminActionsAndChanges1765300000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(new Table({
      name: "admin_actions",
      columns: [
        { ...varchar("id", 36), isPrimary: true }, timestamp("at"), varchar("actor", 128), varchar("action", 64),
        varchar("lender_id", 36, true), varchar("application_id", 36, true), varchar("summary", 500), varchar("request_id", 36),
      ],
      indices: [
        new TableIndex({ name: "idx_admin_actions_at", columnNames: ["at", "id"] }),
        new TableIndex({ name: "idx_admin_actions_lender", columnNames: ["lender_id", "at"] }),
        new TableIndex({ name: "idx_admin_actions_actor", columnNames: ["actor", "at"] }),
      ],
    }));
    await queryRunner.createTable(new Table({
      name: "admin_changes",
      columns: [
        { ...varchar("id", 36), isPrimary: true }, varchar("kind", 32), varchar("lender_id", 36), varchar("summary", 500),
        { name: "payload", type: "text" }, varchar("requested_by", 128), timestamp("requested_at"), varchar("status", 16),
        varchar("decided_by", 128, true), timestamp("decided_at", true), timestamp("expires_at"),
      ],
      foreignKeys: [new TableForeignKey({ columnNames: ["lender_id"], referencedTableName: "lenders", referencedColumnNames: ["id"] })],
      indices: [
        new TableIndex({ name: "idx_admin_changes_lender", columnNames: ["lender_id", "status"] }),
        new TableIndex({ name: "idx_admin_changes_requested", columnNames: ["requested_at", "id"] }),
      ],
    }));
    // Who acted is compared byte for byte on MySQL too (its default collation would match
    // "Ops-1" to "ops-1"), as the applicant subjects are.
    if (queryRunner.connection.options.type === "mysql") {
      const rows: Array<{ Collation: string }> = await queryRunner.query("SHOW COLLATION WHERE Charset = 'utf8mb4'");
      const available = new Set(rows.map(row => row.Collation));
      const exact = ["utf8mb4_nopad_bin", "utf8mb4_0900_bin"].find(name => available.has(name)) ?? "utf8mb4_bin";
      await queryRunner.query(`ALTER TABLE \`admin_actions\` MODIFY \`actor\` VARCHAR(128) CHARACTER SET utf8mb4 COLLATE ${exact} NOT NULL`);
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable("admin_changes");
    await queryRunner.dropTable("admin_actions");
  }
}
