import type { EntityManager } from "typeorm";
import { ApplicationStatus } from "../model/application-enums";
import { Application } from "../model/application.entity";
import { ConsentEndReason } from "../model/consent-status";
import { endConsents } from "./consent-endings";
import { closeOpenLeads } from "./lead-closing";
import { touchLeadsOfApplications } from "./lead-changes";

/**
 * Every way an application ends. Whatever the way, the same follows: its open leads close and
 * its active consents end, so no lender reads identity on an application that is over (the
 * purpose the applicant consented to has ended with it).
 */
export type ApplicationEnding =
  /** The applicant withdrew it. */
  | { kind: "WITHDRAWN" }
  /** The applicant's identity was erased (by the applicant, or by retention). */
  | { kind: "ERASED" }
  /** Retention closed it after APPLICATION_OPEN_DAYS without activity. */
  | { kind: "IDLE" }
  /** A lender funded it through `leadId`: that lead stays FUNDED, every other one closes. */
  | { kind: "FUNDED"; leadId: string; lenderId: string };

const STATUS_AFTER: Record<ApplicationEnding["kind"], ApplicationStatus> = {
  WITHDRAWN: ApplicationStatus.WITHDRAWN,
  ERASED: ApplicationStatus.WITHDRAWN,
  IDLE: ApplicationStatus.CLOSED,
  FUNDED: ApplicationStatus.CLOSED,
};

/** Why the consents end; for FUNDED, the funder's own (the others end FUNDED_BY_ANOTHER_LENDER). */
const CONSENT_REASON: Record<ApplicationEnding["kind"], ConsentEndReason> = {
  WITHDRAWN: ConsentEndReason.APPLICATION_WITHDRAWN,
  ERASED: ConsentEndReason.APPLICANT_ERASED,
  IDLE: ConsentEndReason.APPLICATION_CLOSED,
  FUNDED: ConsentEndReason.APPLICATION_CLOSED,
};

/** Why the open leads close, as `lead.closed` tells their lenders; for FUNDED, every lead but the funded one. */
const LEAD_REASON: Record<ApplicationEnding["kind"], ConsentEndReason> = {
  WITHDRAWN: ConsentEndReason.APPLICATION_WITHDRAWN,
  ERASED: ConsentEndReason.APPLICANT_ERASED,
  IDLE: ConsentEndReason.APPLICATION_CLOSED,
  FUNDED: ConsentEndReason.FUNDED_BY_ANOTHER_LENDER,
};

/** What one ending did; counts only. */
export interface ClosingCounts {
  leadsClosed: number;
  consentsEnded: number;
}

/**
 * Ends a SUBMITTED application in the caller's transaction: its status (with `closedAt`, from
 * which retention counts), then its leads, then its consents, the order in which every writer of
 * an application takes its locks. The move is conditional on SUBMITTED: when another ending (a
 * funding, a withdrawal, idle closing) committed first, nothing is written and the answer is null.
 */
export async function closeApplication(
  manager: EntityManager, applicationId: string, ending: ApplicationEnding, now: Date,
): Promise<ClosingCounts | null> {
  const moved = await manager.getRepository(Application).update(
    { id: applicationId, status: ApplicationStatus.SUBMITTED },
    { status: STATUS_AFTER[ending.kind], closedAt: now },
  );
  if (moved.affected !== 1) return null;
  return endDependents(manager, [applicationId], ending, now, { applicationMoved: true });
}

/**
 * Closes the open leads and ends the active consents of applications that are over. `closeApplication`
 * calls it (`applicationMoved`: the application's status changed now); erasure calls it too for
 * applications that had already closed, so nothing is left open.
 *
 * Leads' `updatedAt` moves only where a lender sees something change: the application's status,
 * a lead closed, a consent ended. An application already over whose dependents were all ended
 * keeps its leads' times: stamping them with an erasure's instant would give a person's old,
 * identified application and its new, anonymized one the same millisecond in every lender's
 * poll, linking them (an identity given on one application must not link the person to another).
 */
export async function endDependents(
  manager: EntityManager, applicationIds: string[], ending: ApplicationEnding, now: Date, options: { applicationMoved: boolean },
): Promise<ClosingCounts> {
  if (ending.kind === "FUNDED") {
    const leadsClosed = await closeOpenLeads(manager, applicationIds, now, LEAD_REASON.FUNDED, ending.leadId);
    const others = await endConsents(manager, { applicationIds, exceptLenderId: ending.lenderId }, ConsentEndReason.FUNDED_BY_ANOTHER_LENDER, now);
    const funder = await endConsents(manager, { applicationIds, lenderId: ending.lenderId }, CONSENT_REASON.FUNDED, now);
    if (options.applicationMoved || leadsClosed + others + funder > 0) await touchLeadsOfApplications(manager, applicationIds, now);
    return { leadsClosed, consentsEnded: others + funder };
  }
  const leadsClosed = await closeOpenLeads(manager, applicationIds, now, LEAD_REASON[ending.kind]);
  const consentsEnded = await endConsents(manager, { applicationIds }, CONSENT_REASON[ending.kind], now);
  // The leads that were already over (DECLINED, FUNDED) show the application's new status too.
  if (options.applicationMoved || leadsClosed + consentsEnded > 0) await touchLeadsOfApplications(manager, applicationIds, now);
  return { leadsClosed, consentsEnded };
}
