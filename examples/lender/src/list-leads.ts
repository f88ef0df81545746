import type { GatewayClient } from "./gateway-client";
import { LeadsPageDocument, type LeadStatus, type LeadsPageQuery } from "./generated/graphql";

export type LeadSummary = LeadsPageQuery["leads"]["edges"][number]["node"];

export interface ListLeadsOptions {
  /** Leads a page, 1 to 100 (the gateway's cap). Default 50. */
  pageSize?: number;
  status?: LeadStatus;
  /** Called once per page fetched, e.g. to count them. */
  onPage?: (leads: number) => void;
}

/**
 * Step 2: every lead of this lender, newest first, a page at a time. The cursor is opaque: pass
 * `endCursor` back as `after` while `hasNextPage`. Everything here is anonymized, so nothing in
 * a page needs a consent and a page has no field errors.
 *
 * SEAM(changedSince): once the gateway serves `leads(changedSince:)` and `Lead.updatedAt`, a
 * poller passes the `updatedAt` of the newest lead it saw (add `$changedSince: DateTime` to
 * operations/leads.graphql and regenerate) instead of rescanning every page.
 */
export async function* listLeads(client: GatewayClient, options: ListLeadsOptions = {}): AsyncGenerator<LeadSummary> {
  let after: string | null = null;
  do {
    const data: LeadsPageQuery = await client.request(LeadsPageDocument, { first: options.pageSize ?? 50, after, status: options.status ?? null });
    options.onPage?.(data.leads.edges.length);
    for (const edge of data.leads.edges) yield edge.node;
    after = data.leads.pageInfo.hasNextPage ? data.leads.pageInfo.endCursor : null;
  } while (after !== null);
}
