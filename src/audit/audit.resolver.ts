import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from "type-graphql";
import { Between, FindOptionsWhere, LessThan, MoreThanOrEqual } from "typeorm";
import { type Connection, byAccessPosition, listOf } from "../common/relay-pagination";
import { AccessRecord } from "../model/access-record.entity";
import { accessLogPage } from "./access-log-view";
import { PiiAccessConnection } from "./pii-access.connection";
import { ownIdentityRows } from "../privacy/row-scope";
import type { GatewayContext } from "../context";
import { Lender } from "../model/lender.entity";
import { AuditFilter, LenderReferralStats } from "./audit.types";
import { applicantAccessLogPage } from "./applicant-access-log";
import { PiiAccess } from "../model/pii-access.type";
import { referralReport } from "./referral-report";
import { DailyIdentityReads, identityReadsByDay } from "./daily-reads";

function timeWindow(from?: Date | null, to?: Date | null) {
  if (from && to) return { at: Between(from, new Date(to.getTime() - 1)) };
  if (from) return { at: MoreThanOrEqual(from) };
  if (to) return { at: LessThan(to) };
  return {};
}

@Resolver(_of => PiiAccess)
export class AuditResolver {
  @Query(_returns => PiiAccessConnection, {
    description: "Applicant: every read of my identity, granted or denied, newest first: lenders' (under my consents), staff's " +
      "(masked; which staff member is not shown) and my own account's (readerKind).",
  })
  async myAccessLog(
    @Ctx() context: GatewayContext,
    @Arg("first", _type => Int, { nullable: true }) first?: number,
    @Arg("after", _type => String, { nullable: true }) after?: string,
  ): Promise<Connection<PiiAccess>> {
    // Validates the page first, whoever asks (shield admits applicants only).
    if (context.principal.kind !== "applicant") return applicantAccessLogPage(context.dataSource, [], first, after);
    // Reads through every application of this person: one identity row per application.
    const own = await ownIdentityRows(context.dataSource, context.principal.subject);
    return applicantAccessLogPage(context.dataSource, own.map(record => record.id), first, after);
  }

  @Query(_returns => PiiAccessConnection, { description: "Admin: the identity access log, newest first." })
  async auditLog(
    @Ctx() context: GatewayContext,
    @Arg("filter", _type => AuditFilter, { nullable: true }) filter?: AuditFilter,
    @Arg("first", _type => Int, { nullable: true }) first?: number,
    @Arg("after", _type => String, { nullable: true }) after?: string,
  ): Promise<Connection<PiiAccess>> {
    // The cursor is bound to the filter: another filter's cursor is refused, not applied to it.
    const { lenderId, applicationId, outcome, readerKind, reason, from, to } = filter ?? {};
    const list = listOf("auditLog", byAccessPosition, { lenderId, applicationId, outcome, readerKind, reason, from, to });
    const where: FindOptionsWhere<AccessRecord> = {
      ...(readerKind ? { readerKind } : {}),
      ...(lenderId ? { lenderId } : {}),
      ...(applicationId ? { applicationId } : {}),
      ...timeWindow(from, to),
    };
    return accessLogPage(context.dataSource, list, { where, outcome, reason }, first, after);
  }

  @Query(_returns => [LenderReferralStats], { description: "Admin: per lender, leads, offers, choices, outcomes and identity reads in [from, to)." })
  referralReport(
    @Arg("from", _type => Date) from: Date,
    @Arg("to", _type => Date) to: Date,
    @Ctx() context: GatewayContext,
  ): Promise<LenderReferralStats[]> {
    return referralReport(context.dataSource, from, to);
  }

  @Query(_returns => [DailyIdentityReads], { description: "Admin: lenders' identity reads per UTC day in [from, to) (at most 366 days), days without reads left out, oldest first." })
  identityReadsByDay(
    @Arg("from", _type => Date) from: Date,
    @Arg("to", _type => Date) to: Date,
    @Ctx() context: GatewayContext,
  ): Promise<DailyIdentityReads[]> {
    return identityReadsByDay(context.dataSource, from, to);
  }

  @FieldResolver(_returns => Lender, { nullable: true, description: "The lender that read; null when the applicant or staff read (see readerKind)." })
  async lender(@Root() access: PiiAccess, @Ctx() context: GatewayContext): Promise<Lender | null> {
    if (access.lenderId === null) return null;
    const lender = await context.loaders.lender.load(access.lenderId);
    if (!lender) throw new Error("access record without lender");
    return lender;
  }
}
