import { PiiCategory } from "../../src/model/pii-category";
import { APPROVE_CHANGE, ISSUE_KEY, NOTICE, PENDING_CHANGES, SET_PERMISSIONS, SET_STATUS } from "../support/documents";
import { type TestLender, choose, expectData, leadIdFor, onboardLender, submitApplication } from "../support/flow";
import type { GraphQLResult, TestGateway } from "../support/gateway";
import { uniqueIdentity } from "../support/identities";
import { clientAssertion, registerApprovedKey, requestToken } from "../support/lender-keys";
import { startWithPersonas } from "../support/personas";

const AUDIENCE = "https://gateway.test";
const UPDATE = `mutation($id: ID!, $input: UpdateLenderInput!) { updateLender(lenderId: $id, input: $input) {
  id name legalName contactEmail status criteria { minAmount maxAmount minTermMonths maxTermMonths cities } } }`;
const LENDER = `query($id: ID!) { lender(id: $id) { id name legalName contactEmail status accessible: permittedCategories
  criteria { minAmount maxAmount minTermMonths maxTermMonths cities } apiKeys { id revokedAt } publicKeys { id revokedAt } } }`;
const OFFBOARD = "mutation($id: ID!) { offboardLender(lenderId: $id) { id status } }";
const ACTIONS = `query($id: ID!) { adminActionLog(lenderId: $id, first: 100) { edges { node { action actor summary } } } }`;
const CONSENTS = "query($id: ID!) { application(id: $id) { status leads { lender { id } status } consents { lender { id } status endReason notice { recipientLegalName recipientContact } } } }";
const CRITERIA = { minAmount: 1000, maxAmount: 500000, minTermMonths: 1, maxTermMonths: 60 };

const codesOf = (result: GraphQLResult) => (result.body.errors ?? []).map(error => error.extensions?.code);
const fieldsOf = (result: GraphQLResult) => (result.body.errors ?? []).map(error => error.extensions?.field);
const reasonsOf = (result: GraphQLResult) => (result.body.errors ?? []).map(error => error.extensions?.reason);

