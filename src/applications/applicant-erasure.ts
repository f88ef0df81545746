import { EntityManager, In, Not } from "typeorm";
import { endConsents } from "../consents/consent-lifecycle";
import { ConsentEndReason } from "../consents/consent-status";
import { Lead } from "../leads/lead.entity";
import { LeadStatus } from "../leads/lead-status";
import { ApplicantRecord } from "./applicant.entity";
import { ERASED_IDENTITY } from "./applicant-identity-store";
import { ApplicationStatus } from "./application-enums";
import { Application } from "./application.entity";

/** What an erasure did; counts only, never values. */
export interface ErasureCounts {
  erasedAt: Date;
  alreadyErased: boolean;
  applicationsWithdrawn: number;
  consentsTerminated: number;
  leadsClosed: number;
}

/** Written over the submission fingerprint: a keyed hash of the identity is identity too. */
const ERASED_FINGERPRINT = "erased";

/**
 * Erases one applicant (PIPL 47, GDPR 17), in the caller's transaction: identity values and
 * their hash are destroyed, open applications are withdrawn, leads closed, active consents
 * TERMINATED. The access log keeps its rows (ids, categories, decisions; it never held values)
 * because it is the applicant's and the regulator's record of what happened. Idempotent: a
 * second call finds nothing left to do and reports the first erasure's time.
 */
export async function eraseApplicant(manager: EntityManager, applicant: ApplicantRecord, now: Date): Promise<ErasureCounts> {
  const applications = await manager.getRepository(Application).find({ where: { applicantId: applicant.id }, select: { id: true, status: true } });
  const applicationIds = applications.map(application => application.id);
  const open = applications.filter(application => application.status === ApplicationStatus.SUBMITTED).map(application => application.id);

  const consentsTerminated = await endConsents(manager, { applicationIds }, ConsentEndReason.APPLICANT_ERASED, now);
  let leadsClosed = 0;
  if (applicationIds.length > 0) {
    const closed = await manager.getRepository(Lead).update(
      { applicationId: In(applicationIds), status: Not(In([LeadStatus.DECLINED, LeadStatus.FUNDED, LeadStatus.CLOSED])) },
      { status: LeadStatus.CLOSED, updatedAt: now },
    );
    leadsClosed = closed.affected ?? 0;
    await manager.getRepository(Application).update(
      { applicantId: applicant.id, requestFingerprint: Not(ERASED_FINGERPRINT) },
      { requestFingerprint: ERASED_FINGERPRINT },
    );
  }
  if (open.length > 0) {
    await manager.getRepository(Application).update({ id: In(open) }, { status: ApplicationStatus.WITHDRAWN, closedAt: now });
  }
  // Only the first erasure stamps the time; identity is overwritten every time in case a
  // submission raced the first one.
  const alreadyErased = applicant.erasedAt !== null;
  const erasedAt = applicant.erasedAt ?? now;
  await manager.getRepository(ApplicantRecord).update({ id: applicant.id }, { ...ERASED_IDENTITY, erasedAt, updatedAt: now });
  return { erasedAt, alreadyErased, applicationsWithdrawn: open.length, consentsTerminated, leadsClosed };
}

/** Ids of applicants not yet erased whose every application closed before `closedBefore`. */
export async function applicantsDueForErasure(manager: EntityManager, closedBefore: Date): Promise<string[]> {
  const applications = await manager.getRepository(Application).createQueryBuilder("application")
    .innerJoin(ApplicantRecord, "applicant", "applicant.id = application.applicant_id AND applicant.erased_at IS NULL")
    .select(["application.id", "application.applicantId", "application.status", "application.closedAt", "application.createdAt"])
    .getMany();
  const keep = new Set<string>();
  const candidates = new Set<string>();
  for (const application of applications) {
    candidates.add(application.applicantId);
    // Closed before closed_at existed: its creation time is the earliest it can have closed.
    const closedAt = application.closedAt ?? application.createdAt;
    if (application.status === ApplicationStatus.SUBMITTED || closedAt.getTime() >= closedBefore.getTime()) keep.add(application.applicantId);
  }
  return [...candidates].filter(id => !keep.has(id)).sort();
}
