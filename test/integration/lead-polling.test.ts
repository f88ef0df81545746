import { PiiCategory } from "../../src/model/pii-category";
import { ERASE, OFFER, OUTCOME, WITHDRAW_APPLICATION, WITHDRAW_CONSENT } from "../support/documents";
import { type TestLender, choose, expectData, leadIdFor, submitApplication } from "../support/flow";
import type { GraphQLResult, TestGateway } from "../support/gateway";
import { uniqueIdentity } from "../support/identities";
import { setLenderStatus, startWithPersonas } from "../support/personas";

const CHANGES = `query($since: DateTime!, $first: Int, $after: String, $status: LeadStatus) {
  leads(changedSince: $since, first: $first, after: $after, status: $status) {
    edges { cursor node { id status updatedAt application { id status } consent { status endReason } } }
    pageInfo { hasNextPage endCursor } } }`;
const LEAD = "query($id: ID!) { lead(id: $id) { id status updatedAt consent { status } } }";
const DECLINE = "mutation($id: ID!) { declineLead(leadId: $id) { id status updatedAt } }";

interface ChangedLead {
  id: string;
  status: string;
  updatedAt: string;
  application: { id: string; status: string };
  consent: { status: string; endReason: string | null } | null;
}

const codesOf = (result: GraphQLResult) => (result.body.errors ?? []).map(error => error.extensions?.code);
const reasonsOf = (result: GraphQLResult) => (result.body.errors ?? []).map(error => error.extensions?.reason);

/**
 * A lender polls `leads(changedSince:)` instead of rescanning every page: it sees withdrawals,
 * closings and consent endings once they happen, pages through them in (updatedAt, id) order,
 * and keeps the last updatedAt it saw as the next changedSince. And it may pass on a NEW lead.
 */
