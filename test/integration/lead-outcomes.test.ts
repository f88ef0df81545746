import { PiiCategory } from "../../src/model/pii-category";
import { GraphQLResult, TestGateway } from "../support/gateway";
import { uniqueIdentity } from "../support/identities";
import { TestLender, choose, expectData, leadIdFor, onboardLender, submitApplication } from "../support/flow";
import { startWithPersonas } from "../support/personas";
import { OUTCOME } from "../support/documents";

const OFFER = "mutation($input: MakeOfferInput!) { makeOffer(input: $input) { id amount termMonths lead { id status } } }";
const LEAD = `query($id: ID!) { lead(id: $id) { id status fundedAmount offer { id amount termMonths }
  consent { status endedBy endReason } application { id status applicant { phone } } } }`;
const LEAD_STATE = "query($id: ID!) { lead(id: $id) { status offer { id } } }";
const APPLICATION = "query($id: ID!) { application(id: $id) { status consents { lender { id } status endedBy endReason } } }";
const REPORT = `query($from: DateTime!, $to: DateTime!) { referralReport(from: $from, to: $to) { lender { id } funded fundedAmount } }`;

const errorsOf = (result: GraphQLResult) => (result.body.errors ?? []).map(error => [error.extensions?.code, error.extensions?.field]);
const storedLead = async (gateway: TestGateway, id: string) => {
  const [row] = await gateway.dataSource.query("SELECT status, funded_amount, updated_at FROM leads WHERE id = ?", [id]);
  return { status: row.status, fundedAmount: row.funded_amount === null ? null : Number(row.funded_amount), updatedAt: row.updated_at instanceof Date ? row.updated_at.toISOString() : String(row.updated_at) };
};

