import { EntityManager, Not } from "typeorm";
import { type ClosingCounts, closeApplication, endDependents } from "../lifecycle/application-closing";
import { ApplicantRecord } from "../model/applicant.entity";
import { ERASED_IDENTITY } from "../privacy/applicant-identity-store";
import { ApplicationStatus } from "../model/application-enums";
import { Application } from "../model/application.entity";

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
 * Erases one identity row (PIPL 47, GDPR 17) and its applications, in the caller's transaction: identity values and
 * their hash are destroyed, open applications are withdrawn, leads closed, active consents
 * TERMINATED (one already past its expiry is recorded EXPIRED, and not counted). The access
 * log keeps its rows (ids, categories, decisions; it never held values) because it is the
 * applicant's and the regulator's record of what happened. Idempotent: a second call finds
 * nothing left to do and reports the first erasure's time.
 */
export async function eraseApplicant(manager: EntityManager, applicant: ApplicantRecord, now: Date): Promise<ErasureCounts> {
  const applications = await manager.getRepository(Application).find({ where: { applicantId: applicant.id }, select: { id: true, status: true } });
  const applicationIds = applications.map(application => application.id);
  const open = applications.filter(application => application.status === ApplicationStatus.SUBMITTED).map(application => application.id);

  // Each open application ends as any ending does (status, leads, consents); what the others
  // may still hold open is ended too.
  let applicationsWithdrawn = 0;
  let consentsTerminated = 0;
  let leadsClosed = 0;
  const add = (counts: ClosingCounts) => {
    consentsTerminated += counts.consentsEnded;
    leadsClosed += counts.leadsClosed;
  };
  const closedNow = new Set<string>();
  for (const id of open) {
    const closed = await closeApplication(manager, id, { kind: "ERASED" }, now);
    if (!closed) continue;
    closedNow.add(id);
    applicationsWithdrawn += 1;
    add(closed);
  }
  // The others (closed before, or by a racing ending) one at a time, so that only an application
  // where something was still open moves its leads' times. Those closed just now ended theirs.
  for (const id of applicationIds.filter(id => !closedNow.has(id))) {
    add(await endDependents(manager, [id], { kind: "ERASED" }, now, { applicationMoved: false }));
  }
  if (applicationIds.length > 0) {
    await manager.getRepository(Application).update(
      { applicantId: applicant.id, requestFingerprint: Not(ERASED_FINGERPRINT) },
      { requestFingerprint: ERASED_FINGERPRINT },
    );
  }
  // Only the first erasure stamps the time; identity is overwritten every time in case a
  // submission raced the first one.
  const alreadyErased = applicant.erasedAt !== null;
  const erasedAt = applicant.erasedAt ?? now;
  await manager.getRepository(ApplicantRecord).update({ id: applicant.id }, { ...ERASED_IDENTITY, erasedAt, updatedAt: now });
  return { erasedAt, alreadyErased, applicationsWithdrawn, consentsTerminated, leadsClosed };
}

/**
 * Erases a person: every identity row of the subject (one per application), in the caller's
 * transaction. `erasedAt` is the latest erasure of any row, so a repeat reports the same time
 * as `myData.identityErasedAt`; `alreadyErased` only if no row held identity any more.
 */
export async function eraseSubject(manager: EntityManager, subject: string, now: Date): Promise<ErasureCounts> {
  // Exact, as the column compares since migration 1764700000000: never a lookalike's rows.
  const records = (await manager.getRepository(ApplicantRecord).find({ where: { subject }, order: { id: "ASC" } }))
    .filter(record => record.subject === subject);
  const total: ErasureCounts = { erasedAt: now, alreadyErased: true, applicationsWithdrawn: 0, consentsTerminated: 0, leadsClosed: 0 };
  let latest: Date | null = null;
  for (const record of records) {
    const counts = await eraseApplicant(manager, record, now);
    total.alreadyErased &&= counts.alreadyErased;
    total.applicationsWithdrawn += counts.applicationsWithdrawn;
    total.consentsTerminated += counts.consentsTerminated;
    total.leadsClosed += counts.leadsClosed;
    if (latest === null || counts.erasedAt.getTime() > latest.getTime()) latest = counts.erasedAt;
  }
  return { ...total, erasedAt: latest ?? now };
}

/** When the subject's identity was erased: null while any of its rows still holds identity. */
export function identityErasedAt(records: ApplicantRecord[]): Date | null {
  if (records.length === 0 || records.some(record => record.erasedAt === null)) return null;
  return new Date(Math.max(...records.map(record => record.erasedAt!.getTime())));
}

/**
 * Subjects with identity still on file whose every application (of all their identity rows)
 * closed before `closedBefore`: retention counts from the person's last application, as before
 * identity was kept per application. `onlySubject` narrows the same rule to one subject, for
 * retention's re-check just before it erases.
 */
export async function subjectsDueForErasure(manager: EntityManager, closedBefore: Date, onlySubject?: string): Promise<string[]> {
  // Grouped in SQL, subjects only: a run does not load every application into memory. Due: some
  // identity row not yet erased, no application open, and every one closed before the cutoff
  // (one closed before closed_at existed counts from its creation, the earliest it can have closed).
  const query = manager.getRepository(Application).createQueryBuilder("application")
    .innerJoin(ApplicantRecord, "applicant", "applicant.id = application.applicant_id")
    .select("application.applicantSubject", "subject")
    .groupBy("application.applicantSubject")
    .having("SUM(CASE WHEN applicant.erasedAt IS NULL THEN 1 ELSE 0 END) > 0")
    .andHaving(
      "SUM(CASE WHEN application.status = :submitted OR COALESCE(application.closedAt, application.createdAt) >= :closedBefore THEN 1 ELSE 0 END) = 0",
      { submitted: ApplicationStatus.SUBMITTED, closedBefore },
    )
    .orderBy("application.applicantSubject", "ASC");
  if (onlySubject !== undefined) query.where("application.applicantSubject = :subject", { subject: onlySubject });
  const rows: Array<{ subject: string }> = await query.getRawMany();
  // Exact in code too (the column is exact since migration 1764700000000).
  return rows.map(row => row.subject).filter(subject => onlySubject === undefined || subject === onlySubject);
}
