import { EntityManager } from "typeorm";
import { ApplicationStatus } from "../model/application-enums";
import { Application } from "../model/application.entity";
import { Consent } from "../model/consent.entity";
import { forUpdate } from "../database/row-locks";
import { closeApplication } from "../lifecycle/application-closing";
import { Lead } from "../model/lead.entity";
import { LeadStatus } from "../model/lead-status";

/** What closing one idle application did; counts only. */
export interface ClosingCounts {
  leadsClosed: number;
  consentsTerminated: number;
}

/**
 * Leads whose changes count as activity: those the applicant chose, by their status's last move
 * (`statusChangedAt`; updatedAt also moves with a suspension ending a consent, which is no
 * activity of the applicant's or on the loan).
 */
const CHOSEN_LEAD_STATES = [LeadStatus.CHOSEN, LeadStatus.APPROVED];

/**
 * SUBMITTED applications with no activity since `idleSince`: created before it, no lead the
 * applicant chose changed and no consent on them granted since. A lead the applicant never chose
 * does not count: a lender revising its offer on it must not keep the application, and with it
 * the applicant's identity, open for good. Nobody else closes an application no
 * lender funds and its applicant forgets, and retention counts only from a closing, so without
 * this such an applicant's identity would be kept forever (PIPL 19, 47). Selected in SQL, ids
 * only; `onlyId` narrows the same rule to one application, for the re-check before closing.
 */
export async function idleApplications(manager: EntityManager, idleSince: Date, onlyId?: string): Promise<string[]> {
  const query = manager.getRepository(Application).createQueryBuilder("application")
    .select("application.id", "id")
    .where("application.status = :submitted", { submitted: ApplicationStatus.SUBMITTED })
    .andWhere("application.createdAt < :idleSince", { idleSince })
    .andWhere(outer => "NOT EXISTS " + outer.subQuery().select("1").from(Lead, "lead")
      .where("lead.applicationId = application.id").andWhere("lead.statusChangedAt >= :idleSince")
      .andWhere("lead.status IN (:...chosenLeadStates)").getQuery())
    .andWhere(outer => "NOT EXISTS " + outer.subQuery().select("1").from(Consent, "consent")
      .where("consent.applicationId = application.id").andWhere("consent.grantedAt >= :idleSince").getQuery())
    .setParameter("chosenLeadStates", CHOSEN_LEAD_STATES)
    .orderBy("application.id", "ASC");
  if (onlyId !== undefined) query.andWhere("application.id = :onlyId", { onlyId });
  const rows: Array<{ id: string }> = await query.getRawMany();
  return rows.map(row => row.id);
}

/**
 * Closes one idle application in the caller's transaction, as any closing does: CLOSED with
 * `closedAt` = now (the retention period counts from here), open leads CLOSED, active consents
 * TERMINATED with APPLICATION_CLOSED. The run selected it earlier; the rule is asked again here
 * and the move is conditional on SUBMITTED, so a withdrawal, a funding or a new choice of lender
 * that came in meanwhile wins and nothing is closed (null).
 */
export async function closeIfStillIdle(manager: EntityManager, applicationId: string, idleSince: Date, now: Date): Promise<ClosingCounts | null> {
  // The row lock chooseLender takes (MySQL; on SQLite one transaction at a time holds the
  // connection, src/common/sqlite-transactions.ts): a choice in flight either commits first and
  // is seen by the re-check, or waits and then finds it CLOSED.
  const current = await manager.getRepository(Application).findOne({ where: { id: applicationId }, select: { id: true, status: true }, ...forUpdate(manager) });
  if (current?.status !== ApplicationStatus.SUBMITTED) return null;
  const stillIdle = await idleApplications(manager, idleSince, applicationId);
  if (!stillIdle.includes(applicationId)) return null;
  const closed = await closeApplication(manager, applicationId, { kind: "IDLE" }, now);
  return closed && { leadsClosed: closed.leadsClosed, consentsTerminated: closed.consentsEnded };
}