/** Amounts, the DECLINED ending and retries of reportOutcome, on both databases. */
describe("lead outcomes", () => {
  let gateway: TestGateway;
  let admin: string;
  let alice: string;
  let alpha: TestLender;
  let bravo: TestLender;

  /** A fresh application (50,000 CNY, the flow's default) with both lenders' leads. */
  async function freshApplication() {
    const identity = uniqueIdentity();
    const applicationId = await submitApplication(gateway, alice, identity);
    return { identity, applicationId, alphaLead: await leadIdFor(gateway, alpha, applicationId), bravoLead: await leadIdFor(gateway, bravo, applicationId) };
  }

  beforeAll(async () => {
    ({ gateway, admin, applicant: alice, lenders: [alpha, bravo] } = await startWithPersonas({ lenders: ["Alpha", "Bravo"] }));
  });

  afterAll(async () => gateway?.stop());

  describe("offer amounts lie within the application's", () => {
    let lead: string;

    beforeAll(async () => {
      ({ alphaLead: lead } = await freshApplication());
    });

    it.each([
      ["more than the 50,000 applied for", { amount: 50_001 }, "amount"],
      ["above the product's 5,000,000 ceiling", { amount: 5_000_001 }, "amount"],
      ["below the product's 1,000 floor", { amount: 999 }, "amount"],
      ["a term of 361 months", { termMonths: 361 }, "termMonths"],
      ["a term of 0 months", { termMonths: 0 }, "termMonths"],
    ])("refuses an offer of %s (BAD_USER_INPUT naming the field), writing nothing", async (_name, overrides, field) => {
      const result = await gateway.request(OFFER, { input: { leadId: lead, apr: 12, amount: 40_000, termMonths: 12, ...overrides } }, alpha.apiKey);
      expect(errorsOf(result)).toEqual([["BAD_USER_INPUT", field]]);
      expect(expectData(await gateway.request(LEAD_STATE, { id: lead }, alpha.apiKey)).lead).toEqual({ status: "NEW", offer: null });
      expect(await gateway.dataSource.query("SELECT id FROM offers WHERE lead_id = ?", [lead])).toEqual([]);
    });

    it("accepts the valid twin: the whole amount applied for, over 360 months", async () => {
      const offer = expectData(await gateway.request(OFFER, { input: { leadId: lead, apr: 12, amount: 50_000, termMonths: 360 } }, alpha.apiKey)).makeOffer;
      expect(offer).toMatchObject({ amount: 50_000, termMonths: 360, lead: { status: "OFFERED" } });
    });
  });

  describe("a funded amount lies within the offer (or, without one, the application)", () => {
    it("with an offer of 40,000: 40,001 is BAD_USER_INPUT and nothing moves; 40,000 is funded", async () => {
      const { applicationId, alphaLead } = await freshApplication();
      expectData(await gateway.request(OFFER, { input: { leadId: alphaLead, apr: 12, amount: 40_000, termMonths: 12 } }, alpha.apiKey));
      await choose(gateway, alice, applicationId, alpha.id, [PiiCategory.PHONE]);
      const over = await gateway.request(OUTCOME, { input: { leadId: alphaLead, outcome: "FUNDED", fundedAmount: 40_001 } }, alpha.apiKey);
      expect(errorsOf(over)).toEqual([["BAD_USER_INPUT", "fundedAmount"]]);
      expect(await storedLead(gateway, alphaLead)).toMatchObject({ status: "CHOSEN", fundedAmount: null });
      expect(expectData(await gateway.request(APPLICATION, { id: applicationId }, alice)).application.status).toBe("SUBMITTED");
      const funded = expectData(await gateway.request(OUTCOME, { input: { leadId: alphaLead, outcome: "FUNDED", fundedAmount: 40_000 } }, alpha.apiKey));
      expect(funded.reportOutcome).toEqual({ id: alphaLead, status: "FUNDED", fundedAmount: 40_000 });
    });

    it("without an offer: more than the 50,000 applied for is BAD_USER_INPUT; 50,000 is funded", async () => {
      const { applicationId, bravoLead } = await freshApplication();
      await choose(gateway, alice, applicationId, bravo.id, [PiiCategory.PHONE]);
      const over = await gateway.request(OUTCOME, { input: { leadId: bravoLead, outcome: "FUNDED", fundedAmount: 50_001 } }, bravo.apiKey);
      expect(errorsOf(over)).toEqual([["BAD_USER_INPUT", "fundedAmount"]]);
      const beyond = await gateway.request(OUTCOME, { input: { leadId: bravoLead, outcome: "FUNDED", fundedAmount: 5_000_001 } }, bravo.apiKey);
      expect(errorsOf(beyond)).toEqual([["BAD_USER_INPUT", "fundedAmount"]]);
      expect(await storedLead(gateway, bravoLead)).toMatchObject({ status: "CHOSEN", fundedAmount: null });
      const funded = expectData(await gateway.request(OUTCOME, { input: { leadId: bravoLead, outcome: "FUNDED", fundedAmount: 50_000 } }, bravo.apiKey));
      expect(funded.reportOutcome).toEqual({ id: bravoLead, status: "FUNDED", fundedAmount: 50_000 });
    });
  });

  describe("DECLINED ends the decliner's consent (the purpose, assess and offer, is over for it)", () => {
    let applicationId: string;
    let identity: ReturnType<typeof uniqueIdentity>;
    let alphaLead: string;
    let bravoLead: string;

    beforeAll(async () => {
      ({ applicationId, identity, alphaLead, bravoLead } = await freshApplication());
      await choose(gateway, alice, applicationId, alpha.id, [PiiCategory.PHONE]);
      await choose(gateway, alice, applicationId, bravo.id, [PiiCategory.PHONE]);
    });

    it("before declining, the lender reads the phone (twin of the denial below)", async () => {
      const lead = expectData(await gateway.request(LEAD, { id: alphaLead }, alpha.apiKey)).lead;
      expect(lead.application.applicant.phone).toBe(identity.phone);
    });

    it("after DECLINED its consent is TERMINATED by SYSTEM with LENDER_DECLINED and its next read is CONSENT_TERMINATED", async () => {
      expect(expectData(await gateway.request(OUTCOME, { input: { leadId: alphaLead, outcome: "DECLINED" } }, alpha.apiKey)).reportOutcome.status)
        .toBe("DECLINED");
      const result = await gateway.request(LEAD, { id: alphaLead }, alpha.apiKey);
      expect(result.body.data?.lead).toMatchObject({
        status: "DECLINED", consent: { status: "TERMINATED", endedBy: "SYSTEM", endReason: "LENDER_DECLINED" }, application: { applicant: { phone: null } },
      });
      expect((result.body.errors ?? []).map(error => [error.path?.at(-1), error.extensions?.code, error.extensions?.reason]))
        .toEqual([["phone", "FORBIDDEN", "CONSENT_TERMINATED"]]);
      expect(result.text).not.toContain(identity.phone);
    });

    it("the other chosen lender keeps its consent and still reads; the application stays open", async () => {
      const lead = expectData(await gateway.request(LEAD, { id: bravoLead }, bravo.apiKey)).lead;
      expect(lead).toMatchObject({ status: "CHOSEN", consent: { status: "ACTIVE", endReason: null } });
      expect(lead.application).toMatchObject({ status: "SUBMITTED", applicant: { phone: identity.phone } });
      const consents = expectData(await gateway.request(APPLICATION, { id: applicationId }, alice)).application.consents;
      expect(Object.fromEntries(consents.map((consent: any) => [consent.lender.id, consent.endReason]))).toEqual({ [alpha.id]: "LENDER_DECLINED", [bravo.id]: null });
    });
  });

  describe("a repeated outcome (a retry after a cut-off) returns the lead unchanged", () => {
    it("APPROVED twice, then FUNDED twice with the same amount: answered each time, written once", async () => {
      const { applicationId, alphaLead } = await freshApplication();
      await choose(gateway, alice, applicationId, alpha.id, [PiiCategory.PHONE]);
      expectData(await gateway.request(OUTCOME, { input: { leadId: alphaLead, outcome: "APPROVED" } }, alpha.apiKey));
      const approved = await storedLead(gateway, alphaLead);
      await new Promise(resolve => setTimeout(resolve, 20));
      const again = expectData(await gateway.request(OUTCOME, { input: { leadId: alphaLead, outcome: "APPROVED" } }, alpha.apiKey));
      expect(again.reportOutcome).toEqual({ id: alphaLead, status: "APPROVED", fundedAmount: null });
      expect(await storedLead(gateway, alphaLead)).toEqual(approved);

      const fund = { leadId: alphaLead, outcome: "FUNDED", fundedAmount: 45_000 };
      expectData(await gateway.request(OUTCOME, { input: fund }, alpha.apiKey));
      const funded = await storedLead(gateway, alphaLead);
      await new Promise(resolve => setTimeout(resolve, 20));
      const retry = expectData(await gateway.request(OUTCOME, { input: fund }, alpha.apiKey));
      expect(retry.reportOutcome).toEqual({ id: alphaLead, status: "FUNDED", fundedAmount: 45_000 });
      expect(await storedLead(gateway, alphaLead)).toEqual(funded);
    });

    it("a different amount or a different outcome is still refused, and nothing changes", async () => {
      const { applicationId, alphaLead } = await freshApplication();
      await choose(gateway, alice, applicationId, alpha.id, [PiiCategory.PHONE]);
      expectData(await gateway.request(OUTCOME, { input: { leadId: alphaLead, outcome: "FUNDED", fundedAmount: 45_000 } }, alpha.apiKey));
      const funded = await storedLead(gateway, alphaLead);
      const otherAmount = await gateway.request(OUTCOME, { input: { leadId: alphaLead, outcome: "FUNDED", fundedAmount: 44_000 } }, alpha.apiKey);
      expect(errorsOf(otherAmount)).toEqual([["BAD_USER_INPUT", "fundedAmount"]]);
      const otherOutcome = await gateway.request(OUTCOME, { input: { leadId: alphaLead, outcome: "DECLINED" } }, alpha.apiKey);
      expect(errorsOf(otherOutcome)).toEqual([["BAD_USER_INPUT", "outcome"]]);
      expect(await storedLead(gateway, alphaLead)).toEqual(funded);
    });

    it("DECLINED twice: the second answers DECLINED", async () => {
      const { applicationId, bravoLead } = await freshApplication();
      await choose(gateway, alice, applicationId, bravo.id, [PiiCategory.PHONE]);
      expectData(await gateway.request(OUTCOME, { input: { leadId: bravoLead, outcome: "DECLINED" } }, bravo.apiKey));
      const declined = await storedLead(gateway, bravoLead);
      const again = expectData(await gateway.request(OUTCOME, { input: { leadId: bravoLead, outcome: "DECLINED" } }, bravo.apiKey));
      expect(again.reportOutcome).toEqual({ id: bravoLead, status: "DECLINED", fundedAmount: null });
      expect(await storedLead(gateway, bravoLead)).toEqual(declined);
    });
  });

  it("referralReport sums funded amounts beyond 32 bits exactly (a year of fundings)", async () => {
    const from = new Date(Date.now() - 1000);
    const charlie = await onboardLender(gateway, admin, "Charlie");
    const funded: string[] = [];
    for (let i = 0; i < 2; i += 1) {
      const applicationId = await submitApplication(gateway, alice, uniqueIdentity());
      const lead = await leadIdFor(gateway, charlie, applicationId);
      await choose(gateway, alice, applicationId, charlie.id, [PiiCategory.PHONE]);
      expectData(await gateway.request(OUTCOME, { input: { leadId: lead, outcome: "FUNDED", fundedAmount: 50_000 } }, charlie.apiKey));
      funded.push(lead);
    }
    // Stands in for the ~860 fundings of 5,000,000 a busy lender reaches in a year: two rows
    // whose sum, 4,000,000,000, does not fit GraphQL's 32-bit Int.
    await gateway.dataSource.query("UPDATE leads SET funded_amount = 2000000000 WHERE id IN (?, ?)", funded);
    const result = await gateway.request(REPORT, { from: from.toISOString(), to: new Date(Date.now() + 1000).toISOString() }, admin);
    const row = expectData(result).referralReport.find((stats: any) => stats.lender.id === charlie.id);
    expect(row).toEqual({ lender: { id: charlie.id }, funded: 2, fundedAmount: 4_000_000_000 });
  });
});

