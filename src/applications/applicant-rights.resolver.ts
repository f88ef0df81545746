import { Ctx, Mutation, Query, Resolver } from "type-graphql";
import { In } from "typeorm";
import { PiiAccess } from "../audit/pii-access.entity";
import { Consent } from "../consents/consent.entity";
import { GatewayContext } from "../context";
import { ApplicantRecord } from "./applicant.entity";
import { eraseSubject, identityErasedAt } from "./applicant-erasure";
import { ErasureReport, MyData } from "./applicant-rights.types";
import { Application } from "./application.entity";

function subjectOf(context: GatewayContext): string {
  if (context.principal.kind !== "applicant") throw new Error("unreachable: shield admits applicants only");
  return context.principal.subject;
}

/** The applicant's rights over its own data: a copy (PIPL 45) and erasure (PIPL 47). myAccessLog is in src/audit. */
@Resolver()
export class ApplicantRightsResolver {
  @Query(_returns => MyData, { description: "Applicant: a copy of everything held about me: applications, identity, consents with notices, access log." })
  async myData(@Ctx() context: GatewayContext): Promise<MyData> {
    const subject = subjectOf(context);
    const source = context.dataSource;
    // One identity row per application: the copy covers all of them.
    const records = await source.getRepository(ApplicantRecord).find({ where: { subject }, select: { id: true, erasedAt: true } });
    const copy: MyData = Object.assign(new MyData(), {
      subject, generatedAt: context.now, identityErasedAt: identityErasedAt(records),
      applications: [] as Application[], consents: [] as Consent[], accessLog: [] as PiiAccess[],
    });
    if (records.length === 0) return copy;
    copy.applications = await source.getRepository(Application).find({ where: { applicantSubject: subject }, order: { createdAt: "DESC", id: "ASC" } });
    const applicationIds = copy.applications.map(application => application.id);
    copy.consents = applicationIds.length === 0 ? [] : await source.getRepository(Consent).find({
      where: { applicationId: In(applicationIds) }, order: { grantedAt: "ASC", id: "ASC" },
    });
    copy.accessLog = await source.getRepository(PiiAccess).find({ where: { applicantId: In(records.map(record => record.id)) }, order: { seq: "DESC" } });
    return copy;
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
