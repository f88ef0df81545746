import { BadUserInputError, ForbiddenError } from "../errors/gateway-error";
import type { AdminChangeStatus } from "../model/admin-change-status";

/** `extensions.reason` of a refused decision on an admin change. */
export enum AdminChangeRefusal {
  /** FORBIDDEN: the admin who requested a change cannot approve it (maker-checker). */
  SAME_ADMIN = "SAME_ADMIN",
  /** BAD_USER_INPUT: the change was already applied, rejected or has expired. */
  CHANGE_NOT_PENDING = "CHANGE_NOT_PENDING",
  /** BAD_USER_INPUT: what the change was requested against has changed since (e.g. a later narrowing). */
  CHANGE_STALE = "CHANGE_STALE",
}

export function refuseSameAdmin(): ForbiddenError {
  return new ForbiddenError("A change must be approved by another admin than the one who requested it", AdminChangeRefusal.SAME_ADMIN);
}

export function refuseNotPending(status: AdminChangeStatus): BadUserInputError {
  return new BadUserInputError("id", `the change is ${status}`, AdminChangeRefusal.CHANGE_NOT_PENDING);
}

export function refuseStale(): BadUserInputError {
  return new BadUserInputError("id", "the lender changed since this change was requested; request it again", AdminChangeRefusal.CHANGE_STALE);
}
