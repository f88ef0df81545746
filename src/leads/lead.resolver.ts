import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { ApplicantRecord } from "../model/applicant.entity";
import { Application } from "../model/application.entity";
import { type Connection, byCreated, connectionType, listOf, pageRequest, toConnection } from "../common/relay-pagination";
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

@Resolver(_of => Lead)
export class LeadResolver {
  @Query(_returns => LeadConnection, { description: "Lender: own leads, newest first, anonymized unless the applicant chose you." })
  async leads(
    @Ctx() context: GatewayContext,
    @Arg("first", _type => Int, { nullable: true }) first?: number,
    @Arg("after", _type => String, { nullable: true }) after?: string,
    @Arg("status", _type => LeadStatus, { nullable: true }) status?: LeadStatus,
  ): Promise<Connection<Lead>> {
    const page = pageRequest(listOf("leads", byCreated, { status }), first, after);
    const lender = callingLender(context);
    // The page's applications and their applicants come in the same statement (a lead has
    // exactly one of each): a page costs one query here however many rows it holds, and
    // Lead.application / Application.applicant read the primed loaders. Identity stays sealed
    // until the gate allows a field.
    const query = context.dataSource
      .getRepository(Lead)
      .createQueryBuilder("lead")
      .innerJoinAndMapOne("lead.joinedApplication", Application, "application", "application.id = lead.applicationId")
      .innerJoinAndMapOne("application.joinedApplicant", ApplicantRecord, "applicant", "applicant.id = application.applicantId")
      .where("lead.lenderId = :lenderId", { lenderId: lender.id });
    if (status) query.andWhere("lead.status = :status", { status });
    // Past the previous page's last row, in exactly this ORDER BY: leads that left the status
    // filter or arrived at the top since then move no other lead in or out of this page.
    if (page.after) {
      query.andWhere("(lead.createdAt < :afterCreatedAt OR (lead.createdAt = :afterCreatedAt AND lead.id < :afterId))", {
        afterCreatedAt: page.after.createdAt, afterId: page.after.id,
      });
    }
    const rows = await query.orderBy("lead.createdAt", "DESC").addOrderBy("lead.id", "DESC").limit(page.take + 1).getMany();
    context.loaders.lender.prime(lender.id, lender);
    for (const row of rows as Array<Lead & { joinedApplication: Application & { joinedApplicant: ApplicantRecord } }>) {
      context.loaders.application.prime(row.applicationId, row.joinedApplication);
      context.loaders.applicant.prime(row.joinedApplication.applicantId, row.joinedApplication.joinedApplicant);
    }
    return toConnection(rows, page);
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
