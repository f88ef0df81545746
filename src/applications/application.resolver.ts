import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { type Connection, byCreated, connectionType, listOf, pageRequest, pastCreated, toConnection } from "../common/relay-pagination";
import { Consent } from "../model/consent.entity";
import type { GatewayContext } from "../context";
import { Lead } from "../model/lead.entity";
import { ApplicantView } from "./applicant.type";
import { Application } from "../model/application.entity";
import { SubmitApplicationInput } from "./application.inputs";
import { ApplicationService } from "./application.service";
import { visibleApplication } from "../privacy/row-scope";
import { adminActorOf, recordAdminAction } from "../audit/admin-action-writer";

export const ApplicationConnection = connectionType(Application, "Application");

function service(context: GatewayContext): ApplicationService {
  return new ApplicationService(context.dataSource, context.fingerprintKey, context.piiKeyring);
}

@Resolver(_of => Application)
export class ApplicationResolver {
  @Query(_returns => ApplicationConnection, { description: "Applicant: own applications, newest first." })
  async myApplications(
    @Ctx() context: GatewayContext,
    @Arg("first", _type => Int, { nullable: true }) first?: number,
    @Arg("after", _type => String, { nullable: true }) after?: string,
  ): Promise<Connection<Application>> {
    const page = pageRequest(listOf("myApplications", byCreated), first, after);
    if (context.principal.kind !== "applicant") return toConnection([], page);
    const subject = context.principal.subject;
    const own = { applicantSubject: subject };
    const rows = await context.dataSource.getRepository(Application).find({
      // Past the previous page's last row, in exactly this order (an offset would repeat rows
      // when a new application arrives at the top).
      where: page.after ? pastCreated(page.after, "DESC").map(past => ({ ...own, ...past })) : own,
      order: { createdAt: "DESC", id: "DESC" },
      take: page.take + 1,
    });
    // Kept exact in code too (the column is exact since migration 1764700000000). Should the
    // database ever match a lookalike subject, the page comes out short rather than leaking.
    return toConnection(rows.filter(row => row.applicantSubject === subject), page);
  }

  @Query(_returns => Application, { nullable: true, description: "Its applicant, or an admin (identity masked)." })
  async application(@Arg("id", _type => ID) id: string, @Ctx() context: GatewayContext): Promise<Application> {
    const application = await visibleApplication(context.dataSource, id, context.principal);
    // Staff opening an application is recorded before anything of it is returned.
    if (context.principal.kind === "admin") {
      await recordAdminAction(context.dataSource.manager, adminActorOf(context), { action: "readApplication", applicationId: id, summary: "opened the application" });
    }
    return application;
  }

  @Mutation(_returns => Application, {
    description: "Applicant: submit an application; matching creates a lead for every ACTIVE lender whose criteria fit. " +
      "Idempotent per idempotencyKey.",
  })
  submitApplication(
    @Arg("input") input: SubmitApplicationInput,
    @Arg("idempotencyKey", {
      description: "1-128 characters of letters, digits and . _ : - (e.g. a UUID), chosen by the frontend per submission; " +
        "a retry with the same key and payload returns the first result, another payload is IDEMPOTENCY_CONFLICT.",
    }) idempotencyKey: string,
    @Ctx() context: GatewayContext,
  ): Promise<Application> {
    if (context.principal.kind !== "applicant") throw new Error("unreachable: shield admits applicants only");
    return service(context).submit(context.principal.subject, input, idempotencyKey, context.now);
  }

  @Mutation(_returns => Application, { description: "Applicant: withdraw; open leads close and consents are terminated." })
  withdrawApplication(@Arg("id", _type => ID) id: string, @Ctx() context: GatewayContext): Promise<Application> {
    return service(context).withdraw(id, context.principal, context.now);
  }

  @FieldResolver(_returns => ApplicantView)
  async applicant(@Root() application: Application, @Ctx() context: GatewayContext): Promise<ApplicantView> {
    const record = await context.loaders.applicant.load(application.applicantId);
    if (!record) throw new Error("application without applicant");
    // The record is the identity submitted with THIS application (its own row, never shared).
    // Identity stays sealed here; the view opens a value only when its @pii field resolves.
    return Object.assign(new ApplicantView(), {
      id: ApplicantView.idFor(application.id),
      applicantId: record.id,
      regionCode: application.regionCode,
      ageBand: application.ageBand,
      incomeBand: application.incomeBand,
      applicationId: application.id,
      applicantSubject: record.subject,
      record,
      keyring: context.piiKeyring,
    });
  }

  @FieldResolver(_returns => [Lead], { description: "A lender sees only its own lead here." })
  leads(@Root() application: Application, @Ctx() context: GatewayContext): Promise<Lead[]> {
    return context.loaders.leadsOfApplication.load(application.id);
  }

  @FieldResolver(_returns => [Consent], { description: "A lender sees only consents given to it." })
  consents(@Root() application: Application, @Ctx() context: GatewayContext): Promise<Consent[]> {
    return context.loaders.consentsOfApplication.load(application.id);
  }
}
