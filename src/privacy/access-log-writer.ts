import { randomBytes, randomUUID } from "node:crypto";
import { DataSource } from "typeorm";
import { AccessRecord, type FieldRead, encodeFieldReads } from "../model/access-record.entity";
import { AccessOutcome } from "../model/pii-access.type";
import { QuotaReason } from "../errors/rate-limited.error";

/** What the gate knows of one record before it is written: everything but the ids and counts. */
export type AccessRecordDraft = Omit<AccessRecord, "seq" | "id" | "readerSalt" | "reads" | "grantedReads" | "deniedReads" | "budgetDeniedReads" | "logIndex"> & {
  reads: FieldRead[];
};

/** Records per statement: a page of 100 leads is 100 records. Keeps parameters under every driver's limit. */
const RECORDS_PER_STATEMENT = 500;

/**
 * Writes a response's access records in one multi-row INSERT, one record per application read.
 * TypeORM's insert builder spends far longer on parameter bookkeeping for hundreds of rows than
 * the database spends writing them (profiled), so the statement is assembled here: table and
 * column names from the entity's metadata, quoted by the driver; every value a bound parameter,
 * converted exactly as TypeORM would store it. Nothing is built from values.
 */
export async function writeAccessRecords(dataSource: DataSource, drafts: readonly AccessRecordDraft[]): Promise<void> {
  if (drafts.length === 0) return;
  const metadata = dataSource.getMetadata(AccessRecord);
  const columns = metadata.columns.filter(column => !column.isGenerated);
  const driver = dataSource.driver;
  const table = driver.escape(metadata.tableName);
  const columnList = columns.map(column => driver.escape(column.databaseName)).join(", ");
  const rowPlaceholders = `(${columns.map(() => "?").join(", ")})`;
  for (let start = 0; start < drafts.length; start += RECORDS_PER_STATEMENT) {
    const chunk = drafts.slice(start, start + RECORDS_PER_STATEMENT);
    // Every record of a response shares its `at` (the request's one Date), its request and its
    // reader: a value equal to the column's previous one reuses its conversion.
    const lastRaw: unknown[] = columns.map(() => NOT_SEEN);
    const lastStored: unknown[] = [];
    const parameters: unknown[] = [];
    for (const draft of chunk) {
      const record = toRecord(draft);
      for (let index = 0; index < columns.length; index++) {
        const raw: unknown = columns[index].getEntityValue(record);
        if (raw !== lastRaw[index]) {
          lastRaw[index] = raw;
          lastStored[index] = driver.preparePersistentValue(raw, columns[index]);
        }
        parameters.push(lastStored[index]);
      }
    }
    await dataSource.query(`INSERT INTO ${table} (${columnList}) VALUES ${chunk.map(() => rowPlaceholders).join(", ")}`, parameters);
  }
}

function toRecord(draft: AccessRecordDraft): Omit<AccessRecord, "seq"> {
  let grantedReads = 0;
  let budgetDeniedReads = 0;
  for (const read of draft.reads) {
    if (read.outcome === AccessOutcome.GRANTED) grantedReads += 1;
    else if (read.reason === QuotaReason.DAILY_READ_BUDGET) budgetDeniedReads += 1;
  }
  return {
    ...draft,
    // The record's id: random, so ids say nothing about each other or about how many records were written.
    id: randomUUID(),
    readerSalt: draft.readerSubject === null ? null : randomBytes(16).toString("base64"),
    reads: encodeFieldReads(draft.reads),
    grantedReads,
    deniedReads: draft.reads.length - grantedReads,
    budgetDeniedReads,
    logIndex: null,
  };
}

const NOT_SEEN = Symbol("not seen");
