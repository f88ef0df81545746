import { randomBytes, randomUUID } from "node:crypto";
import { MigrationInterface, QueryRunner, Table, TableColumnOptions, TableIndex } from "typeorm";

const varchar = (name: string, length: number, nullable = false): TableColumnOptions => ({ name, type: "varchar", length: String(length), isNullable: nullable });
const timestamp = (name: string): TableColumnOptions => ({ name, type: "datetime", precision: 3, isNullable: false });
const count = (name: string): TableColumnOptions => ({ name, type: "int", isNullable: false });

/** Rows read and records written per statement while converting. */
const BATCH = 500;

interface OldRow {
  seq: number; at: string | Date; reader_kind: string; lender_id: string | null; reader_subject: string | null;
  credential_id: string | null; applicant_id: string; application_id: string;
  field: string; category: string; outcome: string; reason: string | null; consent_id: string | null;
}

/**
 * The access log becomes one record per (request, application, reader) listing each field read
 * with its outcome and reason, instead of one row per field: a lender's page of 100 leads writes
 * 100 records, not 400 rows. The public per-field view (`PiiAccess`) is made from the records.
 *
 * `reader_salt` is random per record that names a person (a staff member or the applicant): the
 * transparency log's leaf commits to that person with it instead of naming them, so the
 * applicant, who may fetch its records' leaves, does not learn which staff member read. Rows
 * converted here get one too.
 * The reads are in `field_reads` (READS is a reserved word in MySQL). `log_index` is the record's leaf in the transparency log, set by the sequencer (null before).
 * Rows already logged are converted: the consecutive rows of one response (same time, reader,
 * credential and application) become one record, in their order; their request is unknown
 * (`request_id` null). The conversion is written out here, not imported, so that it stays what
 * it was when later code changes. Table API and bound parameters: both drivers run it.
 */
