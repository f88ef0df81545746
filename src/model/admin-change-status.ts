import { registerEnumType } from "type-graphql";

/** The changes that widen what a lender may receive: each needs a second admin. */
export enum AdminChangeKind {
  PERMIT_CATEGORIES = "PERMIT_CATEGORIES",
  REGISTER_LENDER_KEY = "REGISTER_LENDER_KEY",
  REACTIVATE_LENDER = "REACTIVATE_LENDER",
  RAISE_READ_BUDGET = "RAISE_READ_BUDGET",
}

/**
 * PENDING from the first admin's request until exactly one of:
 *
 *   PENDING -> APPLIED   a different admin approved it, and the state it changes was still as requested
 *   PENDING -> REJECTED  an admin (the requester included) rejected it
 *   PENDING -> EXPIRED   ADMIN_CHANGE_TTL_HOURS passed without a decision
 *
 * Every ending is final; a new request makes a new change.
 */
export enum AdminChangeStatus {
  PENDING = "PENDING",
  APPLIED = "APPLIED",
  REJECTED = "REJECTED",
  EXPIRED = "EXPIRED",
}

registerEnumType(AdminChangeKind, {
  name: "AdminChangeKind",
  description: "A change that widens what a lender may receive; it applies only when a second admin approves it.",
});
registerEnumType(AdminChangeStatus, {
  name: "AdminChangeStatus",
  description: "PENDING until a different admin approves it (APPLIED), an admin rejects it (REJECTED), or ADMIN_CHANGE_TTL_HOURS pass (EXPIRED).",
});
