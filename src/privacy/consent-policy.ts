import { type Consent, effectiveConsentStatus } from "../model/consent.entity";
import { ConsentStatus } from "../model/consent-status";
import { LenderStatus } from "../model/lender-status";
import type { Lender } from "../model/lender.entity";
import type { PiiCategory } from "../model/pii-category";

/** Why a lender read was refused; the public `extensions.reason` of a FORBIDDEN field. */
export enum DenialReason {
  NO_CONSENT = "NO_CONSENT",
  CONSENT_WITHDRAWN = "CONSENT_WITHDRAWN",
  CONSENT_EXPIRED = "CONSENT_EXPIRED",
  CONSENT_TERMINATED = "CONSENT_TERMINATED",
  CATEGORY_NOT_CONSENTED = "CATEGORY_NOT_CONSENTED",
  PARTNER_NOT_PERMITTED = "PARTNER_NOT_PERMITTED",
  LENDER_SUSPENDED = "LENDER_SUSPENDED",
  NOT_OWNER = "NOT_OWNER",
}

export type AccessDecision =
  | { allowed: true; consentId: string }
  | { allowed: false; reason: DenialReason; consentId: string | null };

const ENDED_REASON: Record<Exclude<ConsentStatus, ConsentStatus.ACTIVE>, DenialReason> = {
  [ConsentStatus.WITHDRAWN]: DenialReason.CONSENT_WITHDRAWN,
  [ConsentStatus.EXPIRED]: DenialReason.CONSENT_EXPIRED,
  [ConsentStatus.TERMINATED]: DenialReason.CONSENT_TERMINATED,
};

/**
 * The access rule for a lender, in one pure function: may `lender` read `category` of the
 * applicant of one application, given every consent that application has for that lender?
 * Order matters only for which reason is reported; every check must pass to allow.
 */
export function decideLenderAccess(
  lender: Pick<Lender, "id" | "status" | "permittedCategories">,
  category: PiiCategory,
  consentsForApplicationAndLender: readonly Consent[],
  now: Date,
): AccessDecision {
  if (lender.status !== LenderStatus.ACTIVE) {
    return { allowed: false, reason: DenialReason.LENDER_SUSPENDED, consentId: null };
  }
  if (!lender.permittedCategories.includes(category)) {
    return { allowed: false, reason: DenialReason.PARTNER_NOT_PERMITTED, consentId: null };
  }
  const standing = consentStanding(lender.id, consentsForApplicationAndLender, now);
  if (!standing.active) return { allowed: false, reason: standing.reason, consentId: standing.consentId };
  const active = standing.active;
  return active.categories.includes(category)
    ? { allowed: true, consentId: active.id }
    : { allowed: false, reason: DenialReason.CATEGORY_NOT_CONSENTED, consentId: active.id };
}

export type ConsentStanding =
  | { active: Consent }
  | { active: null; reason: DenialReason; consentId: string | null };

/**
 * The lender's active consent among one application's consents or, when there is none, why
 * not: how the latest one ended, or NO_CONSENT. Shared by the access rule and by the lead
 * outcomes that need a consenting lender.
 */
export function consentStanding(lenderId: string, consents: readonly Consent[], now: Date): ConsentStanding {
  const own = consents.filter(consent => consent.lenderId === lenderId);
  const active = own.find(consent => effectiveConsentStatus(consent, now) === ConsentStatus.ACTIVE);
  if (active) return { active };
  const latest = [...own].sort((a, b) => b.grantedAt.getTime() - a.grantedAt.getTime())[0];
  if (!latest) return { active: null, reason: DenialReason.NO_CONSENT, consentId: null };
  const status = effectiveConsentStatus(latest, now) as Exclude<ConsentStatus, ConsentStatus.ACTIVE>;
  return { active: null, reason: ENDED_REASON[status], consentId: latest.id };
}
