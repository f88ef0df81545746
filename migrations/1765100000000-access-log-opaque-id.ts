import { randomUUID } from "node:crypto";
import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from "typeorm";

/** Rows given an id per statement while filling existing rows. */
const BATCH = 500;

/**
 * `pii_access_log.id`: a random UUID per access-log row, the public `PiiAccess.id`. It replaced
 * `seq`, the global sequence number, which told every reader how many reads the gateway had
 * logged in all, and how many between two of its own. `seq` stays the internal primary key.
 *
 * Existing rows get ids in batches (random v4 UUIDs from Node's crypto, bound as parameters:
 * MariaDB's UUID() is time-based and would be guessable from its neighbours). Lists page by
 * (at, id), newest first, so the indexes follow: (applicant_id, at, id) replaces
 * (applicant_id, seq) for an applicant's own log, (lender_id, at, id) replaces (lender_id, at),
 * and (at, id) serves the unfiltered audit log. Each of them grows at its end (by time) within a
 * key, as the ones they replace did. No index on `id` alone: nothing looks a row up by it, and
 * with random keys it writes a random page for every row of every lender page (measured, one
 * 400-row INSERT into a growing table: SQLite 2.2 ms before this migration, 3.3 ms after it,
 * 8.2 ms with a unique index on `id` too; MariaDB 3.2, 5.0 and 6.3 ms). Two random v4 UUIDs
 * collide with probability 2^-122. Table API and plain SQL: both drivers run it.
 */
export class AccessLogOpaqueId1765100000000 implements MigrationInterface {
  name = "AccessLogOpaqueId1765100000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn("pii_access_log", new TableColumn({ name: "id", type: "varchar", length: "36", isNullable: true }));
    for (;;) {
      const rows: Array<{ seq: number }> = await queryRunner.query(`SELECT seq FROM pii_access_log WHERE id IS NULL ORDER BY seq LIMIT ${BATCH}`);
      if (rows.length === 0) break;
      const seqs = rows.map(row => row.seq);
      await queryRunner.query(
        `UPDATE pii_access_log SET id = CASE seq ${seqs.map(() => "WHEN ? THEN ?").join(" ")} END WHERE seq IN (${seqs.map(() => "?").join(", ")})`,
        [...seqs.flatMap(seq => [seq, randomUUID()]), ...seqs],
      );
    }
    await queryRunner.changeColumn("pii_access_log", "id", new TableColumn({ name: "id", type: "varchar", length: "36", isNullable: false }));
    await queryRunner.dropIndex("pii_access_log", "idx_pii_access_applicant");
    await queryRunner.createIndex("pii_access_log", new TableIndex({ name: "idx_pii_access_applicant_at", columnNames: ["applicant_id", "at", "id"] }));
    await queryRunner.dropIndex("pii_access_log", "idx_pii_access_lender_at");
    await queryRunner.createIndex("pii_access_log", new TableIndex({ name: "idx_pii_access_lender_at_id", columnNames: ["lender_id", "at", "id"] }));
    await queryRunner.createIndex("pii_access_log", new TableIndex({ name: "idx_pii_access_at", columnNames: ["at", "id"] }));
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex("pii_access_log", "idx_pii_access_at");
    await queryRunner.dropIndex("pii_access_log", "idx_pii_access_lender_at_id");
    await queryRunner.createIndex("pii_access_log", new TableIndex({ name: "idx_pii_access_lender_at", columnNames: ["lender_id", "at"] }));
    await queryRunner.dropIndex("pii_access_log", "idx_pii_access_applicant_at");
    await queryRunner.createIndex("pii_access_log", new TableIndex({ name: "idx_pii_access_applicant", columnNames: ["applicant_id", "seq"] }));
    await queryRunner.dropColumn("pii_access_log", "id");
  }
}
