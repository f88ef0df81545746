import { DataSource, FindOptionsWhere } from "typeorm";
import { AccessRecord } from "../../src/model/access-record.entity";
import type { PiiAccess } from "../../src/model/pii-access.type";
import { readsOf } from "../../src/audit/access-log-view";

/** One stored read as the public view shows it, with its record's internal sequence number. */
export type StoredRead = PiiAccess & { seq: number };

/** Every stored read of the records that match `where`, in the order they were written. */
export async function storedReads(dataSource: DataSource, where: FindOptionsWhere<AccessRecord> = {}): Promise<StoredRead[]> {
  const records = await dataSource.getRepository(AccessRecord).find({ where, order: { seq: "ASC" } });
  return records.flatMap(record => readsOf(record).map(read => Object.assign(read, { seq: record.seq })));
}

/** The sequence number of the last record written, 0 when none: reads after it are `seq > last`. */
export async function lastRecordSeq(dataSource: DataSource): Promise<number> {
  return (await dataSource.getRepository(AccessRecord).maximum("seq")) ?? 0;
}
