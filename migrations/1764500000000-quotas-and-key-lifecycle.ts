import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from "typeorm";

// Table API only: the same migration runs on better-sqlite3 and on MySQL/MariaDB.
export class QuotasAndKeyLifecycle1764500000000 implements MigrationInterface {
  name = "QuotasAndKeyLifecycle1764500000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    // Quota counters when no Redis is configured: one row per (quota, subject, window).
    await queryRunner.createTable(new Table({
      name: "quota_counters",
      columns: [
        { name: "counter_key", type: "varchar", length: "200", isPrimary: true },
        { name: "count", type: "int" },
        { name: "expires_at", type: "datetime", precision: 3 },
      ],
      indices: [new TableIndex({ name: "idx_quota_counters_expires", columnNames: ["expires_at"] })],
    }));
    // An admin-set daily identity-read budget; null means the configured default.
    await queryRunner.addColumn("lenders", new TableColumn({ name: "daily_read_budget", type: "int", isNullable: true }));
    // Optional key expiry; rotation sets it on the old key to end its grace period.
    await queryRunner.addColumn("api_keys", new TableColumn({ name: "expires_at", type: "datetime", precision: 3, isNullable: true }));
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn("api_keys", "expires_at");
    await queryRunner.dropColumn("lenders", "daily_read_budget");
    await queryRunner.dropTable("quota_counters");
  }
}
