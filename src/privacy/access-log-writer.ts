import { AsyncResource } from "node:async_hooks";
import { randomBytes, randomUUID } from "node:crypto";
import { DataSource, EntityManager } from "typeorm";
import { AccessRecord, type FieldRead, encodeFieldReads } from "../model/access-record.entity";
import { AccessOutcome } from "../model/pii-access.type";
import { QuotaReason } from "../errors/rate-limited.error";
import { isDatabaseUnavailable, isLockConflict } from "../errors/database-availability";

/** What the gate knows of one record before it is written: everything but the ids and counts. */
export type AccessRecordDraft = Omit<AccessRecord, "seq" | "id" | "readerSalt" | "reads" | "grantedReads" | "deniedReads" | "budgetDeniedReads" | "leafHash" | "logIndex"> & {
  reads: FieldRead[];
};

/**
 * The transparency log's leaf hash of a record as it will be stored (base64), computed before the
 * INSERT so that the sequencer need not read the record back. Passed in by the server: the
 * leaf's encoding belongs to the log, not to the access rule.
 */
export type LeafHasher = (record: Omit<AccessRecord, "seq">) => string;

/** Records per statement: a page of 100 leads is 100 records. 1,000 × 15 parameters stays under every driver's limit. */
const RECORDS_PER_STATEMENT = 1000;

/**
 * Writes a response's access records in one multi-row INSERT, one record per application read.
 * TypeORM's insert builder spends far longer on parameter bookkeeping for hundreds of rows than
 * the database spends writing them (profiled), so the statement is assembled here: table and
 * column names from the entity's metadata, quoted by the driver; every value a bound parameter,
 * converted exactly as TypeORM would store it. Nothing is built from values.
 */
export async function writeAccessRecords(dataSource: DataSource, drafts: readonly AccessRecordDraft[], hashLeaf?: LeafHasher): Promise<void> {
  if (drafts.length === 0) return;
  // More than one statement's worth (a request reading over 1,000 applications): all or none,
  // so that a refused request leaves no record of reads it never released.
  if (drafts.length > RECORDS_PER_STATEMENT) return dataSource.transaction(manager => insertRecords(manager, drafts, hashLeaf));
  return insertRecords(dataSource.manager, drafts, hashLeaf);
}

async function insertRecords(manager: EntityManager, drafts: readonly AccessRecordDraft[], hashLeaf: LeafHasher | undefined): Promise<void> {
  const dataSource = manager.connection;
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
      const record = toRecord(draft, hashLeaf);
      for (let index = 0; index < columns.length; index++) {
        const raw: unknown = columns[index].getEntityValue(record);
        if (raw !== lastRaw[index]) {
          lastRaw[index] = raw;
          lastStored[index] = driver.preparePersistentValue(raw, columns[index]);
        }
        parameters.push(lastStored[index]);
      }
    }
    await manager.query(`INSERT INTO ${table} (${columnList}) VALUES ${chunk.map(() => rowPlaceholders).join(", ")}`, parameters);
  }
}

function toRecord(draft: AccessRecordDraft, hashLeaf: LeafHasher | undefined): Omit<AccessRecord, "seq"> {
  let grantedReads = 0;
  let budgetDeniedReads = 0;
  for (const read of draft.reads) {
    if (read.outcome === AccessOutcome.GRANTED) grantedReads += 1;
    else if (read.reason === QuotaReason.DAILY_READ_BUDGET) budgetDeniedReads += 1;
  }
  const record: Omit<AccessRecord, "seq"> = {
    ...draft,
    // The record's id: random, so ids say nothing about each other or about how many records were written.
    id: randomUUID(),
    readerSalt: draft.readerSubject === null ? null : randomBytes(16).toString("base64"),
    reads: encodeFieldReads(draft.reads),
    grantedReads,
    deniedReads: draft.reads.length - grantedReads,
    budgetDeniedReads,
    leafHash: null,
    logIndex: null,
  };
  if (hashLeaf) record.leafHash = hashLeaf(record);
  return record;
}

const NOT_SEEN = Symbol("not seen");

interface Waiting {
  drafts: readonly AccessRecordDraft[];
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Group commit for the access log: the records of requests that arrive while a write is under
 * way are written together by the next one, in one INSERT and one commit, and each request's
 * promise settles when the statement holding its records has committed. Nothing waits when the
 * writer is idle (a lone request is written at once), so a record is durable before its
 * request's values leave, exactly as with a write per request; under load the commit (on
 * SQLite, a synchronous fsync of the WAL) is shared instead of paid by every request.
 *
 * `maxInFlight` writes run at once: one on SQLite (one connection), a few on MySQL (a pool).
 * A group holds at most one statement's worth of records. When a group's statement fails for
 * another reason than the database being unreachable or locked, each request of the group is
 * written on its own, so that a record one request made unwritable does not refuse the others.
 */
export class AccessRecordWriter {
  private readonly waiting: Waiting[] = [];
  private inFlight = 0;

  /**
   * The writer's own async context, from where it was made (the server's start, outside any
   * request): a group's write runs in it, not in the context of whichever request's write
   * happened to finish before it, whose deadline and name would otherwise bound and label it.
   */
  private readonly scope = new AsyncResource("AccessRecordWriter");

  constructor(private readonly dataSource: DataSource, private readonly maxInFlight: number, private readonly hashLeaf?: LeafHasher) {}

  write(drafts: readonly AccessRecordDraft[]): Promise<void> {
    if (drafts.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ drafts, resolve, reject });
      this.start();
    });
  }

  private start(): void {
    while (this.inFlight < this.maxInFlight && this.waiting.length > 0) {
      const group: Waiting[] = [this.waiting.shift()!];
      let records = group[0].drafts.length;
      while (this.waiting.length > 0 && records + this.waiting[0].drafts.length <= RECORDS_PER_STATEMENT) {
        records += this.waiting[0].drafts.length;
        group.push(this.waiting.shift()!);
      }
      this.inFlight += 1;
      void this.scope.runInAsyncScope(() => this.flush(group)).finally(() => {
        this.inFlight -= 1;
        this.start();
      });
    }
  }

  private async flush(group: Waiting[]): Promise<void> {
    try {
      await writeAccessRecords(this.dataSource, group.flatMap(entry => entry.drafts), this.hashLeaf);
      for (const entry of group) entry.resolve();
    } catch (error) {
      if (group.length === 1 || isDatabaseUnavailable(error) || isLockConflict(error)) {
        for (const entry of group) entry.reject(error);
        return;
      }
      for (const entry of group) {
        await writeAccessRecords(this.dataSource, entry.drafts, this.hashLeaf).then(entry.resolve, entry.reject);
      }
    }
  }
}
