import { PiiCategory } from "../../src/model/pii-category";
import { GraphQLResult, TestGateway } from "../support/gateway";
import { uniqueIdentity } from "../support/identities";
import { TestLender, choose, expectData, leadIdFor, submitApplication } from "../support/flow";
import { startWithPersonas } from "../support/personas";
import { OFFER, OUTCOME } from "../support/documents";

const LEAD = `query($id: ID!) { lead(id: $id) { id status fundedAmount offer { id apr amount }
  consent { id status endedAt } application { id status } } }`;
const LEAD_WITH_PHONE = LEAD.replace("application { id status }", "application { id status applicant { phone } }");
const APPLICATION = `query($id: ID!) { application(id: $id) { id status
  leads { id status fundedAmount lender { id } offer { id apr amount termMonths } } consents { id status endedAt lender { id } } } }`;

const codes = (result: GraphQLResult) => (result.body.errors ?? []).map(error => error.extensions?.code);
const statusByLender = (application: any) =>
  Object.fromEntries(application.leads.map((lead: any) => [lead.lender.id, lead.status]));

describe("the lead lifecycle", () => {
  let gateway: TestGateway;
  let alice: string;
  let alpha: TestLender;
  let bravo: TestLender;
  let charlie: TestLender;

  beforeAll(async () => {
    ({ gateway, applicant: alice, lenders: [alpha, bravo, charlie] } = await startWithPersonas({ lenders: ["Alpha", "Bravo", "Charlie"] }));
  });

  afterAll(async () => gateway?.stop());

  describe("offer, choice, outcome", () => {
    const identity = uniqueIdentity();
    let applicationId: string;
    const leads: Record<string, string> = {};
    let offerId: string;

    beforeAll(async () => {
      applicationId = await submitApplication(gateway, alice, identity);
      for (const lender of [alpha, bravo, charlie]) leads[lender.id] = await leadIdFor(gateway, lender, applicationId);
    });

    it("every matched lead starts NEW", async () => {
      const data = expectData(await gateway.request(APPLICATION, { id: applicationId }, alice));
      expect(statusByLender(data.application)).toEqual({ [alpha.id]: "NEW", [bravo.id]: "NEW", [charlie.id]: "NEW" });
    });

    it("makeOffer returns the offer and moves the lead to OFFERED", async () => {
      const expiresAt = new Date(Date.now() + 7 * 86_400_000).toISOString();
      const offer = expectData(await gateway.request(OFFER, {
        input: { leadId: leads[alpha.id], apr: 18.5, amount: 45000, termMonths: 12, expiresAt },
      }, alpha.apiKey)).makeOffer;
      expect(offer).toMatchObject({ apr: 18.5, amount: 45000, termMonths: 12, expiresAt, lead: { id: leads[alpha.id], status: "OFFERED" } });
      offerId = offer.id;
      const lead = expectData(await gateway.request(LEAD, { id: leads[alpha.id] }, alpha.apiKey)).lead;
      expect(lead).toMatchObject({ status: "OFFERED", offer: { id: offerId, apr: 18.5, amount: 45000 } });
    });

    it("a second offer revises the first: same offer, new terms, still OFFERED", async () => {
      const revised = expectData(await gateway.request(OFFER, {
        input: { leadId: leads[alpha.id], apr: 15.2, amount: 50000, termMonths: 24 },
      }, alpha.apiKey)).makeOffer;
      expect(revised).toMatchObject({ id: offerId, apr: 15.2, amount: 50000, termMonths: 24, lead: { status: "OFFERED" } });
      const data = expectData(await gateway.request(APPLICATION, { id: applicationId }, alice));
      const alphaLead = data.application.leads.find((lead: any) => lead.lender.id === alpha.id);
      expect(alphaLead.offer).toEqual({ id: offerId, apr: 15.2, amount: 50000, termMonths: 24 });
    });

    it("refuses an offer above 36% APR or expiring in the past (BAD_USER_INPUT), leaving the offer as it was", async () => {
      const usurious = await gateway.request(OFFER, { input: { leadId: leads[bravo.id], apr: 36.5, amount: 1000, termMonths: 6 } }, bravo.apiKey);
      expect(codes(usurious)).toEqual(["BAD_USER_INPUT"]);
      const expired = await gateway.request(OFFER, {
        input: { leadId: leads[alpha.id], apr: 10, amount: 1000, termMonths: 6, expiresAt: new Date(Date.now() - 60_000).toISOString() },
      }, alpha.apiKey);
      expect(codes(expired)).toEqual(["BAD_USER_INPUT"]);
      expect(expectData(await gateway.request(LEAD, { id: leads[alpha.id] }, alpha.apiKey)).lead.offer.apr).toBe(15.2);
    });

    it("reportOutcome before the applicant chose the lender is BAD_USER_INPUT", async () => {
      const early = await gateway.request(OUTCOME, { input: { leadId: leads[alpha.id], outcome: "APPROVED" } }, alpha.apiKey);
      expect(codes(early)).toEqual(["BAD_USER_INPUT"]);
    });

    it("chooseLender makes the lead CHOSEN and leaves the others as they were", async () => {
      await choose(gateway, alice, applicationId, alpha.id, [PiiCategory.NAME, PiiCategory.PHONE]);
      expect(expectData(await gateway.request(LEAD, { id: leads[alpha.id] }, alpha.apiKey)).lead)
        .toMatchObject({ status: "CHOSEN", consent: { status: "ACTIVE", endedAt: null } });
      const data = expectData(await gateway.request(APPLICATION, { id: applicationId }, alice));
      expect(statusByLender(data.application)).toEqual({ [alpha.id]: "CHOSEN", [bravo.id]: "NEW", [charlie.id]: "NEW" });
    });


    it("FUNDED without fundedAmount, or APPROVED with one, is BAD_USER_INPUT", async () => {
      const missing = await gateway.request(OUTCOME, { input: { leadId: leads[alpha.id], outcome: "FUNDED" } }, alpha.apiKey);
      expect(codes(missing)).toEqual(["BAD_USER_INPUT"]);
      const extra = await gateway.request(OUTCOME, { input: { leadId: leads[alpha.id], outcome: "APPROVED", fundedAmount: 5 } }, alpha.apiKey);
      expect(codes(extra)).toEqual(["BAD_USER_INPUT"]);
    });

    it("the applicant may choose a second lender, which then reads what was consented", async () => {
      await choose(gateway, alice, applicationId, bravo.id, [PiiCategory.PHONE]);
      const lead = expectData(await gateway.request(LEAD_WITH_PHONE, { id: leads[bravo.id] }, bravo.apiKey)).lead;
      expect(lead).toMatchObject({ status: "CHOSEN", consent: { status: "ACTIVE" } });
      expect(lead.application.applicant.phone).toBe(identity.phone);
    });

    it("APPROVED, then FUNDED with fundedAmount", async () => {
      const approved = expectData(await gateway.request(OUTCOME, { input: { leadId: leads[alpha.id], outcome: "APPROVED" } }, alpha.apiKey));
      expect(approved.reportOutcome).toEqual({ id: leads[alpha.id], status: "APPROVED", fundedAmount: null });
      const funded = expectData(await gateway.request(OUTCOME, {
        input: { leadId: leads[alpha.id], outcome: "FUNDED", fundedAmount: 48000 },
      }, alpha.apiKey));
      expect(funded.reportOutcome).toEqual({ id: leads[alpha.id], status: "FUNDED", fundedAmount: 48000 });
    });

    it("funding closes the application and every other lead on it", async () => {
      const data = expectData(await gateway.request(APPLICATION, { id: applicationId }, alice));
      expect(data.application.status).toBe("CLOSED");
      expect(statusByLender(data.application)).toEqual({ [alpha.id]: "FUNDED", [bravo.id]: "CLOSED", [charlie.id]: "CLOSED" });
      expect(expectData(await gateway.request(LEAD, { id: leads[bravo.id] }, bravo.apiKey)).lead.status).toBe("CLOSED");
    });

    it("funding terminates the other lenders' consents: their next identity read is CONSENT_TERMINATED", async () => {
      const result = await gateway.request(LEAD_WITH_PHONE, { id: leads[bravo.id] }, bravo.apiKey);
      expect(result.body.data?.lead.consent).toMatchObject({ status: "TERMINATED", endedAt: expect.any(String) });
      expect(result.body.data?.lead.application.applicant.phone).toBeNull();
      expect((result.body.errors ?? []).map(error => error.extensions)).toEqual([{ code: "FORBIDDEN", reason: "CONSENT_TERMINATED" }]);
      expect(result.text).not.toContain(identity.phone);
    });

    it("a closed lead takes no offer and the closed application no new choice (BAD_USER_INPUT)", async () => {
      const offer = await gateway.request(OFFER, { input: { leadId: leads[bravo.id], apr: 10, amount: 1000, termMonths: 6 } }, bravo.apiKey);
      expect(codes(offer)).toEqual(["BAD_USER_INPUT"]);
      const chooseClosed = await gateway.request("mutation($input: ChooseLenderInput!) { chooseLender(input: $input) { id } }", {
        input: { applicationId, lenderId: bravo.id, categories: [PiiCategory.PHONE] },
      }, alice);
      expect(codes(chooseClosed)).toEqual(["BAD_USER_INPUT"]);
    });

    it("funding closes the funder's consent too (the purpose is met): its next identity read is CONSENT_TERMINATED", async () => {
      const result = await gateway.request(LEAD_WITH_PHONE, { id: leads[alpha.id] }, alpha.apiKey);
      expect(result.body.data?.lead.consent).toMatchObject({ status: "TERMINATED", endedAt: expect.any(String) });
      expect(result.body.data?.lead.application.applicant.phone).toBeNull();
      expect((result.body.errors ?? []).map(error => error.extensions)).toEqual([{ code: "FORBIDDEN", reason: "CONSENT_TERMINATED" }]);
      expect(result.text).not.toContain(identity.phone);
    });
  });

  describe("withdrawApplication", () => {
    const identity = uniqueIdentity();
    let bob: string;
    let applicationId: string;
    const leads: Record<string, string> = {};

    beforeAll(async () => {
      bob = await gateway.token("applicant", "bob");
      applicationId = await submitApplication(gateway, bob, identity);
      for (const lender of [alpha, bravo, charlie]) leads[lender.id] = await leadIdFor(gateway, lender, applicationId);
      expectData(await gateway.request(OFFER, { input: { leadId: leads[bravo.id], apr: 20, amount: 30000, termMonths: 12 } }, bravo.apiKey));
      await choose(gateway, bob, applicationId, alpha.id, [PiiCategory.PHONE, PiiCategory.NAME]);
      await choose(gateway, bob, applicationId, charlie.id, [PiiCategory.PHONE]);
    });

    it("before withdrawal the chosen lender reads the phone (twin of the denial below)", async () => {
      const lead = expectData(await gateway.request(LEAD_WITH_PHONE, { id: leads[alpha.id] }, alpha.apiKey)).lead;
      expect(lead.application.applicant.phone).toBe(identity.phone);
    });

    it("withdrawal marks the application WITHDRAWN, closes every lead and terminates every consent", async () => {
      const withdrawn = expectData(await gateway.request("mutation($id: ID!) { withdrawApplication(id: $id) { id status } }", { id: applicationId }, bob));
      expect(withdrawn.withdrawApplication).toEqual({ id: applicationId, status: "WITHDRAWN" });
      const application = expectData(await gateway.request(APPLICATION, { id: applicationId }, bob)).application;
      expect(application.status).toBe("WITHDRAWN");
      expect(statusByLender(application)).toEqual({ [alpha.id]: "CLOSED", [bravo.id]: "CLOSED", [charlie.id]: "CLOSED" });
      expect(application.consents).toHaveLength(2);
      for (const consent of application.consents) expect(consent).toMatchObject({ status: "TERMINATED", endedAt: expect.any(String) });
    });

    it.each([["Alpha", () => alpha], ["Charlie", () => charlie]])(
      "%s's next identity read is refused with CONSENT_TERMINATED", async (_name, lender) => {
        const result = await gateway.request(LEAD_WITH_PHONE, { id: leads[lender().id] }, lender().apiKey);
        const lead = result.body.data?.lead;
        expect(lead).toMatchObject({ status: "CLOSED", consent: { status: "TERMINATED" }, application: { status: "WITHDRAWN", applicant: { phone: null } } });
        expect((result.body.errors ?? []).map(error => [error.path?.at(-1), error.extensions?.code, error.extensions?.reason]))
          .toEqual([["phone", "FORBIDDEN", "CONSENT_TERMINATED"]]);
        for (const value of Object.values(identity)) expect(result.text).not.toContain(value);
      },
    );

    it("a lender that was never chosen is still told NO_CONSENT", async () => {
      const result = await gateway.request(LEAD_WITH_PHONE, { id: leads[bravo.id] }, bravo.apiKey);
      expect(result.body.errors?.map(error => error.extensions?.reason)).toEqual(["NO_CONSENT"]);
    });

    it("the lenders can no longer act on the withdrawn application", async () => {
      const offer = await gateway.request(OFFER, { input: { leadId: leads[bravo.id], apr: 10, amount: 1000, termMonths: 6 } }, bravo.apiKey);
      expect(codes(offer)).toEqual(["BAD_USER_INPUT"]);
      const outcome = await gateway.request(OUTCOME, { input: { leadId: leads[alpha.id], outcome: "APPROVED" } }, alpha.apiKey);
      expect(codes(outcome)).toEqual(["BAD_USER_INPUT"]);
    });

    it("withdrawing again returns the application unchanged", async () => {
      const again = expectData(await gateway.request("mutation($id: ID!) { withdrawApplication(id: $id) { id status } }", { id: applicationId }, bob));
      expect(again.withdrawApplication.status).toBe("WITHDRAWN");
    });
  });

  describe("who may approve or fund", () => {
    const identity = uniqueIdentity();
    let applicationId: string;
    const leads: Record<string, string> = {};

    beforeAll(async () => {
      applicationId = await submitApplication(gateway, alice, identity);
      for (const lender of [alpha, bravo, charlie]) leads[lender.id] = await leadIdFor(gateway, lender, applicationId);
      const consentId = await choose(gateway, alice, applicationId, alpha.id, [PiiCategory.PHONE]);
      expectData(await gateway.request("mutation($id: ID!) { withdrawConsent(consentId: $id) { status } }", { id: consentId }, alice));
      await choose(gateway, alice, applicationId, bravo.id, [PiiCategory.PHONE]);
    });

    it("a lender whose consent was withdrawn cannot fund (FORBIDDEN, CONSENT_WITHDRAWN) and the application stays open", async () => {
      const result = await gateway.request(OUTCOME, { input: { leadId: leads[alpha.id], outcome: "FUNDED", fundedAmount: 50000 } }, alpha.apiKey);
      expect(result.body.errors?.map(error => [error.extensions?.code, error.extensions?.reason])).toEqual([["FORBIDDEN", "CONSENT_WITHDRAWN"]]);
      const data = expectData(await gateway.request(APPLICATION, { id: applicationId }, alice));
      expect(data.application.status).toBe("SUBMITTED");
      expect(statusByLender(data.application)[bravo.id]).toBe("CHOSEN");
    });

    it("the lender whose consent was withdrawn may still decline its lead (DECLINED needs no consent)", async () => {
      const declined = expectData(await gateway.request(OUTCOME, { input: { leadId: leads[alpha.id], outcome: "DECLINED" } }, alpha.apiKey));
      expect(declined.reportOutcome.status).toBe("DECLINED");
    });

    it("the lender the applicant chose instead approves (positive twin)", async () => {
      const approved = expectData(await gateway.request(OUTCOME, { input: { leadId: leads[bravo.id], outcome: "APPROVED" } }, bravo.apiKey));
      expect(approved.reportOutcome.status).toBe("APPROVED");
    });
  });
});