describe("lender administration: updateLender and offboardLender", () => {
  let gateway: TestGateway;
  let admin: string;
  let secondAdmin: string;
  let alice: string;
  let bystander: TestLender;

  beforeAll(async () => {
    ({ gateway, admin, secondAdmin, applicant: alice, lenders: [bystander] } = await startWithPersonas({ env: { GATEWAY_ISSUER: AUDIENCE }, lenders: ["Bystander"] }));
  });
  afterAll(async () => gateway?.stop());

  const actionsOf = async (lenderId: string) =>
    expectData(await gateway.request(ACTIONS, { id: lenderId }, admin)).adminActionLog.edges.map((edge: any) => edge.node) as Array<{ action: string; actor: string; summary: string }>;
  const lenderOf = async (id: string) => expectData(await gateway.request(LENDER, { id }, admin)).lender;

  describe("updateLender", () => {
    let lender: TestLender;

    beforeAll(async () => {
      lender = await onboardLender(gateway, admin, "Renamed", [PiiCategory.PHONE]);
    });

    it.each<[string, Record<string, unknown>, string]>([
      ["a blank name", { name: "   " }, "name"],
      ["a blank legal name", { legalName: " " }, "legalName"],
      ["a contact that is no e-mail address", { contactEmail: "not-an-address" }, "contactEmail"],
      ["a minimum amount above the maximum", { criteria: { ...CRITERIA, minAmount: 600000 } }, "criteria.minAmount"],
      ["a minimum term above the maximum", { criteria: { ...CRITERIA, minTermMonths: 61 } }, "criteria.minTermMonths"],
      ["an unknown city", { criteria: { ...CRITERIA, cities: ["Atlantis"] } }, "criteria.cities"],
      ["a name over 100 characters", { name: "x".repeat(101) }, "name"],
      ["a valid name beside a bad contact", { name: "Fine", contactEmail: "nope" }, "contactEmail"],
    ])("refuses %s (BAD_USER_INPUT naming the field) and writes nothing", async (_name, input, field) => {
      const before = await lenderOf(lender.id);
      const actionsBefore = (await actionsOf(lender.id)).length;
      const refused = await gateway.request(UPDATE, { id: lender.id, input }, admin);
      expect(codesOf(refused)).toEqual(["BAD_USER_INPUT"]);
      expect(fieldsOf(refused)).toEqual([field]);
      expect(await lenderOf(lender.id)).toEqual(before);
      expect((await actionsOf(lender.id)).length).toBe(actionsBefore);
    });

    it("changes the fields given, records the action; consents given keep their notice, new notices name the new legal name", async () => {
      const applicationId = await submitApplication(gateway, alice, uniqueIdentity());
      await choose(gateway, alice, applicationId, lender.id, [PiiCategory.PHONE]);
      const updated = expectData(await gateway.request(UPDATE, {
        id: lender.id, input: { legalName: "Renamed Finance Holdings Ltd.", contactEmail: "dpo@renamed.example", criteria: { ...CRITERIA, cities: ["上海"] } },
      }, admin)).updateLender;
      expect(updated).toMatchObject({
        name: "Renamed", legalName: "Renamed Finance Holdings Ltd.", contactEmail: "dpo@renamed.example", criteria: { ...CRITERIA, cities: ["上海市"] },
      });
      expect(await lenderOf(lender.id)).toMatchObject({ legalName: "Renamed Finance Holdings Ltd.", contactEmail: "dpo@renamed.example" });
      const [latest] = await actionsOf(lender.id);
      // The recipient's old and new names are in the log: a rename cannot pass as a formality.
      expect(latest).toEqual({
        action: "updateLender", actor: "ops-1",
        summary: 'updated legalName "Renamed Consumer Finance Co., Ltd." -> "Renamed Finance Holdings Ltd.", contactEmail "privacy@renamed.example" -> "dpo@renamed.example", criteria',
      });
      // The consent given before keeps the notice as the applicant agreed to it.
      const consents = expectData(await gateway.request(CONSENTS, { id: applicationId }, alice)).application.consents;
      expect(consents.find((consent: any) => consent.lender.id === lender.id).notice).toEqual({
        recipientLegalName: "Renamed Consumer Finance Co., Ltd.", recipientContact: "privacy@renamed.example",
      });
      // A notice built now names the new recipient (the lender now serves Shanghai, where the flow's applications are not).
      expectData(await gateway.request(UPDATE, { id: lender.id, input: { criteria: CRITERIA } }, admin));
      const next = await submitApplication(gateway, alice, uniqueIdentity());
      const notice = expectData(await gateway.request(NOTICE, { a: next, l: lender.id, c: [PiiCategory.PHONE] }, alice)).consentNotice;
      expect(notice).toMatchObject({ recipientLegalName: "Renamed Finance Holdings Ltd.", recipientContact: "dpo@renamed.example" });
    });

    it("a new contact, as a new legal name, makes a widening waiting for a second admin stale", async () => {
      expectData(await gateway.request(SET_PERMISSIONS, { id: lender.id, categories: [PiiCategory.PHONE, PiiCategory.NATIONAL_ID] }, admin));
      const [pending] = expectData(await gateway.request(PENDING_CHANGES, { id: lender.id }, secondAdmin)).lender.pendingChanges as Array<{ id: string }>;
      expect(pending).toBeDefined();
      expectData(await gateway.request(UPDATE, { id: lender.id, input: { contactEmail: "dpo2@renamed.example" } }, admin));
      const refused = await gateway.request(APPROVE_CHANGE, { id: pending.id }, secondAdmin);
      expect(reasonsOf(refused)).toEqual(["CHANGE_STALE"]);
      // Its twin: requested again, for the recipient as it now is, the second admin approves.
      expectData(await gateway.request(SET_PERMISSIONS, { id: lender.id, categories: [PiiCategory.PHONE, PiiCategory.NATIONAL_ID] }, admin));
      const waiting = expectData(await gateway.request(PENDING_CHANGES, { id: lender.id }, secondAdmin)).lender.pendingChanges as Array<{ id: string }>;
      const again = waiting.find(change => change.id !== pending.id)!;
      expect(expectData(await gateway.request(APPROVE_CHANGE, { id: again.id }, secondAdmin)).approveAdminChange.status).toBe("APPLIED");
    });

    it("an unchanged value records nothing; lenders and applicants may not call it; an unknown lender is NOT_FOUND", async () => {
      const before = (await actionsOf(lender.id)).length;
      expectData(await gateway.request(UPDATE, { id: lender.id, input: { name: "Renamed" } }, admin));
      expect((await actionsOf(lender.id)).length).toBe(before);
      expect(codesOf(await gateway.request(UPDATE, { id: lender.id, input: { name: "Mine" } }, lender.apiKey))).toEqual(["FORBIDDEN"]);
      expect(codesOf(await gateway.request(UPDATE, { id: lender.id, input: { name: "Mine" } }, alice))).toEqual(["FORBIDDEN"]);
      expect(codesOf(await gateway.request(UPDATE, { id: "00000000-0000-0000-0000-000000000000", input: { name: "Ghost" } }, admin))).toEqual(["NOT_FOUND"]);
      expect((await lenderOf(lender.id)).name).toBe("Renamed");
    });
  });

  describe("offboardLender", () => {
    let leaving: TestLender;
    let chosenApplication: string;
    let openApplication: string;
    let accessToken: string;

    beforeAll(async () => {
      leaving = await onboardLender(gateway, admin, "Leaving");
      chosenApplication = await submitApplication(gateway, alice, uniqueIdentity());
      await choose(gateway, alice, chosenApplication, leaving.id, [PiiCategory.PHONE]);
      openApplication = await submitApplication(gateway, alice, uniqueIdentity());
      const pair = await registerApprovedKey(gateway, admin, secondAdmin, leaving.id);
      const token = await requestToken(gateway, await clientAssertion(pair, leaving.id, AUDIENCE));
      accessToken = token.body.access_token as string;
      // Before: every credential works and identity is read under the consent.
      const lead = await leadIdFor(gateway, leaving, chosenApplication);
      for (const credential of [leaving.apiKey, accessToken]) {
        const read = expectData(await gateway.request("query($id: ID!) { lead(id: $id) { application { applicant { phone } } } }", { id: lead }, credential));
        expect(read.lead.application.applicant.phone).toEqual(expect.any(String));
      }
    });

    it("one admin offboards: consents end with LENDER_OFFBOARDED, open leads close, every credential is refused at once", async () => {
      const done = expectData(await gateway.request(OFFBOARD, { id: leaving.id }, admin)).offboardLender;
      expect(done).toEqual({ id: leaving.id, status: "OFFBOARDED" });
      for (const credential of [leaving.apiKey, accessToken]) {
        const refused = await gateway.request("query { leads(first: 1) { edges { node { id } } } }", {}, credential);
        expect(refused.status).toBe(401);
        expect(codesOf(refused)).toEqual(["UNAUTHENTICATED"]);
      }
      const chosen = expectData(await gateway.request(CONSENTS, { id: chosenApplication }, alice)).application;
      expect(chosen.consents.find((consent: any) => consent.lender.id === leaving.id)).toMatchObject({ status: "TERMINATED", endReason: "LENDER_OFFBOARDED" });
      expect(chosen.leads.find((lead: any) => lead.lender.id === leaving.id).status).toBe("CLOSED");
      const open = expectData(await gateway.request(CONSENTS, { id: openApplication }, alice)).application;
      expect(open.leads.find((lead: any) => lead.lender.id === leaving.id).status).toBe("CLOSED");
      // Its other leads' applications stay open; the bystander lender is untouched and still served.
      expect(open.status).toBe("SUBMITTED");
      expect(open.leads.find((lead: any) => lead.lender.id === bystander.id).status).toBe("NEW");
      expect(codesOf(await gateway.request("query { leads(first: 1) { edges { node { id } } } }", {}, bystander.apiKey))).toEqual([]);
      const keys = await lenderOf(leaving.id);
      expect(keys.apiKeys.every((key: any) => key.revokedAt !== null)).toBe(true);
      expect(keys.publicKeys.every((key: any) => key.revokedAt !== null)).toBe(true);
      const [recorded] = await actionsOf(leaving.id);
      expect(recorded).toEqual({ action: "offboardLender", actor: "ops-1", summary: "offboarded: 1 consents ended, 2 leads closed, 1 API keys and 1 public keys revoked" });
    });

    it("is final: never reactivated or suspended, issued no key; repeating it changes nothing; new applications make it no lead", async () => {
      for (const status of ["ACTIVE", "SUSPENDED"]) {
        const refused = await gateway.request(SET_STATUS, { id: leaving.id, status }, admin);
        expect(codesOf(refused)).toEqual(["BAD_USER_INPUT"]);
        expect(reasonsOf(refused)).toEqual(["LENDER_OFFBOARDED"]);
      }
      expect(reasonsOf(await gateway.request(ISSUE_KEY, { id: leaving.id, label: "again" }, admin))).toEqual(["LENDER_OFFBOARDED"]);
      expect(reasonsOf(await gateway.request(UPDATE, { id: leaving.id, input: { name: "Back" } }, admin))).toEqual(["LENDER_OFFBOARDED"]);
      const before = (await actionsOf(leaving.id)).length;
      expect(expectData(await gateway.request(OFFBOARD, { id: leaving.id }, admin)).offboardLender.status).toBe("OFFBOARDED");
      expect((await actionsOf(leaving.id)).length).toBe(before);
      const later = await submitApplication(gateway, alice, uniqueIdentity());
      const leads = expectData(await gateway.request(CONSENTS, { id: later }, alice)).application.leads;
      expect(leads.map((lead: any) => lead.lender.id)).not.toContain(leaving.id);
      expect((await lenderOf(leaving.id)).status).toBe("OFFBOARDED");
    });

    it("setLenderStatus never offboards (it has its own operation); lenders and applicants may not offboard", async () => {
      const refused = await gateway.request(SET_STATUS, { id: bystander.id, status: "OFFBOARDED" }, admin);
      expect(codesOf(refused)).toEqual(["BAD_USER_INPUT"]);
      expect(fieldsOf(refused)).toEqual(["status"]);
      expect(codesOf(await gateway.request(OFFBOARD, { id: bystander.id }, bystander.apiKey))).toEqual(["FORBIDDEN"]);
      expect(codesOf(await gateway.request(OFFBOARD, { id: bystander.id }, alice))).toEqual(["FORBIDDEN"]);
      expect((await lenderOf(bystander.id)).status).toBe("ACTIVE");
    });
  });
});
