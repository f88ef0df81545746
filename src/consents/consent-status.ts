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

/** Bumped whenever the wording or content of the consent notice changes. */
export const CONSENT_NOTICE_VERSION = "2026-11-28.1";
