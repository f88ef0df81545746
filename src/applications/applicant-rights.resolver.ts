import { Arg, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { In } from "typeorm";
import { PiiAccessConnection } from "../audit/pii-access.connection";
import type { PiiAccess } from "../model/pii-access.type";
import { applicantAccessLogPage } from "../audit/applicant-access-log";
import type { Connection } from "../common/relay-pagination";
import { Consent } from "../model/consent.entity";
import type { GatewayContext } from "../context";
import { ownIdentityRows } from "../privacy/row-scope";
import { eraseSubject, identityErasedAt } from "./applicant-erasure";
import { ErasureReport, MyData } from "./applicant-rights.types";
import { Application } from "../model/application.entity";

function subjectOf(context: GatewayContext): string {
  if (context.principal.kind !== "applicant") throw new Error("unreachable: shield admits applicants only");
  return context.principal.subject;
}

/** The applicant's rights over its own data: a copy (PIPL 45) and erasure (PIPL 47). myAccessLog is in src/audit. */
@Resolver(_of => MyData)
export class ApplicantRightsResolver {
  @Query(_returns => MyData, { description: "Applicant: a copy of everything held about me: applications, identity, consents with notices, access log." })
  async myData(@Ctx() context: GatewayContext): Promise<MyData> {
    const subject = subjectOf(context);
    const source = context.dataSource;
    // One identity row per application: the copy covers all of them.
    const records = await ownIdentityRows(source, subject, { id: true, erasedAt: true });
    const copy: MyData = Object.assign(new MyData(), {
      subject, generatedAt: context.now, identityErasedAt: identityErasedAt(records),
      applications: [] as Application[], consents: [] as Consent[], applicantIds: records.map(record => record.id),
    });
    if (records.length === 0) return copy;
    copy.applications = (await source.getRepository(Application).find({ where: { applicantSubject: subject }, order: { createdAt: "DESC", id: "ASC" } }))
      .filter(application => application.applicantSubject === subject);
    const applicationIds = copy.applications.map(application => application.id);
    copy.consents = applicationIds.length === 0 ? [] : await source.getRepository(Consent).find({
      where: { applicationId: In(applicationIds) }, order: { grantedAt: "ASC", id: "ASC" },
    });
    return copy;
  }

  /** Paged like myAccessLog: a lender's probing grows it, and one response must stay bounded. */
  @FieldResolver(_returns => PiiAccessConnection, { description: "Every lender read of the applicant's identity, granted or denied, newest first." })
  async accessLog(
    @Root() copy: MyData,
    @Ctx() context: GatewayContext,
    @Arg("first", _type => Int, { nullable: true }) first?: number,
    @Arg("after", _type => String, { nullable: true }) after?: string,
  ): Promise<Connection<PiiAccess>> {
    return applicantAccessLogPage(context.dataSource, copy.applicantIds, first, after);
  }

  @Mutation(_returns => ErasureReport, {
    description: "Applicant: erase my identity. Values are destroyed, open applications withdrawn, leads closed, consents TERMINATED; " +
      "the access log keeps ids and categories. Idempotent.",
  })
  async eraseMyData(@Ctx() context: GatewayContext): Promise<ErasureReport> {
    const subject = subjectOf(context);
    const counts = await context.dataSource.transaction(manager => eraseSubject(manager, subject, context.now));
    return Object.assign(new ErasureReport(), counts);
  }
}
