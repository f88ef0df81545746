import { TestGateway } from "../support/gateway";
import { uniqueIdentity } from "../support/identities";
import { ALL_CATEGORIES, TestLender, choose, expectData, submitApplication } from "../support/flow";
import { startWithPersonas } from "../support/personas";

const PAGE_WITH_IDENTITY = `query($first: Int!) { leads(first: $first) { edges { node { id status
  application { id amount termMonths applicant { city fullName nationalId phone email } } } } } }`;

const PAGE_WITH_RELATIONS = `query($first: Int!) { leads(first: $first) { edges { node { id status
  lender { id name } offer { id apr } consent { id status categories }
  application { id leads { id } consents { id status } applicant { city fullName nationalId phone email } } } } } }`;

/** Each statement as verb and first table (`SELECT "leads"`), to compare and to explain a failure. */
/**
 * A quota window's first request also inserts its counter row (once a minute, once a UTC day):
 * a window that starts between two measured requests puts that INSERT in one of them only, so
 * the comparisons of two requests leave it out.
 */
const windowStart = (statement: string) => /^INSERT INTO .quota_counters./.test(statement);

const shapes = (sql: string[]) =>
  sql.filter(statement => !windowStart(statement)).map(statement => {
    const match = /^UPDATE\s+(\S+)/.exec(statement) ?? /^\w+[\s\S]*?(?:FROM|INTO)\s+(\S+)/.exec(statement);
    return `${statement.split(/\s/)[0]} ${match?.[1] ?? "?"}`;
  });

/**
 * Consent checks must not cost one query per row: a lender's page of leads with every identity
 * field costs the same, small number of SQL statements whether it holds 10 rows or 100.
 */
describe("SQL statements per lender page", () => {
  let gateway: TestGateway;
  let lender: TestLender;

  beforeAll(async () => {
    // Beta: every application also becomes a lead of another lender.
    ({ gateway, lenders: [lender] } = await startWithPersonas({ lenders: ["Alpha", "Beta"] }));
    for (let index = 0; index < 100; index++) {
      const applicant = await gateway.token("applicant", `applicant-${index}`);
      const applicationId = await submitApplication(gateway, applicant, uniqueIdentity());
      await choose(gateway, applicant, applicationId, lender.id, ALL_CATEGORIES);
    }
  }, 240000);

  afterAll(async () => gateway?.stop());

  async function statementsFor(query: string, first: number): Promise<{ statements: number; sql: string[]; data: any }> {
    const { result, statements, sql } = await gateway.statements.measure(() => gateway.request(query, { first }, lender.apiKey));
    return { statements, sql, data: expectData(result) };
  }

  it("costs the same for 10 and 100 leads with all four identity fields, and at most 6", async () => {
    // A key's first use in a minute also records lastUsedAt (and quota windows may open):
    // warm up, then measure what every following request costs.
    await statementsFor(PAGE_WITH_IDENTITY, 1);
    const ten = await statementsFor(PAGE_WITH_IDENTITY, 10);
    const hundred = await statementsFor(PAGE_WITH_IDENTITY, 100);
    expect(ten.data.leads.edges).toHaveLength(10);
    expect(hundred.data.leads.edges).toHaveLength(100);
    for (const edge of hundred.data.leads.edges) {
      const applicant = edge.node.application.applicant;
      for (const field of ["fullName", "nationalId", "phone", "email"]) expect(applicant[field]).toEqual(expect.any(String));
    }
    expect(shapes(hundred.sql)).toEqual(shapes(ten.sql));
    expect(hundred.statements).toBeLessThanOrEqual(6);
    // The reads were audited, in one multi-row insert awaited before the response.
    expect(hundred.sql.filter(sql => /^INSERT INTO .access_records./.test(sql))).toHaveLength(1);
  });

  it("costs less for a page without identity fields: no consent query, no audit insert", async () => {
    const anonymous = await statementsFor(`query($first: Int!) { leads(first: $first) { edges { node { id application { applicant { city } } } } } }`, 100);
    const identified = await statementsFor(PAGE_WITH_IDENTITY, 100);
    expect(shapes(anonymous.sql)).not.toContain(expect.stringMatching(/access_records|consents/));
    expect(anonymous.statements).toBeLessThan(identified.statements);
  });

  it("also costs the same for 10 and 100 leads with offer, consent, lender and the application's leads and consents", async () => {
    const ten = await statementsFor(PAGE_WITH_RELATIONS, 10);
    const hundred = await statementsFor(PAGE_WITH_RELATIONS, 100);
    expect(hundred.data.leads.edges).toHaveLength(100);
    expect(hundred.data.leads.edges.every((edge: any) => edge.node.consent?.status === "ACTIVE")).toBe(true);
    expect(hundred.sql.filter(statement => !windowStart(statement))).toHaveLength(ten.sql.filter(statement => !windowStart(statement)).length);
  });

  it("costs the same on a later page: the cursor is a condition in the same statement, not another query", async () => {
    const paged = `query($first: Int!, $after: String) { leads(first: $first, after: $after) { edges { node { id status
      application { id amount termMonths applicant { city fullName nationalId phone email } } } } pageInfo { endCursor } } }`;
    const first = await statementsFor(paged, 10);
    const { result, statements, sql } = await gateway.statements.measure(() =>
      gateway.request(paged, { first: 10, after: first.data.leads.pageInfo.endCursor }, lender.apiKey));
    const second = expectData(result).leads.edges.map((edge: any) => edge.node.id);
    expect(second).toHaveLength(10);
    expect(second.filter((id: string) => first.data.leads.edges.some((edge: any) => edge.node.id === id))).toEqual([]);
    expect(shapes(sql)).toEqual(shapes(first.sql));
    expect(statements).toBeLessThanOrEqual(6);
  });
});
