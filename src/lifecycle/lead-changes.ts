import { EntityManager, In } from "typeorm";
import { Lead } from "../model/lead.entity";

/** Ids per UPDATE: a suspension or an erasure can touch thousands of leads; each statement stays bounded. */
const BATCH = 500;

/** One lead by its two keys: the lead of `lenderId` on `applicationId`. */
export interface LeadKey {
  applicationId: string;
  lenderId: string;
}

/**
 * Moves `Lead.updatedAt` to `now` for every lead of the applications, in the caller's
 * transaction: what a lender sees of them changed (the application closed, was withdrawn or its
 * applicant erased). A poller (`leads(changedSince:)`) finds them without rescanning.
 */
export async function touchLeadsOfApplications(manager: EntityManager, applicationIds: readonly string[], now: Date): Promise<void> {
  for (let start = 0; start < applicationIds.length; start += BATCH) {
    await manager.getRepository(Lead).update({ applicationId: In(applicationIds.slice(start, start + BATCH)) }, { updatedAt: now });
  }
}

/** As `touchLeadsOfApplications`, for the leads named: a consent of theirs began or ended. */
export async function touchLeads(manager: EntityManager, keys: readonly LeadKey[], now: Date): Promise<void> {
  const byLender = new Map<string, Set<string>>();
  for (const { applicationId, lenderId } of keys) {
    if (!byLender.has(lenderId)) byLender.set(lenderId, new Set());
    byLender.get(lenderId)!.add(applicationId);
  }
  for (const [lenderId, applications] of byLender) {
    const ids = [...applications];
    for (let start = 0; start < ids.length; start += BATCH) {
      await manager.getRepository(Lead).update({ lenderId, applicationId: In(ids.slice(start, start + BATCH)) }, { updatedAt: now });
    }
  }
}
