import { EntityManager, FindOptionsWhere, In, LessThanOrEqual, Not } from "typeorm";
import { CONSENT_ENDINGS, ConsentEndReason, ConsentEndedBy, ConsentStatus } from "./consent-status";
import { Consent } from "./consent.entity";

// The states and the transition table are in consent-status.ts; these write the endings.

/** Which consents an ending applies to; only those still ACTIVE in storage are touched. */
export interface ConsentSelection {
  ids?: string[];
  applicationIds?: string[];
  lenderId?: string;
  exceptLenderId?: string;
}

/**
 * Ends every stored-ACTIVE consent the selection names, in the caller's transaction. The
 * `status = ACTIVE` condition makes a concurrent second ending a no-op, never a rewrite.
 * Returns how many consents ended.
 */
export async function endConsents(manager: EntityManager, selection: ConsentSelection, reason: ConsentEndReason, now: Date): Promise<number> {
  const ending = CONSENT_ENDINGS[reason];
  const where: FindOptionsWhere<Consent> = { storedStatus: ConsentStatus.ACTIVE };
  if (selection.ids) where.id = In(selection.ids);
  if (selection.applicationIds) where.applicationId = In(selection.applicationIds);
  if (selection.lenderId) where.lenderId = selection.lenderId;
  if (selection.exceptLenderId) where.lenderId = Not(selection.exceptLenderId);
  if (selection.ids?.length === 0 || selection.applicationIds?.length === 0) return 0;
  const result = await manager.getRepository(Consent).update(where, {
    storedStatus: ending.status, endedByStored: ending.endedBy, endReasonStored: reason, endedAtStored: now,
  });
  return result.affected ?? 0;
}

/**
 * Stores EXPIRED on consents whose time ran out (the access rule already treats them as
 * expired; this makes the record say so, with the expiry time as the ending time).
 */
export async function expireDueConsents(manager: EntityManager, now: Date): Promise<number> {
  const due = await manager.getRepository(Consent).find({
    where: { storedStatus: ConsentStatus.ACTIVE, expiresAt: LessThanOrEqual(now) },
    select: { id: true, expiresAt: true },
  });
  for (const consent of due) {
    await manager.getRepository(Consent).update(
      { id: consent.id, storedStatus: ConsentStatus.ACTIVE },
      { storedStatus: ConsentStatus.EXPIRED, endedByStored: ConsentEndedBy.SYSTEM, endReasonStored: ConsentEndReason.TTL_ELAPSED, endedAtStored: consent.expiresAt },
    );
  }
  return due.length;
}
