import { PiiCategory } from "../../src/model/pii-category";
import { GraphQLResult, TestGateway } from "../support/gateway";
import { TestIdentity, uniqueIdentity } from "../support/identities";
import { TestLender, choose, expectData, leadIdFor, submitApplication } from "../support/flow";
import { startWithPersonas } from "../support/personas";
import { OFFER, OUTCOME } from "../support/documents";

const AUDIT = `query($filter: AuditFilter) { auditLog(filter: $filter, first: 100) { edges { node {
  id at lender { id } applicationId field category outcome reason consentId } } pageInfo { hasNextPage } } }`;
const REPORT = `query($from: DateTime!, $to: DateTime!) { referralReport(from: $from, to: $to) {
  lender { id } leads offers chosen approved declined funded fundedAmount identityReads deniedReads } }`;

const ZERO = { leads: 0, offers: 0, chosen: 0, approved: 0, declined: 0, funded: 0, fundedAmount: 0, identityReads: 0, deniedReads: 0 };
const codes = (result: GraphQLResult) => (result.body.errors ?? []).map(error => error.extensions?.code);

/**
 * A small scripted scenario whose every count is known: two applications, two active lenders
 * (Papa, Quebec) and one whose criteria match neither application (Romeo).
 */
describe("audit log and referral report", () => {
  let gateway: TestGateway;
  let admin: string;
  let papa: TestLender;
  let quebec: TestLender;
  let romeo: TestLender;
  const aliceIdentity = uniqueIdentity("19850615");
  const bobIdentity = uniqueIdentity("19920220");
  let first: string;
  let second: string;
  let papaConsent: string;
  let quebecConsent: string;
  let from: Date;
  let to: Date;

  const auditRows = async (filter?: Record<string, unknown>) => {
    const result = await gateway.request(AUDIT, { filter }, admin);
    for (const identity of [aliceIdentity, bobIdentity] as TestIdentity[]) {
      for (const value of Object.values(identity)) expect(result.text).not.toContain(value);
    }
    return expectData(result).auditLog.edges.map((edge: any) => edge.node);
  };
  const report = async (start: Date, end: Date) => {
    const rows = expectData(await gateway.request(REPORT, { from: start.toISOString(), to: end.toISOString() }, admin)).referralReport;
    return Object.fromEntries(rows.map(({ lender, ...counts }: any) => [lender.id, counts]));
  };

  beforeAll(async () => {
    let alice: string;
    let bob: string;
    ({ gateway, admin, applicant: alice, otherApplicant: bob, lenders: [papa, quebec, romeo] } = await startWithPersonas({
      lenders: ["Papa", "Quebec", { name: "Romeo", permitted: [], criteria: { minAmount: 1000, maxAmount: 2000, minTermMonths: 1, maxTermMonths: 3 } }],
    }));
    from = new Date(Date.now() - 1000);

    first = await submitApplication(gateway, alice, aliceIdentity);
    second = await submitApplication(gateway, bob, bobIdentity);
    const papaFirst = await leadIdFor(gateway, papa, first);
    const papaSecond = await leadIdFor(gateway, papa, second);
    const quebecFirst = await leadIdFor(gateway, quebec, first);
    const quebecSecond = await leadIdFor(gateway, quebec, second);

    // Papa offers twice on the first lead (a revision, still one offer) and once on the second.
    for (const [leadId, apr] of [[papaFirst, 18], [papaFirst, 16], [papaSecond, 20]] as const) {
      expectData(await gateway.request(OFFER, { input: { leadId, apr, amount: 50000, termMonths: 12 } }, papa.apiKey));
    }
    expectData(await gateway.request(OFFER, { input: { leadId: quebecFirst, apr: 22, amount: 40000, termMonths: 12 } }, quebec.apiKey));

    papaConsent = await choose(gateway, alice, first, papa.id, [PiiCategory.NAME, PiiCategory.PHONE]);
    quebecConsent = await choose(gateway, bob, second, quebec.id, [PiiCategory.PHONE]);

    // Papa: first application 2 granted + 1 denied (category), second 3 denied (no consent).
    await gateway.request("query { leads(first: 100) { edges { node { application { applicant { fullName phone nationalId } } } } } }", {}, papa.apiKey);
    // Quebec: 1 granted.
    expectData(await gateway.request("query($id: ID!) { lead(id: $id) { application { applicant { phone } } } }", { id: quebecSecond }, quebec.apiKey));

    expectData(await gateway.request(OUTCOME, { input: { leadId: papaFirst, outcome: "APPROVED" } }, papa.apiKey));
    expectData(await gateway.request(OUTCOME, { input: { leadId: papaFirst, outcome: "FUNDED", fundedAmount: 48000 } }, papa.apiKey));
    expectData(await gateway.request(OUTCOME, { input: { leadId: quebecSecond, outcome: "DECLINED" } }, quebec.apiKey));
    to = new Date(Date.now() + 1000);
  });

  afterAll(async () => gateway?.stop());

  describe("auditLog(filter:)", () => {
    it("unfiltered, lists every lender read of the scenario, newest first, without values", async () => {
      const rows = await auditRows();
      expect(rows).toHaveLength(7);
      const ids = rows.map((row: any) => Number(row.id));
      expect(ids).toEqual([...ids].sort((a, b) => b - a));
    });

    it("by lenderId: only that lender's reads", async () => {
      const papaRows = await auditRows({ lenderId: papa.id });
      expect(papaRows).toHaveLength(6);
      expect(papaRows.every((row: any) => row.lender.id === papa.id)).toBe(true);
      const quebecRows = await auditRows({ lenderId: quebec.id });
      expect(quebecRows.map((row: any) => [row.applicationId, row.field, row.category, row.outcome, row.consentId]))
        .toEqual([[second, "phone", "PHONE", "GRANTED", quebecConsent]]);
      expect(await auditRows({ lenderId: romeo.id })).toEqual([]);
    });

    it("by applicationId: only reads of that application", async () => {
      const firstRows = await auditRows({ applicationId: first });
      expect(firstRows.map((row: any) => [row.field, row.outcome, row.reason, row.consentId]).sort()).toEqual([
        ["fullName", "GRANTED", null, papaConsent],
        ["nationalId", "DENIED", "CATEGORY_NOT_CONSENTED", papaConsent],
        ["phone", "GRANTED", null, papaConsent],
      ]);
      const secondRows = await auditRows({ applicationId: second });
      expect(secondRows).toHaveLength(4);
      expect(secondRows.every((row: any) => row.applicationId === second)).toBe(true);
    });

    it("by outcome: GRANTED and DENIED split the log", async () => {
      const granted = await auditRows({ outcome: "GRANTED" });
      const denied = await auditRows({ outcome: "DENIED" });
      expect(granted).toHaveLength(3);
      expect(denied).toHaveLength(4);
      expect(granted.every((row: any) => row.outcome === "GRANTED" && row.reason === null)).toBe(true);
      expect(denied.every((row: any) => row.outcome === "DENIED" && row.reason !== null)).toBe(true);
    });

    it("filters combine: every given field must match", async () => {
      const rows = await auditRows({ lenderId: papa.id, applicationId: second, outcome: "DENIED" });
      expect(rows.map((row: any) => [row.field, row.reason]).sort()).toEqual([
        ["fullName", "NO_CONSENT"], ["nationalId", "NO_CONSENT"], ["phone", "NO_CONSENT"],
      ]);
      expect(await auditRows({ lenderId: quebec.id, outcome: "DENIED" })).toEqual([]);
    });

    it("by time: nothing before the scenario, everything within it", async () => {
      expect(await auditRows({ to: from.toISOString() })).toEqual([]);
      expect(await auditRows({ from: from.toISOString(), to: to.toISOString() })).toHaveLength(7);
    });

    it("the applicant's own access log shows only reads of its own applications", async () => {
      const bob = await gateway.token("applicant", "bob");
      const rows = expectData(await gateway.request("query { myAccessLog(first: 100) { edges { node { applicationId lender { id } } } } }", {}, bob))
        .myAccessLog.edges.map((edge: any) => edge.node);
      expect(rows).toHaveLength(4);
      expect(rows.every((row: any) => row.applicationId === second)).toBe(true);
    });
  });

  describe("referralReport(from, to)", () => {
    it("counts the scenario per lender", async () => {
      const stats = await report(from, to);
      expect(stats[papa.id]).toEqual({
        leads: 2, offers: 2, chosen: 1, approved: 1, declined: 0, funded: 1, fundedAmount: 48000, identityReads: 2, deniedReads: 4,
      });
      expect(stats[quebec.id]).toEqual({
        leads: 2, offers: 1, chosen: 1, approved: 0, declined: 1, funded: 0, fundedAmount: 0, identityReads: 1, deniedReads: 0,
      });
      expect(stats[romeo.id]).toEqual(ZERO);
    });

    it("a period before the scenario counts nothing", async () => {
      const stats = await report(new Date(from.getTime() - 3_600_000), from);
      expect(Object.keys(stats).sort()).toEqual([papa.id, quebec.id, romeo.id].sort());
      for (const counts of Object.values(stats)) expect(counts).toEqual(ZERO);
    });

    it("an empty or reversed period is BAD_USER_INPUT", async () => {
      const result = await gateway.request(REPORT, { from: to.toISOString(), to: from.toISOString() }, admin);
      expect(codes(result)).toEqual(["BAD_USER_INPUT"]);
      expect(result.body.data ?? null).toBeNull();
    });
  });
});
