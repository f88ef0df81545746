import { createHash } from "node:crypto";
import { And, DataSource, FindOperator, FindOptionsWhere, Like, MoreThan } from "typeorm";
import { type AccessPosition, type Connection, type ListOf, byAccessPosition, pageRequest, recordsFromAccessPosition, toConnection } from "../common/relay-pagination";
import { AccessRecord, decodeFieldReads } from "../model/access-record.entity";
import { AccessOutcome, PiiAccess } from "../model/pii-access.type";

/**
 * The public view of the access log: one `PiiAccess` per field read, newest first, made from the
 * stored records (one per request, application and reader). Within a record the reads keep the
 * order they were asked for.
 */

/**
 * A read's public id: a UUID (version 4 layout) derived from its record's random id and its
 * place in the record. Stable across pages and requests, and as unguessable as the record id;
 * it says nothing about other rows or how many there are.
 */
export function accessReadId(recordId: string, position: number): string {
  const bytes = createHash("sha256").update(`${recordId}\u0000${position}`).digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The reads of one record, each as its own PiiAccess. */
export function readsOf(record: AccessRecord): PiiAccess[] {
  return decodeFieldReads(record.reads).map((read, position) => Object.assign(new PiiAccess(), {
    id: accessReadId(record.id, position),
    recordId: record.id,
    position,
    logIndex: record.logIndex,
    at: record.at,
    readerKind: record.readerKind,
    lenderId: record.lenderId,
    readerSubject: record.readerSubject,
    credentialId: record.credentialId,
    applicantId: record.applicantId,
    applicationId: record.applicationId,
    field: read.field,
    category: read.category,
    outcome: read.outcome,
    reason: read.reason,
    consentId: read.consentId,
  }));
}

export interface AccessLogQuery {
  /** The records' filter (columns of AccessRecord); `at` may hold a time window. */
  where: FindOptionsWhere<AccessRecord> | Array<FindOptionsWhere<AccessRecord>>;
  /** Only reads with this outcome; records without any are left out in SQL by their counts. */
  outcome?: AccessOutcome | null;
  /** Only denied reads with this reason (a value of the AccessReason enum, never free text). */
  reason?: string | null;
}

/**
 * One page of reads. Every record that matches the filter holds at least one matching read, so
 * `first + 2` records (the cursor's own record may have none left) always fill a page of `first`
 * reads and tell whether another page follows. Served by the `(at, id)` indexes of the filter.
 */
export async function accessLogPage(
  dataSource: DataSource,
  list: ListOf<AccessPosition, AccessPosition>,
  query: AccessLogQuery,
  first: number | null | undefined,
  after: string | null | undefined,
): Promise<Connection<PiiAccess>> {
  const page = pageRequest(list, first, after);
  const filters = (Array.isArray(query.where) ? query.where : [query.where])
    .map(filter => withReason(withOutcome(filter, query.outcome), query.reason));
  // No filter at all means no rows (an applicant without applications), never every row.
  if (filters.length === 0) return toConnection([], page);
  const records = await dataSource.getRepository(AccessRecord).find({
    // Older than the previous page's last read: reads logged meanwhile shift nothing. The
    // cursor's condition on `at` goes beside a window's, as a second condition of that column.
    where: page.after === null
      ? filters
      : filters.flatMap(filter => recordsFromAccessPosition(page.after!).map(past => ({ ...filter, ...past, at: combine(filter.at, past.at) }))),
    order: { at: "DESC", id: "DESC" },
    take: page.take + 2,
  });
  const reads: PiiAccess[] = [];
  for (const record of records) {
    for (const read of readsOf(record)) {
      if (query.outcome && read.outcome !== query.outcome) continue;
      if (query.reason && read.reason !== query.reason) continue;
      if (page.after && read.recordId === page.after.recordId && read.position <= page.after.position) continue;
      reads.push(read);
    }
    if (reads.length > page.take) break;
  }
  return toConnection(reads, page);
}

function withOutcome(filter: FindOptionsWhere<AccessRecord>, outcome: AccessOutcome | null | undefined): FindOptionsWhere<AccessRecord> {
  if (!outcome) return filter;
  return { ...filter, ...(outcome === AccessOutcome.GRANTED ? { grantedReads: MoreThan(0) } : { deniedReads: MoreThan(0) }) };
}

/**
 * The reads are stored as JSON text in the record (encodeFieldReads writes it without spaces), so
 * a record holding a read with this reason contains `"reason":"<reason>"`; the reads are then
 * matched exactly in memory. The reason is an enum value, bound as a parameter.
 */
function withReason(filter: FindOptionsWhere<AccessRecord>, reason: string | null | undefined): FindOptionsWhere<AccessRecord> {
  if (!reason) return filter;
  return { ...filter, deniedReads: MoreThan(0), reads: Like(`%"reason":"${reason}"%`) };
}

function combine(window: unknown, past: FindOperator<Date>): FindOperator<Date> {
  return window instanceof FindOperator ? And(past, window as FindOperator<Date>) : past;
}
