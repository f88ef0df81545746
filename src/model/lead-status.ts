import { registerEnumType } from "type-graphql";

export enum LeadStatus {
  NEW = "NEW",
  OFFERED = "OFFERED",
  CHOSEN = "CHOSEN",
  APPROVED = "APPROVED",
  DECLINED = "DECLINED",
  FUNDED = "FUNDED",
  CLOSED = "CLOSED",
}

export enum LeadOutcome {
  APPROVED = "APPROVED",
  DECLINED = "DECLINED",
  FUNDED = "FUNDED",
}

registerEnumType(LeadStatus, { name: "LeadStatus" });
registerEnumType(LeadOutcome, { name: "LeadOutcome" });

/**
 * The allowed moves of a lead; anything not listed is refused. NEW -> DECLINED is the lender
 * passing on a lead it was never chosen for (declineLead): no consent exists to end. A lender
 * that made an offer (OFFERED) or was chosen (CHOSEN) declines through reportOutcome instead.
 */
const TRANSITIONS: Record<LeadStatus, readonly LeadStatus[]> = {
  [LeadStatus.NEW]: [LeadStatus.OFFERED, LeadStatus.CHOSEN, LeadStatus.DECLINED, LeadStatus.CLOSED],
  [LeadStatus.OFFERED]: [LeadStatus.OFFERED, LeadStatus.CHOSEN, LeadStatus.CLOSED],
  [LeadStatus.CHOSEN]: [LeadStatus.APPROVED, LeadStatus.DECLINED, LeadStatus.FUNDED, LeadStatus.CLOSED],
  [LeadStatus.APPROVED]: [LeadStatus.FUNDED, LeadStatus.DECLINED, LeadStatus.CLOSED],
  [LeadStatus.DECLINED]: [],
  [LeadStatus.FUNDED]: [],
  [LeadStatus.CLOSED]: [],
};

export function canMoveLead(from: LeadStatus, to: LeadStatus): boolean {
  return TRANSITIONS[from].includes(to);
}
