import { Application } from "../../src/model/application.entity";
import { Consent } from "../../src/model/consent.entity";
import { Offer } from "../../src/model/offer.entity";
import { Lender } from "../../src/model/lender.entity";
import { PiiCategory } from "../../src/model/pii-category";
import { GraphQLResult, TestGateway } from "../support/gateway";
import { uniqueIdentity } from "../support/identities";
import { CHOOSE, CREATE_LENDER, SUBMIT } from "../support/documents";
import { TestLender, applicationInput, choose, expectData, leadIdFor, submitApplication } from "../support/flow";
import { startWithPersonas } from "../support/personas";

const codes = (result: GraphQLResult) => (result.body.errors ?? []).map(error => error.extensions?.code);

describe("IDOR and mass assignment", () => {
  let gateway: TestGateway;
  let admin: string;
  let alice: string;
  let bob: string;
  let alpha: TestLender;
  let beta: TestLender;
  let aliceApplication: string;
  let bobApplication: string;
  let aliceConsent: string;
  let alphaLeadOnAlice: string;
  let betaLeadOnAlice: string;
  /** Alice's own objects the withdraw twins may consume without closing the leads used later. */
  let spareApplication: string;
  let spareConsent: string;

  beforeAll(async () => {
    ({ gateway, admin, applicant: alice, otherApplicant: bob, lenders: [alpha, beta] } = await startWithPersonas({ lenders: ["AlphaIdor", "BetaIdor"] }));
    aliceApplication = await submitApplication(gateway, alice, uniqueIdentity());
    bobApplication = await submitApplication(gateway, bob, uniqueIdentity());
    aliceConsent = await choose(gateway, alice, aliceApplication, alpha.id, [PiiCategory.PHONE]);
    alphaLeadOnAlice = await leadIdFor(gateway, alpha, aliceApplication);
    betaLeadOnAlice = await leadIdFor(gateway, beta, aliceApplication);
    spareApplication = await submitApplication(gateway, alice, uniqueIdentity());
    spareConsent = await choose(gateway, alice, spareApplication, alpha.id, [PiiCategory.PHONE]);
  });
  afterAll(async () => gateway?.stop());

  async function snapshot() {
    const source = gateway.dataSource;
    return {
      applications: await source.getRepository(Application).find({ select: { id: true, status: true }, order: { id: "ASC" } }),
      consents: await source.getRepository(Consent).find({ select: { id: true, storedStatus: true }, order: { id: "ASC" } }),
      offers: await source.getRepository(Offer).count(),
      lenders: await source.getRepository(Lender).count(),
    };
  }

  describe("an applicant naming another applicant's objects: NOT_FOUND through every entry point, nothing changed", () => {
    const entryPoints: Array<[string, string, () => Record<string, unknown>, () => Record<string, unknown>]> = [
      ["application(id)", "query($id: ID!) { application(id: $id) { id } }", () => ({ id: bobApplication }), () => ({ id: aliceApplication })],
      ["chooseLender(applicationId)", CHOOSE,
        () => ({ input: { applicationId: bobApplication, lenderId: beta.id, categories: [PiiCategory.NAME] } }),
        () => ({ input: { applicationId: aliceApplication, lenderId: beta.id, categories: [PiiCategory.NAME] } })],
      ["withdrawConsent(consentId)", "mutation($id: ID!) { withdrawConsent(consentId: $id) { id } }",
        () => ({ id: aliceConsent }), () => ({ id: spareConsent })],
      ["withdrawApplication(id)", "mutation($id: ID!) { withdrawApplication(id: $id) { id } }",
        () => ({ id: aliceApplication }), () => ({ id: spareApplication })],
    ];

    it.each(entryPoints)("%s", async (_name, document, foreign) => {
      // For the last two the attacker is Bob, naming Alice's consent and application.
      const attacker = document.includes("withdraw") ? bob : alice;
      const before = await snapshot();
      const result = await gateway.request(document, foreign(), attacker);
      expect(codes(result)).toEqual(["NOT_FOUND"]);
      expect(Object.values(result.body.data ?? {}).every(value => value === null)).toBe(true);
      expect(await snapshot()).toEqual(before);
    });

    it.each(entryPoints)("positive twin: %s on one's own object is answered", async (_name, document, _foreign, own) => {
      expect(codes(await gateway.request(document, own(), alice))).toEqual([]);
    });
  });

  describe("a lender naming another lender's lead: NOT_FOUND, nothing changed", () => {
    const entryPoints: Array<[string, string]> = [
      ["lead(id)", "query($id: ID!) { lead(id: $id) { id } }"],
      ["makeOffer(leadId)", "mutation($id: ID!) { makeOffer(input: { leadId: $id, apr: 10, amount: 30000, termMonths: 12 }) { id } }"],
      ["reportOutcome(leadId)", "mutation($id: ID!) { reportOutcome(input: { leadId: $id, outcome: APPROVED }) { id } }"],
    ];

    it.each(entryPoints)("%s", async (_name, document) => {
      const before = await snapshot();
      const result = await gateway.request(document, { id: alphaLeadOnAlice }, beta.apiKey);
      expect(codes(result)).toEqual(["NOT_FOUND"]);
      expect(Object.values(result.body.data ?? {}).every(value => value === null)).toBe(true);
      expect(await snapshot()).toEqual(before);
    });

    it("positive twin: each entry point on the lender's own lead is answered", async () => {
      const applicationId = await submitApplication(gateway, alice, uniqueIdentity());
      const ownLead = await leadIdFor(gateway, beta, applicationId);
      const answered = async (document: string) => {
        const result = await gateway.request(document, { id: ownLead }, beta.apiKey);
        expect(result.body.errors ? result.text : "answered").toBe("answered");
      };
      await answered(entryPoints[0][1]);
      await answered(entryPoints[1][1]);
      await choose(gateway, alice, applicationId, beta.id, [PiiCategory.NAME]);
      await answered(entryPoints[2][1]);
    });
  });

  describe("mass assignment: inputs carrying fields they must not are rejected and write nothing", () => {
    const lenderInput = {
      name: "Mass", legalName: "Mass Co.", contactEmail: "privacy@mass.example",
      criteria: { minAmount: 1000, maxAmount: 2000, minTermMonths: 1, maxTermMonths: 3 },
    };
    const cases: Array<[string, string, () => Record<string, unknown>, () => string]> = [
      ["submitApplication with status", SUBMIT, () => ({ input: { ...applicationInput(uniqueIdentity()), status: "APPROVED" }, key: "mass-1" }), () => alice],
      ["submitApplication with applicantId", SUBMIT, () => ({ input: { ...applicationInput(uniqueIdentity()), applicantId: "x" }, key: "mass-2" }), () => alice],
      ["chooseLender with status", CHOOSE,
        () => ({ input: { applicationId: aliceApplication, lenderId: beta.id, categories: ["NAME"], status: "ACTIVE" } }), () => alice],
      ["chooseLender with a nested lender object", CHOOSE,
        () => ({ input: { applicationId: aliceApplication, lenderId: beta.id, categories: ["NAME"], lender: { id: beta.id } } }), () => alice],
      ["createLender with status", CREATE_LENDER, () => ({ input: { ...lenderInput, status: "ACTIVE" } }), () => admin],
      ["createLender with permittedCategories", CREATE_LENDER, () => ({ input: { ...lenderInput, permittedCategories: ["NAME"] } }), () => admin],
      ["createLender with an id", CREATE_LENDER, () => ({ input: { ...lenderInput, id: "chosen-id" } }), () => admin],
      ["createLender with a nested extra in criteria", CREATE_LENDER,
        () => ({ input: { ...lenderInput, criteria: { ...lenderInput.criteria, lender: { id: "x" } } } }), () => admin],
      ["makeOffer with lenderId", "mutation($input: MakeOfferInput!) { makeOffer(input: $input) { id } }",
        () => ({ input: { leadId: betaLeadOnAlice, apr: 10, amount: 30000, termMonths: 12, lenderId: alpha.id } }), () => beta.apiKey],
    ];

    it.each(cases)("%s", async (_name, document, variables, caller) => {
      const before = await snapshot();
      const result = await gateway.request(document, variables(), caller());
      expect(codes(result)).toEqual(["BAD_USER_INPUT"]);
      expect(Object.values(result.body.data ?? {}).every(value => value === null)).toBe(true);
      expect(await snapshot()).toEqual(before);
    });

    it("inline in the document, an extra field is a validation error too", async () => {
      const result = await gateway.request(`mutation { createLender(input: { name: "M", legalName: "M Co.", contactEmail: "a@m.example",
        status: SUSPENDED, criteria: { minAmount: 1000, maxAmount: 2000, minTermMonths: 1, maxTermMonths: 3 } }) { id } }`, {}, admin);
      expect(codes(result)).toEqual(["GRAPHQL_VALIDATION_FAILED"]);
    });

    it("positive twin: the same inputs without the extra fields are accepted", async () => {
      expectData(await gateway.request(CREATE_LENDER, { input: lenderInput }, admin));
      expectData(await gateway.request(SUBMIT, { input: applicationInput(uniqueIdentity()), key: "mass-ok" }, alice));
    });
  });
});
