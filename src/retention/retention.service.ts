import { DataSource, EntityManager } from "typeorm";
import { type ErasureCounts, eraseSubject, subjectsDueForErasure } from "../applications/applicant-erasure";
import { DEFAULT_APPLICATION_OPEN_DAYS } from "../config";
import { expireDueConsents } from "../lifecycle/consent-endings";
import { closeIfStillIdle, idleApplications } from "./idle-applications";

const DAY_MS = 24 * 60 * 60 * 1000;

/** What one retention run did; counts only. */
export interface RetentionReport {
  ranAt: string;
  retentionDays: number;
  applicationOpenDays: number;
  consentsExpired: number;
  applicationsClosed: number;
  applicantsErased: number;
  /** By the closings and the erasures of this run together. */
  consentsTerminated: number;
}

/**
 * The retention job (PIPL 19, 47: keep no longer than the purpose needs). Marks consents past
 * their time EXPIRED, closes every SUBMITTED application without activity for more than
 * `applicationOpenDays` (its retention period starts then, as for any closing), then erases the
 * identity (every row of it, one per application) of every applicant whose applications all
 * closed more than `retentionDays` ago. Each closing and each erasure is its own transaction,
 * so a run that stops half-way leaves whole ones behind and the next run picks up the rest.
 */
export async function runRetention(
  dataSource: DataSource, now: Date, retentionDays: number, applicationOpenDays = DEFAULT_APPLICATION_OPEN_DAYS,
): Promise<RetentionReport> {
  const consentsExpired = await dataSource.transaction(manager => expireDueConsents(manager, now));
  let consentsTerminated = 0;
  let applicationsClosed = 0;
  const idleSince = new Date(now.getTime() - applicationOpenDays * DAY_MS);
  for (const applicationId of await idleApplications(dataSource.manager, idleSince)) {
    const counts = await dataSource.transaction(manager => closeIfStillIdle(manager, applicationId, idleSince, now));
    if (counts === null) continue;
    applicationsClosed += 1;
    consentsTerminated += counts.consentsTerminated;
  }
  const closedBefore = new Date(now.getTime() - retentionDays * DAY_MS);
  const due = await subjectsDueForErasure(dataSource.manager, closedBefore);
  let applicantsErased = 0;
  for (const subject of due) {
    const counts = await dataSource.transaction(manager => eraseIfStillDue(manager, subject, closedBefore, now));
    if (counts === null) continue;
    applicantsErased += 1;
    consentsTerminated += counts.consentsTerminated;
  }
  return { ranAt: now.toISOString(), retentionDays, applicationOpenDays, consentsExpired, applicationsClosed, applicantsErased, consentsTerminated };
}

/**
 * One subject's erasure by retention, in the caller's transaction. The run selected the subject
 * earlier; since then the person may have come back with a new application (or erased itself),
 * so the same rule is asked again, inside this transaction, and nothing is erased (null) unless
 * the subject is still due. Unlike `eraseMyData`, nobody asked for this erasure: it must never
 * withdraw an application the applicant has just made.
 */
export async function eraseIfStillDue(manager: EntityManager, subject: string, closedBefore: Date, now: Date): Promise<ErasureCounts | null> {
  const stillDue = await subjectsDueForErasure(manager, closedBefore, subject);
  if (!stillDue.includes(subject)) return null;
  return eraseSubject(manager, subject, now);
}
