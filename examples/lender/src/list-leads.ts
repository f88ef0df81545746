import type { GatewayClient } from "./gateway-client";
import { LeadsPageDocument, type LeadStatus, type LeadsPageQuery } from "./generated/graphql";

export type LeadSummary = LeadsPageQuery["leads"]["edges"][number]["node"];

export interface ListLeadsOptions {
  /** Leads a page, 1 to 100 (the gateway's cap). Default 50. */
  pageSize?: number;
  status?: LeadStatus;
  /**
   * Only the leads changed at or after this instant (ISO 8601), oldest change first: a poll.
   * Without it, every lead, newest first.
   */
  changedSince?: string;
  /** Called once per page fetched, e.g. to count them. */
  onPage?: (leads: number) => void;
}

/**
 * Step 2: every lead of this lender, newest first, a page at a time. The cursor is opaque: pass
 * `endCursor` back as `after` while `hasNextPage`. Everything here is anonymized, so nothing in
 * a page needs a consent and a page has no field errors.
 * To keep up without rescanning, poll with `pollChanges` below.
 */
export async function* listLeads(client: GatewayClient, options: ListLeadsOptions = {}): AsyncGenerator<LeadSummary> {
  let after: string | null = null;
  do {
    const data: LeadsPageQuery = await client.request(LeadsPageDocument, {
      first: options.pageSize ?? 50, after, status: options.status ?? null, changedSince: options.changedSince ?? null,
    });
    options.onPage?.(data.leads.edges.length);
    for (const edge of data.leads.edges) yield edge.node;
    after = data.leads.pageInfo.hasNextPage ? data.leads.pageInfo.endCursor : null;
  } while (after !== null);
}

/**
 * One poll: every lead changed at or after `since` (a withdrawal, a closing, a consent chosen or
 * ended, an offer), and the `since` to pass next time: the largest `updatedAt` seen. The boundary
 * is inclusive, so the last lead of one poll comes again in the next: handle leads by id and
 * status, idempotently. To be safe from a slow writer (a change is stamped when its request
 * started and visible when it commits), pass a `since` a little earlier than the one returned.
 */
export async function pollChanges(client: GatewayClient, since: string, pageSize = 100): Promise<{ leads: LeadSummary[]; next: string }> {
  const leads: LeadSummary[] = [];
  let next = since;
  for await (const lead of listLeads(client, { changedSince: since, pageSize })) {
    leads.push(lead);
    if (Date.parse(lead.updatedAt) > Date.parse(next)) next = lead.updatedAt;
  }
  return { leads, next };
}