describe("a mutation that ends a consent, then a read in the same request", () => {
  it("is decided again after the mutation: the decision before it is not reused", async () => {
    const { gateway, applicant, lenders: [lender] } = await startWithPersonas({ lenders: ["Sequential"] });
    try {
      const applicationId = await submitApplication(gateway, applicant, uniqueIdentity());
      await choose(gateway, applicant, applicationId, lender.id, [PiiCategory.NAME]);
      const leadId = await leadIdFor(gateway, lender, applicationId);
      const both = await gateway.request(`mutation($lead: ID!) {
        a: reportOutcome(input: { leadId: $lead, outcome: APPROVED }) { status application { applicant { fullName } } }
        b: reportOutcome(input: { leadId: $lead, outcome: DECLINED }) { status application { applicant { fullName } } } }`, { lead: leadId }, lender.apiKey);
      expect(both.body.data?.a.application.applicant.fullName).toEqual(expect.any(String));
      // DECLINED ended the consent: the second read is refused, as a next request would be.
      expect(both.body.data?.b.application.applicant.fullName).toBeNull();
      expect(both.body.errors?.map(error => [error.path?.[0], error.extensions?.reason])).toEqual([["b", "CONSENT_TERMINATED"]]);
    } finally {
      await gateway.stop();
    }
  });
});
