import { DataSource } from "typeorm";
import { ApplicantRecord } from "../applications/applicant.entity";
import { applicantsDueForErasure, eraseApplicant } from "../applications/applicant-erasure";
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
 * their time EXPIRED, then erases the identity of every applicant whose applications all closed
 * more than `retentionDays` ago. Each applicant is erased in its own transaction, so a run that
 * stops half-way leaves whole erasures behind and the next run picks up the rest.
 */
export async function runRetention(dataSource: DataSource, now: Date, retentionDays: number): Promise<RetentionReport> {
  const consentsExpired = await dataSource.transaction(manager => expireDueConsents(manager, now));
  const due = await applicantsDueForErasure(dataSource.manager, new Date(now.getTime() - retentionDays * DAY_MS));
  let consentsTerminated = 0;
  for (const applicantId of due) {
    consentsTerminated += await dataSource.transaction(async manager => {
      const applicant = await manager.getRepository(ApplicantRecord).findOneByOrFail({ id: applicantId });
      return (await eraseApplicant(manager, applicant, now)).consentsTerminated;
    });
  }
  return { ranAt: now.toISOString(), retentionDays, consentsExpired, applicantsErased: due.length, consentsTerminated };
}
