import { DataSource } from "typeorm";
import { Field, Int, ObjectType } from "type-graphql";
import { AccessRecord } from "../model/access-record.entity";
import { ReaderKind } from "../model/pii-access.type";
import { BadUserInputError } from "../errors/gateway-error";
import { Lender } from "../model/lender.entity";

const MAX_WINDOW_MS = 31 * 24 * 60 * 60 * 1000;

@ObjectType({ description: "A lender whose denied identity reads in a window exceed a threshold: a key probing applicants it has no consent for. Reads refused by the daily budget do not count." })
export class LenderAnomaly {
  @Field(_type => Lender) lender: Lender;
  @Field(_type => Int, { description: "Denied identity reads in the window." }) deniedReads: number;
  @Field(_type => Int, { description: "Distinct applications those reads touched." }) applications: number;
  @Field({ description: "The first denied read in the window." }) firstAt: Date;
  @Field({ description: "The last denied read in the window." }) lastAt: Date;
}

/** One grouped query over the access log; most denied reads first. */
export async function findLenderAnomalies(dataSource: DataSource, from: Date, to: Date, threshold: number): Promise<LenderAnomaly[]> {
  if (from.getTime() >= to.getTime()) throw new BadUserInputError("to", "must be after from");
  if (to.getTime() - from.getTime() > MAX_WINDOW_MS) throw new BadUserInputError("to", "the window must be at most 31 days");
  if (!Number.isInteger(threshold) || threshold < 0) throw new BadUserInputError("threshold", "must be a whole number, 0 or more");
  const rows = await dataSource
    .getRepository(AccessRecord)
    .createQueryBuilder("access")
    .select("access.lenderId", "lenderId")
    // Reads refused by the lender's daily budget are logged DENIED too, but say nothing about
    // consent: a busy lender over its budget is not probing.
    .addSelect("SUM(access.deniedReads - access.budgetDeniedReads)", "denied")
    .addSelect("COUNT(DISTINCT access.applicationId)", "applications")
    .addSelect("MIN(access.at)", "firstAt")
    .addSelect("MAX(access.at)", "lastAt")
    .where("access.deniedReads > access.budgetDeniedReads")
    .andWhere("access.readerKind = :lenders", { lenders: ReaderKind.LENDER })
    .andWhere("access.at >= :from AND access.at < :to", { from, to })
    .groupBy("access.lenderId")
    .having("SUM(access.deniedReads - access.budgetDeniedReads) > :threshold", { threshold })
    .getRawMany<{ lenderId: string; denied: string | number; applications: string | number; firstAt: string | Date; lastAt: string | Date }>();
  if (rows.length === 0) return [];
  const lenders = await dataSource.getRepository(Lender).findBy(rows.map(row => ({ id: row.lenderId })));
  const byId = new Map(lenders.map(lender => [lender.id, lender]));
  // SQLite returns the text form (UTC, no zone); MySQL a Date (the connection is in UTC).
  const toDate = (value: string | Date) => (value instanceof Date ? value : new Date(`${value.replace(" ", "T")}Z`));
  return rows
    .filter(row => byId.has(row.lenderId))
    .map(row => ({
      lender: byId.get(row.lenderId)!,
      deniedReads: Number(row.denied),
      applications: Number(row.applications),
      firstAt: toDate(row.firstAt),
      lastAt: toDate(row.lastAt),
    }))
    .sort((a, b) => b.deniedReads - a.deniedReads || a.lender.id.localeCompare(b.lender.id));
}
