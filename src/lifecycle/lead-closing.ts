import { EntityManager, In, Not } from "typeorm";
import { Lead } from "../model/lead.entity";
import { LeadStatus } from "../model/lead-status";

/** A lead no longer open: its lender decided (or passed on it), or its application closed. */
const ENDED_LEAD_STATES = [LeadStatus.DECLINED, LeadStatus.FUNDED, LeadStatus.CLOSED];

/**
 * Closes every still-open lead of the applications (withdrawn, erased, funded by a lender, or
 * closed for inactivity), except `exceptLeadId` (the funded one). Returns how many closed.
 */
export async function closeOpenLeads(manager: EntityManager, applicationIds: string[], now: Date, exceptLeadId?: string): Promise<number> {
  if (applicationIds.length === 0) return 0;
  const closed = await manager.getRepository(Lead).update(
    {
      applicationId: In(applicationIds),
      status: Not(In(ENDED_LEAD_STATES)),
      ...(exceptLeadId === undefined ? {} : { id: Not(exceptLeadId) }),
    },
    { status: LeadStatus.CLOSED, updatedAt: now, statusChangedAt: now },
  );
  return closed.affected ?? 0;
}

/** Closes every still-open lead of an offboarded lender. Returns how many closed. */
export async function closeOpenLeadsOfLender(manager: EntityManager, lenderId: string, now: Date): Promise<number> {
  const closed = await manager.getRepository(Lead).update(
    { lenderId, status: Not(In(ENDED_LEAD_STATES)) },
    { status: LeadStatus.CLOSED, updatedAt: now, statusChangedAt: now },
  );
  return closed.affected ?? 0;
}
