import { EntityManager, In, Not } from "typeorm";
import { forUpdate } from "../database/row-locks";
import type { ConsentEndReason } from "../model/consent-status";
import { Lead } from "../model/lead.entity";
import { LeadStatus } from "../model/lead-status";
import { LenderEventType } from "../model/webhook-vocabulary";
import { recordLenderEvents } from "../webhooks/outbox";

/** A lead no longer open: its lender decided (or passed on it), or its application closed. */
const ENDED_LEAD_STATES = [LeadStatus.DECLINED, LeadStatus.FUNDED, LeadStatus.CLOSED];

/**
 * Closes every still-open lead of the applications (withdrawn, erased, funded by a lender, or
 * closed for inactivity), except `exceptLeadId` (the funded one), and tells each lead's lender
 * (`lead.closed`, with `reason`, why the application ended) in the same transaction. The leads
 * are read locked (MySQL) and closed by id, so the events name exactly the leads closed.
 * Returns how many closed.
 */
export async function closeOpenLeads(manager: EntityManager, applicationIds: string[], now: Date, reason: ConsentEndReason, exceptLeadId?: string): Promise<number> {
  if (applicationIds.length === 0) return 0;
  const open = await manager.getRepository(Lead).find({
    where: {
      applicationId: In(applicationIds),
      status: Not(In(ENDED_LEAD_STATES)),
      ...(exceptLeadId === undefined ? {} : { id: Not(exceptLeadId) }),
    },
    select: { id: true, applicationId: true, lenderId: true },
    ...forUpdate(manager),
  });
  if (open.length === 0) return 0;
  const closed = await manager.getRepository(Lead).update(
    { id: In(open.map(lead => lead.id)), status: Not(In(ENDED_LEAD_STATES)) },
    { status: LeadStatus.CLOSED, updatedAt: now, statusChangedAt: now },
  );
  await recordLenderEvents(manager, LenderEventType.LEAD_CLOSED, open.map(lead => ({
    lenderId: lead.lenderId, data: { leadId: lead.id, applicationId: lead.applicationId, status: LeadStatus.CLOSED, reason },
  })), now);
  return closed.affected ?? 0;
}

/**
 * Closes every still-open lead of an offboarded lender. Returns how many closed. No event: its
 * webhook endpoints are disabled with it, before this runs.
 */
export async function closeOpenLeadsOfLender(manager: EntityManager, lenderId: string, now: Date): Promise<number> {
  const closed = await manager.getRepository(Lead).update(
    { lenderId, status: Not(In(ENDED_LEAD_STATES)) },
    { status: LeadStatus.CLOSED, updatedAt: now, statusChangedAt: now },
  );
  return closed.affected ?? 0;
}