describe("polling leads by updatedAt, and passing on a lead", () => {
  let gateway: TestGateway;
  let admin: string;
  let alice: string;
  let alpha: TestLender;
  let bravo: TestLender;

  beforeAll(async () => {
    ({ gateway, admin, applicant: alice, lenders: [alpha, bravo] } = await startWithPersonas({ lenders: ["Alpha", "Bravo"] }));
  });
  afterAll(async () => gateway?.stop());

  async function fresh(): Promise<{ applicationId: string; alphaLead: string; bravoLead: string }> {
    const applicationId = await submitApplication(gateway, alice, uniqueIdentity());
    return { applicationId, alphaLead: await leadIdFor(gateway, alpha, applicationId), bravoLead: await leadIdFor(gateway, bravo, applicationId) };
  }

  /** Every lead changed since `since`, page by page as a poller reads them; also the pages' sizes. */
  async function poll(lender: TestLender, since: string, first = 2): Promise<{ leads: ChangedLead[]; pages: number }> {
    const leads: ChangedLead[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const data: any = expectData(await gateway.request(CHANGES, { since, first, after }, lender.apiKey));
      pages += 1;
      leads.push(...data.leads.edges.map((edge: { node: ChangedLead }) => edge.node));
      if (!data.leads.pageInfo.hasNextPage) return { leads, pages };
      after = data.leads.pageInfo.endCursor;
    }
  }

  const updatedAtOf = async (lender: TestLender, id: string): Promise<string> =>
    expectData(await gateway.request(LEAD, { id }, lender.apiKey)).lead.updatedAt;

  it("pages through changes in (updatedAt, id) order, then sees a withdrawal, a closing and a consent ending without rescanning", async () => {
    const untouched = await fresh();
    const withdrawn = await fresh();
    const consented = await fresh();
    const fundedByBravo = await fresh();
    const last = await fresh();

    const first = await poll(alpha, "2000-01-01T00:00:00.000Z");
    const ids = first.leads.map(lead => lead.id);
    expect(ids).toEqual([untouched, withdrawn, consented, fundedByBravo, last].map(lead => lead.alphaLead));
    expect(new Set(ids).size).toBe(ids.length);
    expect(first.pages).toBe(3);
    const times = first.leads.map(lead => lead.updatedAt);
    expect([...times].sort()).toEqual(times);
    const since = times[times.length - 1];

    await choose(gateway, alice, consented.applicationId, alpha.id, [PiiCategory.PHONE]);
    const consentId = expectData(await gateway.request("query($id: ID!) { application(id: $id) { consents { id } } }", { id: consented.applicationId }, alice))
      .application.consents[0].id;
    expectData(await gateway.request(WITHDRAW_CONSENT, { id: consentId }, alice));
    expectData(await gateway.request(WITHDRAW_APPLICATION, { id: withdrawn.applicationId }, alice));
    await choose(gateway, alice, fundedByBravo.applicationId, bravo.id, [PiiCategory.PHONE]);
    expectData(await gateway.request(OUTCOME, { input: { leadId: fundedByBravo.bravoLead, outcome: "FUNDED", fundedAmount: 50_000 } }, bravo.apiKey));

    const next = await poll(alpha, since, 100);
    const byId = new Map(next.leads.map(lead => [lead.id, lead]));
    // The untouched lead is not read again; the last one of the previous poll is (changedSince is inclusive).
    expect(byId.has(untouched.alphaLead)).toBe(false);
    expect(byId.get(last.alphaLead)?.updatedAt).toBe(since);
    expect(byId.get(withdrawn.alphaLead)).toMatchObject({ status: "CLOSED", application: { status: "WITHDRAWN" } });
    expect(byId.get(fundedByBravo.alphaLead)).toMatchObject({ status: "CLOSED", application: { status: "CLOSED" } });
    expect(byId.get(consented.alphaLead)).toMatchObject({ status: "CHOSEN", consent: { status: "WITHDRAWN", endReason: "APPLICANT_WITHDREW" } });
    for (const lead of next.leads) expect(lead.updatedAt >= since).toBe(true);
    expect(next.leads.map(lead => lead.updatedAt)).toEqual(next.leads.map(lead => lead.updatedAt).sort());

    // Polling again from the newest change finds only what changed at that instant.
    const latest = next.leads[next.leads.length - 1].updatedAt;
    const quiet = await poll(alpha, latest, 100);
    expect(quiet.leads.every(lead => lead.updatedAt === latest)).toBe(true);
  });

  it("a cursor belongs to its changedSince: another since, or the newest-first list, refuses it; no since keeps the newest-first order", async () => {
    await fresh();
    await fresh();
    const page = expectData(await gateway.request(CHANGES, { since: "2000-01-01T00:00:00.000Z", first: 1 }, alpha.apiKey)).leads;
    const other = await gateway.request(CHANGES, { since: "2001-01-01T00:00:00.000Z", first: 1, after: page.pageInfo.endCursor }, alpha.apiKey);
    expect(codesOf(other)).toEqual(["BAD_USER_INPUT"]);
    const plain = await gateway.request("query($after: String) { leads(first: 1, after: $after) { edges { node { id } } } }", { after: page.pageInfo.endCursor }, alpha.apiKey);
    expect(codesOf(plain)).toEqual(["BAD_USER_INPUT"]);
    // Twin: the same cursor with its own since pages on.
    expect(codesOf(await gateway.request(CHANGES, { since: "2000-01-01T00:00:00.000Z", first: 1, after: page.pageInfo.endCursor }, alpha.apiKey))).toEqual([]);
    const newestFirst = expectData(await gateway.request("query { leads(first: 3) { edges { node { createdAt } } } }", {}, alpha.apiKey)).leads.edges
      .map((edge: { node: { createdAt: string } }) => edge.node.createdAt);
    expect(newestFirst).toEqual([...newestFirst].sort().reverse());
  });

  it("updatedAt moves with every change its lender sees, and with nothing another lender does to its own lead", async () => {
    const { applicationId, alphaLead, bravoLead } = await fresh();
    const seen = [await updatedAtOf(alpha, alphaLead)];
    const moved = async () => {
      const now = await updatedAtOf(alpha, alphaLead);
      expect(now > seen[seen.length - 1]).toBe(true);
      seen.push(now);
    };
    expectData(await gateway.request(OFFER, { input: { leadId: alphaLead, apr: 12, amount: 40_000, termMonths: 12 } }, alpha.apiKey));
    await moved();
    const consentId = await choose(gateway, alice, applicationId, alpha.id, [PiiCategory.PHONE]);
    await moved();
    // Another lender passing on its own lead of the application changes nothing alpha sees.
    expectData(await gateway.request(DECLINE, { id: bravoLead }, bravo.apiKey));
    expect(await updatedAtOf(alpha, alphaLead)).toBe(seen[seen.length - 1]);
    expectData(await gateway.request(WITHDRAW_CONSENT, { id: consentId }, alice));
    await moved();
    // Chosen again: the lead stays CHOSEN, its lender sees a new consent.
    await choose(gateway, alice, applicationId, alpha.id, [PiiCategory.PHONE]);
    await moved();
    expectData(await gateway.request(OUTCOME, { input: { leadId: alphaLead, outcome: "APPROVED" } }, alpha.apiKey));
    await moved();
    // A suspension ends the lender's consents: its leads show it (read back once reactivated).
    await setLenderStatus(gateway, admin, alpha, "SUSPENDED");
    await setLenderStatus(gateway, admin, alpha, "ACTIVE");
    await moved();
    expect(expectData(await gateway.request(LEAD, { id: alphaLead }, alpha.apiKey)).lead.consent.status).toBe("TERMINATED");
    const bravoBefore = await updatedAtOf(bravo, bravoLead);
    expectData(await gateway.request(WITHDRAW_APPLICATION, { id: applicationId }, alice));
    await moved();
    // A lead already over (bravo passed on it) shows the application's end too.
    expect(await updatedAtOf(bravo, bravoLead) > bravoBefore).toBe(true);
  });

  it("the referral report dates an outcome by the status's move: the application's later end does not re-date it", async () => {
    const REPORT = "query($from: DateTime!, $to: DateTime!) { referralReport(from: $from, to: $to) { lender { id } declined } }";
    const declinedIn = async (from: Date, to: Date) => expectData(await gateway.request(REPORT, { from: from.toISOString(), to: to.toISOString() }, admin))
      .referralReport.find((row: { lender: { id: string } }) => row.lender.id === bravo.id).declined as number;
    const { applicationId, bravoLead } = await fresh();
    const beforeDecline = new Date();
    await new Promise(resolve => setTimeout(resolve, 5));
    expectData(await gateway.request(DECLINE, { id: bravoLead }, bravo.apiKey));
    await new Promise(resolve => setTimeout(resolve, 5));
    const afterDecline = new Date();
    await new Promise(resolve => setTimeout(resolve, 5));
    expectData(await gateway.request(WITHDRAW_APPLICATION, { id: applicationId }, alice));
    const afterWithdrawal = new Date(Date.now() + 5);
    expect(await updatedAtOf(bravo, bravoLead) > afterDecline.toISOString()).toBe(true);
    expect(await declinedIn(beforeDecline, afterDecline)).toBe(1);
    expect(await declinedIn(afterDecline, afterWithdrawal)).toBe(0);
  });

  describe("declineLead: a lender passes on a lead it was never chosen for", () => {
    it("NEW -> DECLINED; again returns it unchanged; the applicant can no longer choose that lender", async () => {
      const { applicationId, alphaLead } = await fresh();
      const declined = expectData(await gateway.request(DECLINE, { id: alphaLead }, alpha.apiKey)).declineLead;
      expect(declined).toMatchObject({ id: alphaLead, status: "DECLINED" });
      const again = expectData(await gateway.request(DECLINE, { id: alphaLead }, alpha.apiKey)).declineLead;
      expect(again).toEqual(declined);
      const chosen = await gateway.request("mutation($input: ChooseLenderInput!) { chooseLender(input: $input) { id } }",
        { input: { applicationId, lenderId: alpha.id, categories: [PiiCategory.PHONE] } }, alice);
      expect(reasonsOf(chosen)).toEqual(["LEAD_NOT_CHOOSABLE"]);
      const offered = await gateway.request(OFFER, { input: { leadId: alphaLead, apr: 12, amount: 40_000, termMonths: 12 } }, alpha.apiKey);
      expect(codesOf(offered)).toEqual(["BAD_USER_INPUT"]);
    });

    it("refused on a CHOSEN lead (BAD_USER_INPUT, reason LEAD_IS_CHOSEN), which stays as it was", async () => {
      const { applicationId, alphaLead } = await fresh();
      await choose(gateway, alice, applicationId, alpha.id, [PiiCategory.PHONE]);
      const before = expectData(await gateway.request(LEAD, { id: alphaLead }, alpha.apiKey)).lead;
      const refused = await gateway.request(DECLINE, { id: alphaLead }, alpha.apiKey);
      expect(codesOf(refused)).toEqual(["BAD_USER_INPUT"]);
      expect(reasonsOf(refused)).toEqual(["LEAD_IS_CHOSEN"]);
      expect(expectData(await gateway.request(LEAD, { id: alphaLead }, alpha.apiKey)).lead).toEqual(before);
      // Declined as an outcome (the consent ends), it is not a pass: refused with its status.
      expectData(await gateway.request(OUTCOME, { input: { leadId: alphaLead, outcome: "DECLINED" } }, alpha.apiKey));
      expect(reasonsOf(await gateway.request(DECLINE, { id: alphaLead }, alpha.apiKey))).toEqual(["LEAD_IS_DECLINED"]);
    });

    it("reportOutcome still refuses DECLINED on a NEW lead: passing is declineLead's", async () => {
      const { alphaLead } = await fresh();
      const refused = await gateway.request(OUTCOME, { input: { leadId: alphaLead, outcome: "DECLINED" } }, alpha.apiKey);
      expect(codesOf(refused)).toEqual(["BAD_USER_INPUT"]);
      expect(expectData(await gateway.request(LEAD, { id: alphaLead }, alpha.apiKey)).lead.status).toBe("NEW");
    });

    it("another lender's lead is NOT_FOUND and stays NEW; applicants and admins may not call it", async () => {
      const { alphaLead } = await fresh();
      expect(codesOf(await gateway.request(DECLINE, { id: alphaLead }, bravo.apiKey))).toEqual(["NOT_FOUND"]);
      expect(codesOf(await gateway.request(DECLINE, { id: alphaLead }, alice))).toEqual(["FORBIDDEN"]);
      expect(codesOf(await gateway.request(DECLINE, { id: alphaLead }, admin))).toEqual(["FORBIDDEN"]);
      expect(expectData(await gateway.request(LEAD, { id: alphaLead }, alpha.apiKey)).lead.status).toBe("NEW");
      // Twin: its own lender passes on it.
      expect(expectData(await gateway.request(DECLINE, { id: alphaLead }, alpha.apiKey)).declineLead.status).toBe("DECLINED");
    });
  });
});

