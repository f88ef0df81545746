import { DataSource } from "typeorm";
import { Consent } from "../model/consent.entity";
import { BadUserInputError } from "../errors/gateway-error";
import { Lead } from "../model/lead.entity";
import { LeadStatus } from "../model/lead-status";
import { Offer } from "../model/offer.entity";
import { Lender } from "../model/lender.entity";
import type { LenderReferralStats } from "./audit.types";
import { AccessRecord } from "../model/access-record.entity";
import { ReaderKind } from "../model/pii-access.type";

const MAX_PERIOD_MS = 366 * 24 * 60 * 60 * 1000;

type Counts = Map<string, number>;

async function countBy(
  dataSource: DataSource,
  entity: Function,
  alias: string,
  timeColumn: string,
  period: { from: Date; to: Date },
  extra?: { where: string; params: Record<string, unknown> },
  sumColumn?: string,
): Promise<Counts> {
  let query = dataSource
    .getRepository(entity)
    .createQueryBuilder(alias)
    .select(`${alias}.lenderId`, "lenderId")
    .addSelect(sumColumn ? `COALESCE(SUM(${alias}.${sumColumn}), 0)` : "COUNT(*)", "n")
    .where(`${alias}.${timeColumn} >= :from AND ${alias}.${timeColumn} < :to`, period)
    .groupBy(`${alias}.lenderId`);
  if (extra) query = query.andWhere(extra.where, extra.params);
  const rows = await query.getRawMany<{ lenderId: string; n: string | number }>();
  return new Map(rows.map(row => [row.lenderId, Number(row.n)]));
}

/** Lenders' records only: the applicant's own and staff reads are no lender's. */
const LENDER_RECORDS = { where: "access.readerKind = :lenders", params: { lenders: ReaderKind.LENDER } };

/** Per lender, the funnel of one period; one grouped query per measure, not per lender. */
export async function referralReport(dataSource: DataSource, from: Date, to: Date): Promise<LenderReferralStats[]> {
  if (from.getTime() >= to.getTime()) throw new BadUserInputError("to", "must be after from");
  if (to.getTime() - from.getTime() > MAX_PERIOD_MS) throw new BadUserInputError("to", "the period must be at most 366 days");
  const period = { from, to };
  const status = (statuses: LeadStatus[]) => ({ where: "lead.status IN (:...statuses)", params: { statuses } });
  const [lenders, leads, chosen, approved, declined, funded, fundedAmount, granted, denied] = await Promise.all([
    dataSource.getRepository(Lender).find({ order: { createdAt: "ASC", id: "ASC" } }),
    countBy(dataSource, Lead, "lead", "createdAt", period),
    countBy(dataSource, Consent, "consent", "grantedAt", period),
    // Dated by the status's last move, not updatedAt: a later erasure or closing must not re-date an outcome.
    countBy(dataSource, Lead, "lead", "statusChangedAt", period, status([LeadStatus.APPROVED, LeadStatus.FUNDED])),
    countBy(dataSource, Lead, "lead", "statusChangedAt", period, status([LeadStatus.DECLINED])),
    countBy(dataSource, Lead, "lead", "statusChangedAt", period, status([LeadStatus.FUNDED])),
    countBy(dataSource, Lead, "lead", "statusChangedAt", period, status([LeadStatus.FUNDED]), "fundedAmount"),
    countBy(dataSource, AccessRecord, "access", "at", period, LENDER_RECORDS, "grantedReads"),
    countBy(dataSource, AccessRecord, "access", "at", period, LENDER_RECORDS, "deniedReads"),
  ]);
  const offers = await offersByLender(dataSource, period);
  return lenders.map(lender => ({
    lender,
    leads: leads.get(lender.id) ?? 0,
    offers: offers.get(lender.id) ?? 0,
    chosen: chosen.get(lender.id) ?? 0,
    approved: approved.get(lender.id) ?? 0,
    declined: declined.get(lender.id) ?? 0,
    funded: funded.get(lender.id) ?? 0,
    fundedAmount: fundedAmount.get(lender.id) ?? 0,
    identityReads: granted.get(lender.id) ?? 0,
    deniedReads: denied.get(lender.id) ?? 0,
  }));
}

/** Offers carry no lender column; they are counted through their lead. */
async function offersByLender(dataSource: DataSource, period: { from: Date; to: Date }): Promise<Counts> {
  const rows = await dataSource
    .getRepository(Offer)
    .createQueryBuilder("offer")
    .innerJoin(Lead, "lead", "lead.id = offer.leadId")
    .select("lead.lenderId", "lenderId")
    .addSelect("COUNT(*)", "n")
    .where("offer.createdAt >= :from AND offer.createdAt < :to", period)
    .groupBy("lead.lenderId")
    .getRawMany<{ lenderId: string; n: string | number }>();
  return new Map(rows.map(row => [row.lenderId, Number(row.n)]));
}
