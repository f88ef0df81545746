import type { GatewayClient } from "./gateway-client";
import { type LeadOutcome, ReportOutcomeDocument, type ReportOutcomeMutation } from "./generated/graphql";

export type ReportedOutcome = ReportOutcomeMutation["reportOutcome"];

/**
 * Step 5: what became of a lead the applicant chose: APPROVED, DECLINED (ends this lender's
 * consent) or FUNDED with the amount paid out (closes the application and ends every consent on it).
 */
export async function reportOutcome(client: GatewayClient, leadId: string, outcome: LeadOutcome, fundedAmount?: number): Promise<ReportedOutcome> {
  const data = await client.request(ReportOutcomeDocument, { input: { leadId, outcome, fundedAmount: fundedAmount ?? null } });
  return data.reportOutcome;
}
