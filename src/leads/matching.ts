import { LenderStatus } from "../model/lender-status";
import type { Lender } from "../model/lender.entity";

export interface MatchableApplication {
  amount: number;
  termMonths: number;
  city: string;
}

/** Whether an application becomes a lead for a lender: ACTIVE, and every criterion fits. */
export function lenderMatches(lender: Lender, application: MatchableApplication): boolean {
  if (lender.status !== LenderStatus.ACTIVE) return false;
  if (application.amount < lender.minAmount || application.amount > lender.maxAmount) return false;
  if (application.termMonths < lender.minTermMonths || application.termMonths > lender.maxTermMonths) return false;
  if (lender.cities === null) return true;
  const city = application.city.trim().toLowerCase();
  return lender.cities.some(served => served.trim().toLowerCase() === city);
}
