/** The scenario of every row: a lender's page of leads with amount, term, city and all four identity fields. */
export const LEADS_PAGE_QUERY = `query BenchLeads($first: Int!) { leads(first: $first) { edges { node { id status
  application { id amount termMonths applicant { city fullName nationalId phone email } } } } } }`;

/** The second scenario: a lender reading one chosen applicant, with its four identity fields or without any. */
export const ONE_LEAD_WITH_IDENTITY = `query BenchLead($id: ID!) { lead(id: $id) { id status
  application { id amount termMonths applicant { city fullName nationalId phone email } } } }`;
export const ONE_LEAD_WITHOUT_IDENTITY = `query BenchLead($id: ID!) { lead(id: $id) { id status
  application { id amount termMonths applicant { city } } } }`;

export function leadsPageBody(first: number): string {
  return JSON.stringify({ query: LEADS_PAGE_QUERY, variables: { first } });
}

/** Checks a response is the full scenario (every identity value present, no error), so no row wins by failing. */
export function checkLeadsPage(text: string, first: number): string | null {
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    return "the response is not JSON";
  }
  if (body.errors?.length) return `the response has errors: ${JSON.stringify(body.errors[0].extensions ?? {})}`;
  const edges = body.data?.leads?.edges;
  if (!Array.isArray(edges) || edges.length !== first) return `expected ${first} leads, got ${edges?.length}`;
  for (const edge of edges) {
    const applicant = edge.node?.application?.applicant;
    for (const field of ["city", "fullName", "nationalId", "phone", "email"]) {
      if (typeof applicant?.[field] !== "string") return `a lead lacks applicant.${field}`;
    }
    if (typeof edge.node.application.amount !== "number") return "a lead lacks application.amount";
  }
  return null;
}
