import { DataSource } from "typeorm";
import { Field, Int, ObjectType } from "type-graphql";
import { BadUserInputError } from "../errors/gateway-error";
import { AccessRecord } from "../model/access-record.entity";
import { ReaderKind } from "../model/pii-access.type";

const DAY_MS = 24 * 60 * 60 * 1000;
const MAX_DAYS = 366;

@ObjectType({ description: "Lenders' identity reads of one UTC day." })
export class DailyIdentityReads {
  @Field({ description: "The UTC day, YYYY-MM-DD." }) day: string;
  @Field(_type => Int, { description: "Identity field reads granted that day." }) granted: number;
  @Field(_type => Int, { description: "Identity field reads denied that day (the daily budget's included)." }) denied: number;
}

/**
 * Lenders' identity reads per UTC day over [from, to), days without reads left out, oldest first.
 * One grouped query: both drivers keep the time as `YYYY-MM-DD HH:MM:SS.mmm` in UTC (SQLite as
 * that text, MySQL as DATETIME(3) read as text), so its first ten characters are the UTC day.
 */
export async function identityReadsByDay(dataSource: DataSource, from: Date, to: Date): Promise<DailyIdentityReads[]> {
  if (from.getTime() >= to.getTime()) throw new BadUserInputError("to", "must be after from");
  if (to.getTime() - from.getTime() > MAX_DAYS * DAY_MS) throw new BadUserInputError("to", `the period must be at most ${MAX_DAYS} days`);
  const rows = await dataSource.getRepository(AccessRecord).createQueryBuilder("access")
    .select("SUBSTR(access.at, 1, 10)", "day")
    .addSelect("COALESCE(SUM(access.grantedReads), 0)", "granted")
    .addSelect("COALESCE(SUM(access.deniedReads), 0)", "denied")
    .where("access.at >= :from AND access.at < :to", { from, to })
    .andWhere("access.readerKind = :lenders", { lenders: ReaderKind.LENDER })
    .groupBy("SUBSTR(access.at, 1, 10)")
    .orderBy("day", "ASC")
    .getRawMany<{ day: string; granted: string | number; denied: string | number }>();
  return rows.map(row => ({ day: String(row.day), granted: Number(row.granted), denied: Number(row.denied) }));
}
