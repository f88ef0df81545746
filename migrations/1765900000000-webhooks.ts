import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex } from "typeorm";

const TIME = { type: "datetime", precision: 3 } as const;

/**
 * Push delivery to lenders (Standard Webhooks over a transactional outbox):
 * - `webhook_endpoints`: a lender's receivers, their subscribed events and their signing secret
 *   sealed like identity values (and the secret a rotation replaced, until its grace ends);
 * - `lender_events`: the outbox, one row per event, written in the transaction of the change;
 * - `webhook_deliveries`: one row per event and subscribed endpoint, claimed by a gateway
 *   instance with a lease (a conditional UPDATE; no engine-specific lock).
 * MySQL tables are made utf8mb4 explicitly, whatever the server's default character set.
 */
export class Webhooks1765900000000 implements MigrationInterface {
  name = "Webhooks1765900000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(new Table({
      name: "webhook_endpoints",
      columns: [
        { name: "id", type: "varchar", length: "36", isPrimary: true },
        { name: "lender_id", type: "varchar", length: "36" },
        { name: "url", type: "varchar", length: "2048" },
        { name: "events", type: "varchar", length: "200" },
        { name: "status", type: "varchar", length: "16" },
        { name: "secret_sealed", type: "text" },
        { name: "previous_secret_sealed", type: "text", isNullable: true },
        { name: "previous_secret_expires_at", ...TIME, isNullable: true },
        { name: "created_at", ...TIME },
        { name: "last_success_at", ...TIME, isNullable: true },
        { name: "last_failure_at", ...TIME, isNullable: true },
        { name: "failing_since", ...TIME, isNullable: true },
        { name: "disabled_at", ...TIME, isNullable: true },
        { name: "disabled_reason", type: "varchar", length: "32", isNullable: true },
      ],
      indices: [{ name: "idx_webhook_endpoints_lender", columnNames: ["lender_id", "status"] }],
    }));
    await queryRunner.createTable(new Table({
      name: "lender_events",
      columns: [
        { name: "id", type: "varchar", length: "36", isPrimary: true },
        { name: "lender_id", type: "varchar", length: "36" },
        { name: "type", type: "varchar", length: "32" },
        { name: "payload", type: "text" },
        { name: "created_at", ...TIME },
      ],
      indices: [{ name: "idx_lender_events_lender", columnNames: ["lender_id", "created_at"] }],
    }));
    await queryRunner.createTable(new Table({
      name: "webhook_deliveries",
      columns: [
        { name: "id", type: "varchar", length: "36", isPrimary: true },
        { name: "event_id", type: "varchar", length: "36" },
        { name: "event_type", type: "varchar", length: "32" },
        { name: "endpoint_id", type: "varchar", length: "36" },
        { name: "lender_id", type: "varchar", length: "36" },
        { name: "status", type: "varchar", length: "16" },
        { name: "attempts", type: "int", default: 0 },
        { name: "next_attempt_at", ...TIME },
        { name: "lease_owner", type: "varchar", length: "36", isNullable: true },
        { name: "lease_until", ...TIME, isNullable: true },
        { name: "last_attempt_at", ...TIME, isNullable: true },
        { name: "last_response_status", type: "int", isNullable: true },
        { name: "last_failure", type: "varchar", length: "32", isNullable: true },
        { name: "delivered_at", ...TIME, isNullable: true },
        { name: "created_at", ...TIME },
      ],
    }));
    // What every instance polls for: the due PENDING rows, oldest first.
    await queryRunner.createIndex("webhook_deliveries", new TableIndex({ name: "idx_webhook_deliveries_due", columnNames: ["status", "next_attempt_at"] }));
    // webhookDeliveries: an endpoint's deliveries, newest first.
    await queryRunner.createIndex("webhook_deliveries", new TableIndex({ name: "idx_webhook_deliveries_endpoint", columnNames: ["endpoint_id", "created_at"] }));
    // Converted before any foreign key refers to them (MySQL refuses to convert a referenced
    // column), in the collation of `lenders.id` when that is utf8mb4: a foreign key between
    // text columns needs one character set and collation on both sides.
    let lenderKey = true;
    if (queryRunner.connection.options.type === "mysql") {
      const [lenderId] = await queryRunner.query(
        "SELECT CHARACTER_SET_NAME AS charset, COLLATION_NAME AS collation FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'lenders' AND COLUMN_NAME = 'id'",
      ) as Array<{ charset: string; collation: string }>;
      lenderKey = lenderId?.charset === "utf8mb4";
      const collation = lenderKey ? lenderId.collation : "utf8mb4_unicode_ci";
      if (!/^utf8mb4_[a-z0-9_]+$/.test(collation)) throw new Error("unexpected collation of lenders.id");
      for (const table of ["webhook_endpoints", "lender_events", "webhook_deliveries"]) {
        await queryRunner.query(`ALTER TABLE \`${table}\` CONVERT TO CHARACTER SET utf8mb4 COLLATE ${collation}`);
      }
    }
    if (lenderKey) {
      await queryRunner.createForeignKey("webhook_endpoints", new TableForeignKey({ columnNames: ["lender_id"], referencedTableName: "lenders", referencedColumnNames: ["id"] }));
    }
    await queryRunner.createForeignKey("webhook_deliveries", new TableForeignKey({ columnNames: ["event_id"], referencedTableName: "lender_events", referencedColumnNames: ["id"] }));
    await queryRunner.createForeignKey("webhook_deliveries", new TableForeignKey({ columnNames: ["endpoint_id"], referencedTableName: "webhook_endpoints", referencedColumnNames: ["id"] }));
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable("webhook_deliveries");
    await queryRunner.dropTable("lender_events");
    await queryRunner.dropTable("webhook_endpoints");
  }
}
