import type { Consent } from "../model/consent.entity";
import type { PiiCategory } from "../model/pii-category";
import type { Lender } from "../model/lender.entity";
import { DenialReason, decideLenderAccess } from "./consent-policy";

/** What the gate needs to know about the object whose @pii field is being read. */
export interface PiiSubject {
  applicantId: string;
  applicationId: string;
  applicantSubject: string;
}

/** Who reads: a request's principal, or anything shaped like one (the gate passes a lender with its categories decoded once). */
export type FieldReader =
  | { kind: "applicant"; subject: string }
  | { kind: "admin"; subject: string }
  | { kind: "lender"; lender: Pick<Lender, "id" | "status" | "permittedCategories"> };

/** How a permitted value leaves the server. */
export type Disclosure = "plain" | "masked";

export type FieldDecision =
  | { allowed: true; disclosure: Disclosure; consentId: string | null }
  | { allowed: false; reason: DenialReason; consentId: string | null };

/**
 * The whole field rule, one pure function: may `reader` see `category` of the applicant of one
 * application, and how? The applicant sees its own values; an admin sees them masked (staff
 * work with them without learning them); a lender sees them only as the consent rule in
 * consent-policy.ts allows, given the application's consents for that lender.
 */
export function decideFieldAccess(
  reader: FieldReader,
  subject: PiiSubject,
  category: PiiCategory,
  consentsOfApplication: readonly Consent[],
  now: Date,
): FieldDecision {
  switch (reader.kind) {
    case "applicant":
      return reader.subject === subject.applicantSubject
        ? { allowed: true, disclosure: "plain", consentId: null }
        : { allowed: false, reason: DenialReason.NOT_OWNER, consentId: null };
    case "admin":
      return { allowed: true, disclosure: "masked", consentId: null };
    case "lender": {
      const decision = decideLenderAccess(reader.lender, category, consentsOfApplication, now);
      return decision.allowed ? { allowed: true, disclosure: "plain", consentId: decision.consentId } : decision;
    }
    default: {
      const unreachable: never = reader;
      return unreachable;
    }
  }
}
