import { registerEnumType } from "type-graphql";

export enum ConsentStatus {
  ACTIVE = "ACTIVE",
  WITHDRAWN = "WITHDRAWN",
  EXPIRED = "EXPIRED",
  TERMINATED = "TERMINATED",
}

registerEnumType(ConsentStatus, {
  name: "ConsentStatus",
  description:
    "ACTIVE until the applicant withdraws it (WITHDRAWN), its time runs out (EXPIRED), " +
    "or the system ends it, e.g. the application was withdrawn (TERMINATED).",
});

/** The purpose recorded on every lender consent, as fideslang names it. */
export const CONSENT_PURPOSE = "third_party_sharing";

/**
 * The consent lifecycle in one place. A consent is ACTIVE from the applicant's choice until
 * exactly one ending, which is final (a new choice makes a new consent):
 *
 *   ACTIVE -> WITHDRAWN   by the applicant (GDPR 7(3), PIPL 15: as easy as granting)
 *   ACTIVE -> EXPIRED     by the system, CONSENT_TTL_DAYS after it was granted
 *   ACTIVE -> TERMINATED  by the system: application withdrawn, funded by another lender or
 *                         funded by this one (the application closed: the purpose, to assess and
 *                         offer the loan, is met), the lender declined the lead (the purpose
 *                         is over for that lender), the application closed by retention after
 *                         APPLICATION_OPEN_DAYS without activity, lender suspended or offboarded,
 *                         applicant erased
 *
 * Every ending records who ended it, why and when. A suspension ends the lender's consents for
 * good: reactivating the lender does not revive them, the applicant has to choose it again.
 */
export enum ConsentEndedBy {
  APPLICANT = "APPLICANT",
  SYSTEM = "SYSTEM",
}

export enum ConsentEndReason {
  APPLICANT_WITHDREW = "APPLICANT_WITHDREW",
  TTL_ELAPSED = "TTL_ELAPSED",
  APPLICATION_WITHDRAWN = "APPLICATION_WITHDRAWN",
  FUNDED_BY_ANOTHER_LENDER = "FUNDED_BY_ANOTHER_LENDER",
  APPLICATION_CLOSED = "APPLICATION_CLOSED",
  LENDER_DECLINED = "LENDER_DECLINED",
  LENDER_SUSPENDED = "LENDER_SUSPENDED",
  LENDER_OFFBOARDED = "LENDER_OFFBOARDED",
  APPLICANT_ERASED = "APPLICANT_ERASED",
}

registerEnumType(ConsentEndedBy, { name: "ConsentEndedBy", description: "Who ended a consent." });
registerEnumType(ConsentEndReason, { name: "ConsentEndReason", description: "Why a consent ended." });

type Ending = { status: Exclude<ConsentStatus, ConsentStatus.ACTIVE>; endedBy: ConsentEndedBy };

/** Each reason maps to exactly one final state and one actor: the whole transition table. */
export const CONSENT_ENDINGS: Record<ConsentEndReason, Ending> = {
  [ConsentEndReason.APPLICANT_WITHDREW]: { status: ConsentStatus.WITHDRAWN, endedBy: ConsentEndedBy.APPLICANT },
  [ConsentEndReason.TTL_ELAPSED]: { status: ConsentStatus.EXPIRED, endedBy: ConsentEndedBy.SYSTEM },
  [ConsentEndReason.APPLICATION_WITHDRAWN]: { status: ConsentStatus.TERMINATED, endedBy: ConsentEndedBy.SYSTEM },
  [ConsentEndReason.FUNDED_BY_ANOTHER_LENDER]: { status: ConsentStatus.TERMINATED, endedBy: ConsentEndedBy.SYSTEM },
  [ConsentEndReason.APPLICATION_CLOSED]: { status: ConsentStatus.TERMINATED, endedBy: ConsentEndedBy.SYSTEM },
  [ConsentEndReason.LENDER_DECLINED]: { status: ConsentStatus.TERMINATED, endedBy: ConsentEndedBy.SYSTEM },
  [ConsentEndReason.LENDER_SUSPENDED]: { status: ConsentStatus.TERMINATED, endedBy: ConsentEndedBy.SYSTEM },
  [ConsentEndReason.LENDER_OFFBOARDED]: { status: ConsentStatus.TERMINATED, endedBy: ConsentEndedBy.SYSTEM },
  [ConsentEndReason.APPLICANT_ERASED]: { status: ConsentStatus.TERMINATED, endedBy: ConsentEndedBy.SYSTEM },
};

export function canMoveConsent(from: ConsentStatus, to: ConsentStatus): boolean {
  return from === ConsentStatus.ACTIVE && to !== ConsentStatus.ACTIVE;
}
