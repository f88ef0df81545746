import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { ApplicantRecord } from "../model/applicant.entity";
import { Application } from "../model/application.entity";
import type { SelectQueryBuilder } from "typeorm";
import { type Connection, byCreated, byTimeAndId, connectionType, listOf, pageRequest, toConnection } from "../common/relay-pagination";
import { Consent } from "../model/consent.entity";
import type { GatewayContext } from "../context";
import { Lender } from "../model/lender.entity";
import { Lead } from "../model/lead.entity";
import { LeadStatus } from "../model/lead-status";
import { MakeOfferInput, ReportOutcomeInput } from "./lead.inputs";
import { LeadService } from "./lead.service";
import { ownLead } from "../privacy/row-scope";
import { Offer } from "../model/offer.entity";

export const LeadConnection = connectionType(Lead, "Lead");

function callingLender(context: GatewayContext): Lender {
  if (context.principal.kind !== "lender") throw new Error("unreachable: shield admits lenders only");
  return context.principal.lender;
}

/**
 * The lender's leads with their applications and applicants in the same statement (a lead has
 * exactly one of each): a page costs one query however many rows it holds, and Lead.application
 * and Application.applicant read the loaders primed from it. Identity stays sealed until the gate
 * allows a field.
 */
function leadPageQuery(context: GatewayContext, lender: Lender, status: LeadStatus | undefined): SelectQueryBuilder<Lead> {
  const query = context.dataSource
    .getRepository(Lead)
    .createQueryBuilder("lead")
    .innerJoinAndMapOne("lead.joinedApplication", Application, "application", "application.id = lead.applicationId")
    .innerJoinAndMapOne("application.joinedApplicant", ApplicantRecord, "applicant", "applicant.id = application.applicantId")
    .where("lead.lenderId = :lenderId", { lenderId: lender.id });
  if (status) query.andWhere("lead.status = :status", { status });
  return query;
}

function primeLoaders(context: GatewayContext, lender: Lender, rows: Lead[]): void {
  context.loaders.lender.prime(lender.id, lender);
  for (const row of rows as Array<Lead & { joinedApplication: Application & { joinedApplicant: ApplicantRecord } }>) {
    context.loaders.application.prime(row.applicationId, row.joinedApplication);
    context.loaders.applicant.prime(row.joinedApplication.applicantId, row.joinedApplication.joinedApplicant);
  }
}

@Resolver(_of => Lead)
export class LeadResolver {
  @Query(_returns => LeadConnection, {
    description: "Lender: own leads, newest first, anonymized unless the applicant chose you. With `changedSince`: the leads " +
      "whose updatedAt is at or after it, oldest change first (updatedAt, then id); page through them, then poll again with " +
      "the last updatedAt seen as the next changedSince (the boundary is inclusive: a lead seen last time may come again).",
  })
  async leads(
    @Ctx() context: GatewayContext,
    @Arg("first", _type => Int, { nullable: true }) first?: number,
    @Arg("after", _type => String, { nullable: true }) after?: string,
    @Arg("status", _type => LeadStatus, { nullable: true }) status?: LeadStatus,
    @Arg("changedSince", _type => Date, { nullable: true }) changedSince?: Date | null,
  ): Promise<Connection<Lead>> {
    const lender = callingLender(context);
    if (changedSince) return this.changedLeads(context, lender, changedSince, first, after, status);
    const page = pageRequest(listOf("leads", byCreated, { status }), first, after);
    const query = leadPageQuery(context, lender, status);
    // Past the previous page's last row, in exactly this ORDER BY: leads that left the status
    // filter or arrived at the top since then move no other lead in or out of this page.
    if (page.after) {
      query.andWhere("(lead.createdAt < :afterCreatedAt OR (lead.createdAt = :afterCreatedAt AND lead.id < :afterId))", {
        afterCreatedAt: page.after.createdAt, afterId: page.after.id,
      });
    }
    const rows = await query.orderBy("lead.createdAt", "DESC").addOrderBy("lead.id", "DESC").limit(page.take + 1).getMany();
    primeLoaders(context, lender, rows);
    return toConnection(rows, page);
  }