/**
 * Erasure ends everything a person still has open, in one instant. A lender that read the
 * person's identity on an old application (consented, since withdrawn) and holds an anonymized
 * lead of a newer one must not see both leads move to that same instant: the old application's
 * leads, where nothing changes, keep their times.
 */
describe("erasure does not link a person's identified application to an anonymized one through updatedAt", () => {
  let gateway: TestGateway;
  let alice: string;
  let bob: string;
  let lender: TestLender;

  beforeAll(async () => {
    ({ gateway, applicant: alice, otherApplicant: bob, lenders: [lender] } = await startWithPersonas({ lenders: [{ name: "Linker", permitted: [PiiCategory.NAME, PiiCategory.PHONE] }] }));
  });
  afterAll(async () => gateway?.stop());

  it("only the leads of applications that end now move; the withdrawn, identified one keeps its time", async () => {
    const identified = await submitApplication(gateway, alice, uniqueIdentity());
    await choose(gateway, alice, identified, lender.id, [PiiCategory.NAME, PiiCategory.PHONE]);
    const identifiedLead = await leadIdFor(gateway, lender, identified);
    expectData(await gateway.request("query($id: ID!) { lead(id: $id) { application { applicant { fullName phone } } } }", { id: identifiedLead }, lender.apiKey));
    expectData(await gateway.request(WITHDRAW_APPLICATION, { id: identified }, alice));
    const before = expectData(await gateway.request(LEAD, { id: identifiedLead }, lender.apiKey)).lead.updatedAt as string;
    const anonymous = await submitApplication(gateway, alice, uniqueIdentity());
    const anonymousLead = await leadIdFor(gateway, lender, anonymous);
    await submitApplication(gateway, bob, uniqueIdentity());
    const since = new Date(Date.now() + 1).toISOString();
    await new Promise(resolve => setTimeout(resolve, 5));
    expect(expectData(await gateway.request(ERASE, {}, alice)).eraseMyData.applicationsWithdrawn).toBe(1);

    const changed = expectData(await gateway.request(CHANGES, { since, first: 100 }, lender.apiKey)).leads.edges.map((edge: { node: ChangedLead }) => edge.node);
    // Its twin: the anonymized application that ended now is in the poll, closed.
    expect(changed.map((lead: ChangedLead) => ({ id: lead.id, status: lead.status, application: lead.application.status })))
      .toEqual([{ id: anonymousLead, status: "CLOSED", application: "WITHDRAWN" }]);
    expect(expectData(await gateway.request(LEAD, { id: identifiedLead }, lender.apiKey)).lead.updatedAt).toBe(before);
  });
});