export class AccessRecords1765700000000 implements MigrationInterface {
  name = "AccessRecords1765700000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(new Table({
      name: "access_records",
      columns: [
        { name: "seq", type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" },
        varchar("id", 36), timestamp("at"), varchar("request_id", 36, true), varchar("reader_kind", 16),
        varchar("lender_id", 36, true), varchar("reader_subject", 128, true), varchar("reader_salt", 24, true), varchar("credential_id", 36, true),
        varchar("applicant_id", 36), varchar("application_id", 36), { name: "field_reads", type: "text", isNullable: false },
        count("granted_reads"), count("denied_reads"), count("budget_denied_reads"),
        { name: "log_index", type: "bigint", isNullable: true },
      ],
      indices: [
        new TableIndex({ name: "idx_access_records_applicant_at", columnNames: ["applicant_id", "at", "id"] }),
        new TableIndex({ name: "idx_access_records_lender_at", columnNames: ["lender_id", "at", "id"] }),
        new TableIndex({ name: "idx_access_records_at", columnNames: ["at", "id"] }),
        new TableIndex({ name: "idx_access_records_log_index", columnNames: ["log_index"], isUnique: true }),
      ],
    }));
    let after = 0;
    let open: { key: string; record: Record<string, unknown>; reads: object[] } | null = null;
    const pending: Array<Record<string, unknown>> = [];
    const flush = async (all: boolean) => {
      while (pending.length >= (all ? 1 : BATCH)) await insertRecords(queryRunner, pending.splice(0, BATCH));
    };
    for (;;) {
      const rows: OldRow[] = await queryRunner.query(
        "SELECT seq, at, reader_kind, lender_id, reader_subject, credential_id, applicant_id, application_id, field, category, outcome, reason, consent_id " +
        `FROM pii_access_log WHERE seq > ? ORDER BY seq LIMIT ${BATCH}`, [after],
      );
      if (rows.length === 0) break;
      after = rows[rows.length - 1].seq;
      for (const row of rows) {
        const at = row.at instanceof Date ? row.at.toISOString() : String(row.at);
        const key = [at, row.reader_kind, row.lender_id, row.reader_subject, row.credential_id, row.application_id].join("\u0000");
        if (!open || open.key !== key) {
          if (open) pending.push(finish(open));
          open = {
            key, reads: [], record: {
              id: randomUUID(), at: row.at, request_id: null, reader_kind: row.reader_kind, lender_id: row.lender_id,
              reader_subject: row.reader_subject, reader_salt: row.reader_subject === null ? null : randomBytes(16).toString("base64"), credential_id: row.credential_id, applicant_id: row.applicant_id, application_id: row.application_id,
            },
          };
        }
        open.reads.push({ field: row.field, category: row.category, outcome: row.outcome, reason: row.reason, consentId: row.consent_id });
      }
      await flush(false);
    }
    if (open) pending.push(finish(open));
    await flush(true);
    await queryRunner.dropTable("pii_access_log");
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(new Table({
      name: "pii_access_log",
      columns: [
        { name: "seq", type: "integer", isPrimary: true, isGenerated: true, generationStrategy: "increment" },
        timestamp("at"), varchar("lender_id", 36, true), varchar("applicant_id", 36), varchar("application_id", 36),
        varchar("field", 64), varchar("category", 16), varchar("outcome", 8), varchar("reason", 32, true), varchar("consent_id", 36, true),
        { ...varchar("reader_kind", 16), default: "'LENDER'" }, varchar("reader_subject", 128, true), varchar("credential_id", 36, true),
        varchar("id", 36),
      ],
      indices: [
        new TableIndex({ name: "idx_pii_access_applicant_at", columnNames: ["applicant_id", "at", "id"] }),
        new TableIndex({ name: "idx_pii_access_lender_at_id", columnNames: ["lender_id", "at", "id"] }),
        new TableIndex({ name: "idx_pii_access_at", columnNames: ["at", "id"] }),
      ],
    }));
    let after = 0;
    for (;;) {
      const records: Array<Record<string, unknown> & { seq: number; field_reads: string }> = await queryRunner.query(
        `SELECT * FROM access_records WHERE seq > ? ORDER BY seq LIMIT ${BATCH}`, [after],
      );
      if (records.length === 0) break;
      after = records[records.length - 1].seq;
      const rows = records.flatMap(record => (JSON.parse(record.field_reads) as Array<Record<string, unknown>>).map(read => [
        record.at, record.lender_id, record.applicant_id, record.application_id, read.field, read.category, read.outcome,
        read.reason ?? null, read.consentId ?? null, record.reader_kind, record.reader_subject, record.credential_id, randomUUID(),
      ]));
      for (let start = 0; start < rows.length; start += BATCH) {
        const chunk = rows.slice(start, start + BATCH);
        await queryRunner.query(
          "INSERT INTO pii_access_log (at, lender_id, applicant_id, application_id, field, category, outcome, reason, consent_id, reader_kind, reader_subject, credential_id, id) VALUES " +
          chunk.map(() => "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)").join(", "),
          chunk.flat(),
        );
      }
    }
    await queryRunner.dropTable("access_records");
  }
}

function finish(open: { record: Record<string, unknown>; reads: object[] }): Record<string, unknown> {
  const reads = open.reads as Array<{ outcome: string; reason: string | null }>;
  const granted = reads.filter(read => read.outcome === "GRANTED").length;
  return {
    ...open.record,
    field_reads: JSON.stringify(open.reads),
    granted_reads: granted,
    denied_reads: reads.length - granted,
    budget_denied_reads: reads.filter(read => read.outcome !== "GRANTED" && read.reason === "DAILY_READ_BUDGET").length,
  };
}

const COLUMNS = ["id", "at", "request_id", "reader_kind", "lender_id", "reader_subject", "reader_salt", "credential_id", "applicant_id", "application_id",
  "field_reads", "granted_reads", "denied_reads", "budget_denied_reads"];

async function insertRecords(queryRunner: QueryRunner, records: Array<Record<string, unknown>>): Promise<void> {
  await queryRunner.query(
    `INSERT INTO access_records (${COLUMNS.join(", ")}) VALUES ${records.map(() => `(${COLUMNS.map(() => "?").join(", ")})`).join(", ")}`,
    records.flatMap(record => COLUMNS.map(column => record[column])),
  );
}
