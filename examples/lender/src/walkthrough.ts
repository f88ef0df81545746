import type { GatewayClient } from "./gateway-client";
import type { LeadOutcome, MakeOfferInput } from "./generated/graphql";
import { type LeadSummary, listLeads } from "./list-leads";
import { makeOffer } from "./make-offer";
import { type DeniedField, type IdentityField, type IdentityRead, readIdentity } from "./read-identity";
import { reportOutcome } from "./report-outcome";

export interface WalkthroughPolicy {
  /** Leads a page. */
  pageSize?: number;
  /** The offer for a NEW lead, or null to pass on it. Default: the amount and term asked for at 14.6 %, valid 7 days. */
  offerFor?: (lead: LeadSummary) => Omit<MakeOfferInput, "leadId"> | null;
  /** The outcome for a chosen lead once its identity was read, or null to decide later. Default: APPROVED. */
  outcomeFor?: (lead: LeadSummary, identity: IdentityRead) => { outcome: LeadOutcome; fundedAmount?: number } | null;
  /** Where the lender's own system takes the identity values; the report below carries only field names. */
  onIdentity?: (identity: IdentityRead) => void;
}

/** What one run did, with no identity value in it (it is printed by the CLI). */
export interface WalkthroughReport {
  pages: number;
  leadsSeen: number;
  offersMade: Array<{ leadId: string; offerId: string; apr: number; amount: number; termMonths: number; leadStatus: string }>;
  identityReads: Array<{ leadId: string; granted: IdentityField[]; denied: DeniedField[] }>;
  outcomesReported: Array<{ leadId: string; status: string }>;
}

const defaultOffer = (lead: LeadSummary) => ({
  apr: 14.6, amount: lead.application.amount, termMonths: lead.application.termMonths,
  expiresAt: new Date(Date.now() + 7 * 24 * 3600 * 1000).toISOString(),
});

/**
 * The whole integration in one pass: list every lead; offer on the new ones; for each lead whose
 * applicant chose this lender (status CHOSEN, consent ACTIVE), read the identity and report the
 * outcome. Identity is never asked for a lead nobody chose: it would only be denied (NO_CONSENT)
 * and still appear in the applicant's access log.
 */
export async function runWalkthrough(client: GatewayClient, policy: WalkthroughPolicy = {}): Promise<WalkthroughReport> {
  const report: WalkthroughReport = { pages: 0, leadsSeen: 0, offersMade: [], identityReads: [], outcomesReported: [] };
  const leads: LeadSummary[] = [];
  for await (const lead of listLeads(client, { pageSize: policy.pageSize, onPage: () => report.pages++ })) leads.push(lead);
  report.leadsSeen = leads.length;

  for (const lead of leads) {
    if (lead.status === "NEW") {
      const terms = (policy.offerFor ?? defaultOffer)(lead);
      if (!terms) continue;
      const offer = await makeOffer(client, { leadId: lead.id, ...terms });
      report.offersMade.push({ leadId: lead.id, offerId: offer.id, apr: offer.apr, amount: offer.amount, termMonths: offer.termMonths, leadStatus: offer.lead.status });
    } else if (lead.status === "CHOSEN" && lead.consent?.status === "ACTIVE") {
      const identity = await readIdentity(client, lead.id);
      policy.onIdentity?.(identity);
      report.identityReads.push({ leadId: lead.id, granted: Object.keys(identity.granted) as IdentityField[], denied: identity.denied });
      const decision = policy.outcomeFor ? policy.outcomeFor(lead, identity) : { outcome: "APPROVED" as const };
      if (!decision) continue;
      const reported = await reportOutcome(client, lead.id, decision.outcome, decision.fundedAmount);
      report.outcomesReported.push({ leadId: lead.id, status: reported.status });
    }
  }
  return report;
}
