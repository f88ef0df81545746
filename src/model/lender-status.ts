import { registerEnumType } from "type-graphql";

export enum LenderStatus {
  ACTIVE = "ACTIVE",
  SUSPENDED = "SUSPENDED",
  /** Final: offboarded by an admin. Its consents ended, its leads closed, every credential refused; never reactivated. */
  OFFBOARDED = "OFFBOARDED",
}

registerEnumType(LenderStatus, {
  name: "LenderStatus",
  description: "A new lender is ACTIVE; a SUSPENDED lender receives no new leads and resolves no identity; an OFFBOARDED " +
    "lender is gone for good (its consents ended, its leads closed, its credentials refused) and cannot be reactivated.",
});
