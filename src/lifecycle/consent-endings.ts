import { EntityManager, FindOptionsWhere, In, LessThanOrEqual, MoreThan, Not } from "typeorm";
import { CONSENT_ENDINGS, ConsentEndReason, ConsentEndedBy, ConsentStatus } from "../model/consent-status";
import { Consent } from "../model/consent.entity";
import { touchLeads } from "./lead-changes";

// The states and the transition table are in src/model/consent-status.ts; these write the endings.

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
 * A consent already past its expiry ended then, whether or not the retention job has recorded
 * it yet: it is recorded EXPIRED at its expiry (as `expireDueConsents` does), never rewritten as
 * ending now, so the record agrees with the access log's CONSENT_EXPIRED rows before it.
 * Returns how many consents this ending ended (the expired ones are not counted).
 */
export async function endConsents(manager: EntityManager, selection: ConsentSelection, reason: ConsentEndReason, now: Date): Promise<number> {
  if (selection.ids?.length === 0 || selection.applicationIds?.length === 0) return 0;
  const where: FindOptionsWhere<Consent> = {};
  if (selection.ids) where.id = In(selection.ids);
  if (selection.applicationIds) where.applicationId = In(selection.applicationIds);
  if (selection.lenderId) where.lenderId = selection.lenderId;
  if (selection.exceptLenderId) where.lenderId = Not(selection.exceptLenderId);
  await expireDue(manager, where, now);
  const ending = CONSENT_ENDINGS[reason];
  // Read first, to know whose leads changed: each lead's lender sees its consent end (Lead.updatedAt).
  // The leads are written before the consents: the order every writer takes its locks in (the
  // application, its leads, then its consents), so an ending never deadlocks with an outcome report.
  const endingConsents = await manager.getRepository(Consent).find({
    where: { ...where, storedStatus: ConsentStatus.ACTIVE, expiresAt: MoreThan(now) },
    select: { id: true, applicationId: true, lenderId: true },
  });
  if (endingConsents.length === 0) return 0;
  await touchLeads(manager, endingConsents, now);
  let ended = 0;
  for (let start = 0; start < endingConsents.length; start += UPDATE_BATCH) {
    const ids = endingConsents.slice(start, start + UPDATE_BATCH).map(consent => consent.id);
    const result = await manager.getRepository(Consent).update({ id: In(ids), storedStatus: ConsentStatus.ACTIVE, expiresAt: MoreThan(now) }, {
      storedStatus: ending.status, endedByStored: ending.endedBy, endReasonStored: reason, endedAtStored: now,
    });
    ended += result.affected ?? 0;
  }
  return ended;
}

/** Ids per UPDATE, so a lender's thousands of consents end in bounded statements. */
const UPDATE_BATCH = 500;

/**
 * Stores EXPIRED on consents whose time ran out (the access rule already treats them as
 * expired; this makes the record say so, with the expiry time as the ending time).
 * Returns how many this call recorded (a concurrent run's are not counted twice).
 */
export async function expireDueConsents(manager: EntityManager, now: Date): Promise<number> {
  return expireDue(manager, {}, now);
}

/** The one expiry rule, for every consent or for those an ending selected. */
async function expireDue(manager: EntityManager, where: FindOptionsWhere<Consent>, now: Date): Promise<number> {
  const due = await manager.getRepository(Consent).find({
    where: { ...where, storedStatus: ConsentStatus.ACTIVE, expiresAt: LessThanOrEqual(now) },
    select: { id: true, expiresAt: true },
  });
  let expired = 0;
  for (const consent of due) {
    const result = await manager.getRepository(Consent).update(
      { id: consent.id, storedStatus: ConsentStatus.ACTIVE },
      { storedStatus: ConsentStatus.EXPIRED, endedByStored: ConsentEndedBy.SYSTEM, endReasonStored: ConsentEndReason.TTL_ELAPSED, endedAtStored: consent.expiresAt },
    );
    expired += result.affected ?? 0;
  }
  return expired;
}