  /**
   * The poll: leads changed at or after `changedSince`, in (updatedAt, id) order. A change moves a
   * lead's updatedAt forward only, so a lead changing between two pages is found again further
   * on (or on the next poll), never skipped.
   */
  private async changedLeads(
    context: GatewayContext, lender: Lender, changedSince: Date, first: number | undefined, after: string | undefined, status: LeadStatus | undefined,
  ): Promise<Connection<Lead>> {
    const page = pageRequest(listOf("leads.changes", byTimeAndId<Lead>(lead => lead.updatedAt), { status, changedSince }), first, after);
    const query = leadPageQuery(context, lender, status).andWhere("lead.updatedAt >= :changedSince", { changedSince });
    if (page.after) {
      query.andWhere("(lead.updatedAt > :afterUpdatedAt OR (lead.updatedAt = :afterUpdatedAt AND lead.id > :afterId))", {
        afterUpdatedAt: page.after.createdAt, afterId: page.after.id,
      });
    }
    const rows = await query.orderBy("lead.updatedAt", "ASC").addOrderBy("lead.id", "ASC").limit(page.take + 1).getMany();
    primeLoaders(context, lender, rows);
    return toConnection(rows, page);
  }

  @Mutation(_returns => Lead, {
    description: "Lender: pass on an own lead you were never chosen for (NEW -> DECLINED); it then takes no offer and cannot be chosen. " +
      "Passing again returns it unchanged. Any other status: BAD_USER_INPUT with reason LEAD_IS_<STATUS>.",
  })
  declineLead(@Arg("leadId", _type => ID) leadId: string, @Ctx() context: GatewayContext): Promise<Lead> {
    return new LeadService(context.dataSource).declineLead(callingLender(context), leadId, context.now);
  }

  @Query(_returns => Lead, { nullable: true, description: "Lender: one of its own leads." })
  lead(@Arg("id", _type => ID) id: string, @Ctx() context: GatewayContext): Promise<Lead> {
    return ownLead(context.dataSource, id, callingLender(context).id);
  }

  @Mutation(_returns => Offer, { description: "Lender: offer (or revise the offer) on an own lead." })
  makeOffer(@Arg("input") input: MakeOfferInput, @Ctx() context: GatewayContext): Promise<Offer> {
    return new LeadService(context.dataSource).makeOffer(callingLender(context), input, context.now);
  }

  @Mutation(_returns => Lead, { description: "Lender: report what became of a lead the applicant chose." })
  reportOutcome(@Arg("input") input: ReportOutcomeInput, @Ctx() context: GatewayContext): Promise<Lead> {
    return new LeadService(context.dataSource).reportOutcome(callingLender(context), input, context.now);
  }

  @FieldResolver(_returns => Lender)
  async lender(@Root() lead: Lead, @Ctx() context: GatewayContext): Promise<Lender> {
    const lender = await context.loaders.lender.load(lead.lenderId);
    if (!lender) throw new Error("lead without lender");
    return lender;
  }

  @FieldResolver(_returns => Application)
  async application(@Root() lead: Lead, @Ctx() context: GatewayContext): Promise<Application> {
    const application = await context.loaders.application.load(lead.applicationId);
    if (!application) throw new Error("lead without application");
    return application;
  }

  @FieldResolver(_returns => Offer, { nullable: true })
  offer(@Root() lead: Lead, @Ctx() context: GatewayContext): Promise<Offer | null> {
    return context.loaders.offerOfLead.load(lead.id);
  }

  @FieldResolver(_returns => Consent, { nullable: true, description: "The active consent for this lead's lender, else the latest." })
  consent(@Root() lead: Lead, @Ctx() context: GatewayContext): Promise<Consent | null> {
    return context.loaders.consentOfLead.load(lead);
  }
}

@Resolver(_of => Offer)
export class OfferResolver {
  @FieldResolver(_returns => Lead)
  async lead(@Root() offer: Offer, @Ctx() context: GatewayContext): Promise<Lead> {
    const lead = await context.loaders.lead.load(offer.leadId);
    if (!lead) throw new Error("offer without lead");
    return lead;
  }
}
