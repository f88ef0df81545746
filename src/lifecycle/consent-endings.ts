import { EntityManager, FindOptionsWhere, In, LessThanOrEqual, MoreThan, Not } from "typeorm";
import { forUpdate } from "../database/row-locks";
import { CONSENT_ENDINGS, ConsentEndReason, ConsentEndedBy, ConsentStatus } from "../model/consent-status";
import { Consent } from "../model/consent.entity";
import { Lead } from "../model/lead.entity";
import { LenderEventType } from "../model/webhook-vocabulary";
import { recordLenderEvents } from "../webhooks/outbox";
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
 * Each consent it ends is reported to its lender (`consent.ended`) in the same transaction: the
 * rows are read locked (MySQL) and ended by id, so the events name exactly the consents ended.
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
    // Locked (MySQL) after the leads, in the same order, and ended by id: the events name exactly
    // the consents this ending ended, not one a concurrent ending took first.
    const still = await manager.getRepository(Consent).find({
      where: { id: In(ids), storedStatus: ConsentStatus.ACTIVE, expiresAt: MoreThan(now) },
      select: { id: true, applicationId: true, lenderId: true },
      ...forUpdate(manager),
    });
    if (still.length === 0) continue;
    const result = await manager.getRepository(Consent).update({ id: In(still.map(consent => consent.id)), storedStatus: ConsentStatus.ACTIVE }, {
      storedStatus: ending.status, endedByStored: ending.endedBy, endReasonStored: reason, endedAtStored: now,
    });
    ended += result.affected ?? 0;
    await reportEndings(manager, still, ending.status, reason, now);
  }
  return ended;
}

/** Ids per UPDATE, so a lender's thousands of consents end in bounded statements. */
const UPDATE_BATCH = 500;

/** `consent.ended` to each consent's lender, naming its lead (one per application and lender). */
async function reportEndings(
  manager: EntityManager, consents: readonly Pick<Consent, "id" | "applicationId" | "lenderId">[], status: ConsentStatus, reason: ConsentEndReason, now: Date,
): Promise<void> {
  if (consents.length === 0) return;
  const leads = await manager.getRepository(Lead).find({
    where: { applicationId: In([...new Set(consents.map(consent => consent.applicationId))]) },
    select: { id: true, applicationId: true, lenderId: true },
  });
  const leadOf = new Map(leads.map(lead => [`${lead.applicationId}/${lead.lenderId}`, lead.id]));
  await recordLenderEvents(manager, LenderEventType.CONSENT_ENDED, consents.map(consent => ({
    lenderId: consent.lenderId,
    data: { consentId: consent.id, leadId: leadOf.get(`${consent.applicationId}/${consent.lenderId}`) ?? null, applicationId: consent.applicationId, status, reason },
  })), now);
}

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
    select: { id: true, expiresAt: true, applicationId: true, lenderId: true },
  });
  const expired: Consent[] = [];
  for (const consent of due) {
    const result = await manager.getRepository(Consent).update(
      { id: consent.id, storedStatus: ConsentStatus.ACTIVE },
      { storedStatus: ConsentStatus.EXPIRED, endedByStored: ConsentEndedBy.SYSTEM, endReasonStored: ConsentEndReason.TTL_ELAPSED, endedAtStored: consent.expiresAt },
    );
    if (result.affected === 1) expired.push(consent);
  }
  await reportEndings(manager, expired, ConsentStatus.EXPIRED, ConsentEndReason.TTL_ELAPSED, now);
  return expired.length;
}
