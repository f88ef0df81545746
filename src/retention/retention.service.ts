import { DataSource } from "typeorm";
import { eraseSubject, subjectsDueForErasure } from "../applications/applicant-erasure";
import { expireDueConsents } from "../consents/consent-lifecycle";

const DAY_MS = 24 * 60 * 60 * 1000;

/** What one retention run did; counts only. */
export interface RetentionReport {
  ranAt: string;
  retentionDays: number;
  consentsExpired: number;
  applicantsErased: number;
  consentsTerminated: number;
}

/**
 * The retention job (PIPL 19, 47: keep no longer than the purpose needs). Marks consents past
 * their time EXPIRED, then erases the identity (every row of it, one per application) of every
 * applicant whose applications all closed more than `retentionDays` ago. Each applicant is
 * erased in its own transaction, so a run that stops half-way leaves whole erasures behind and
 * the next run picks up the rest.
 */
export async function runRetention(dataSource: DataSource, now: Date, retentionDays: number): Promise<RetentionReport> {
  const consentsExpired = await dataSource.transaction(manager => expireDueConsents(manager, now));
  const due = await subjectsDueForErasure(dataSource.manager, new Date(now.getTime() - retentionDays * DAY_MS));
  let consentsTerminated = 0;
  for (const subject of due) {
    consentsTerminated += await dataSource.transaction(async manager => (await eraseSubject(manager, subject, now)).consentsTerminated);
  }
  return { ranAt: now.toISOString(), retentionDays, consentsExpired, applicantsErased: due.length, consentsTerminated };
}
