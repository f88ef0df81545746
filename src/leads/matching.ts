import { LenderStatus } from "../model/lender-status";
import type { Lender } from "../model/lender.entity";
import { regionCovers } from "../regions/region-lookup";

export interface MatchableApplication {
  amount: number;
  termMonths: number;
  /** The city's GB/T 2260 code, as stored. */
  regionCode: string;
}

/**
 * Whether an application becomes a lead for a lender: ACTIVE, and every criterion fit. Regions
 * compare by code: a lender serving a province takes every city in it; an application in the
 * unknown region goes only to lenders that serve every city.
 */
export function lenderMatches(lender: Lender, application: MatchableApplication): boolean {
  if (lender.status !== LenderStatus.ACTIVE) return false;
  if (application.amount < lender.minAmount || application.amount > lender.maxAmount) return false;
  if (application.termMonths < lender.minTermMonths || application.termMonths > lender.maxTermMonths) return false;
  if (lender.servedRegionCodes === null) return true;
  return lender.servedRegionCodes.some(served => regionCovers(served, application.regionCode));
}
