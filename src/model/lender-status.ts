import { registerEnumType } from "type-graphql";

export enum LenderStatus {
  ACTIVE = "ACTIVE",
  SUSPENDED = "SUSPENDED",
}

registerEnumType(LenderStatus, {
  name: "LenderStatus",
  description: "A new lender is ACTIVE; a SUSPENDED lender receives no new leads and resolves no identity.",
});
