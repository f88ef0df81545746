import { ApplicantRecord } from "../../src/model/applicant.entity";
import { Application } from "../../src/model/application.entity";
import { Consent } from "../../src/model/consent.entity";
import { Lead } from "../../src/model/lead.entity";
import { Offer } from "../../src/model/offer.entity";
import { Lender } from "../../src/model/lender.entity";
import { PiiCategory } from "../../src/model/pii-category";
import { DIVISIONS } from "../../src/regions/division-dataset";
import { GraphQLResult, TestGateway } from "../support/gateway";
import { residentId, uniqueIdentity } from "../support/identities";
import { CHOOSE, CREATE_LENDER, SUBMIT } from "../support/documents";
import { TestLender, applicationInput, choose, expectData, leadIdFor, submitApplication } from "../support/flow";
import { startWithPersonas } from "../support/personas";

/** One province and three cities, each spelled as short name, full name or code. */
const SPELLINGS = ["北京", "北京市", "110000", "成都", "成都市", "510100", "四川", "四川省", "510000", "拉萨"];
const MAKE_OFFER = `mutation($input: MakeOfferInput!) { makeOffer(input: $input) { id apr } }`;
const REPORT_OUTCOME = `mutation($input: ReportOutcomeInput!) { reportOutcome(input: $input) { id status } }`;
const OWN_IDENTITY = `query($id: ID!) { application(id: $id) { applicant { phone nationalId } } }`;

/** Every table a mutation could write, row by row: "nothing written" compares the whole state. */
const TABLES = { applicants: ApplicantRecord, applications: Application, leads: Lead, offers: Offer, consents: Consent, lenders: Lender };

/** A valid resident ID number whose check character is X, so a lowercase x can be tried. */
function residentIdEndingInX(): string {
  for (let sequence = 100; sequence < 1000; sequence++) {
    const id = residentId("110105", "19851120", String(sequence));
    if (id.endsWith("X")) return id;
  }
  throw new Error("no sequence gives check character X");
}

describe("input validation over HTTP: coded errors, the field named, the value not echoed, nothing written", () => {
  let gateway: TestGateway;
  let admin: string;
  let alice: string;
  let bob: string;
  let alpha: TestLender;
  let beta: TestLender;
  let narrow: TestLender;
  let aliceApplication: string;
  let bobApplication: string;
  let alphaLead: string;
  let betaLead: string;
  const aliceIdentity = uniqueIdentity("19900307");

  async function tableState(): Promise<Record<string, unknown[]>> {
    const state: Record<string, unknown[]> = {};
    for (const [table, entity] of Object.entries(TABLES)) {
      state[table] = await gateway.dataSource.getRepository<{ id: string }>(entity).find({ order: { id: "ASC" } });
    }
    return state;
  }

  /** Sends the request and checks it failed with `code` (and `field`) and left every table as it was. */
  async function expectRejected(send: () => Promise<GraphQLResult>, code: string, field?: string): Promise<GraphQLResult> {
    const before = await tableState();
    const result = await send();
    expect(result.body.errors).toHaveLength(1);
    const error = result.body.errors![0];
    expect(error.extensions?.code).toBe(code);
    if (field !== undefined) expect(error.extensions?.field).toBe(field);
    expect(await tableState()).toEqual(before);
    return result;
  }

  beforeAll(async () => {
    ({ gateway, admin, applicant: alice, otherApplicant: bob, lenders: [alpha, beta, narrow] } = await startWithPersonas({
      lenders: ["Alpha", "Beta", { name: "Narrow", permitted: [], criteria: { minAmount: 1000000, maxAmount: 2000000, minTermMonths: 1, maxTermMonths: 60 } }],
    }));
    aliceApplication = await submitApplication(gateway, alice, aliceIdentity);
    bobApplication = await submitApplication(gateway, bob, uniqueIdentity("19850512"));
    alphaLead = await leadIdFor(gateway, alpha, aliceApplication);
    betaLead = await leadIdFor(gateway, beta, aliceApplication);
    await choose(gateway, alice, aliceApplication, alpha.id, [PiiCategory.NAME]);
  });

  afterAll(async () => gateway?.stop());

  describe("submitApplication", () => {
    const valid = applicationInput(uniqueIdentity("19920415"));
    const thisYear = new Date().getUTCFullYear();
    const goodId = valid.nationalId;
    const wrongCheck = goodId.slice(0, 17) + (goodId.endsWith("0") ? "1" : "0");
    const february30 = residentId("110105", "19900230", "123");
    const future = residentId("110105", `${thisYear + 1}0101`, "123");
    const minor = residentId("110105", `${thisYear - 17}1231`, "123");
    const long = "长".repeat(10000);
    // [case, input overrides, idempotency key (default: a fresh valid one), field named in extensions, the bad value].
    // Wrong GraphQL types (1500.5, "50000", GAMBLING, a number for phone) fail variable coercion before any resolver.
    const cases: Array<[string, Record<string, unknown>, string | undefined, string, unknown]> = [
      ["amount below the range", { amount: 999 }, undefined, "amount", 999],
      ["amount above the range", { amount: 5000001 }, undefined, "amount", 5000001],
      ["amount not an integer", { amount: 1500.5 }, undefined, "amount", 1500.5],
      ["amount as a string", { amount: "50000" }, undefined, "amount", "50000"],
      ["amount missing", { amount: undefined }, undefined, "amount", undefined],
      ["termMonths zero", { termMonths: 0 }, undefined, "termMonths", 0],
      ["termMonths above 360", { termMonths: 361 }, undefined, "termMonths", 361],
      ["unknown purpose", { purpose: "GAMBLING" }, undefined, "purpose", "GAMBLING"],
      ["empty city", { city: "" }, undefined, "city", ""],
      ["blank city", { city: "   " }, undefined, "city", "   "],
      ["10,000-character city", { city: long }, undefined, "city", long],
      ["10,000-character fullName", { fullName: long }, undefined, "fullName", long],
      ["negative monthlyIncome", { monthlyIncome: -1 }, undefined, "monthlyIncome", -1],
      ["nationalId with a wrong check character", { nationalId: wrongCheck }, undefined, "nationalId", wrongCheck],
      ["nationalId of 17 characters", { nationalId: goodId.slice(0, 17) }, undefined, "nationalId", goodId.slice(0, 17)],
      ["nationalId born on February 30", { nationalId: february30 }, undefined, "nationalId", february30],
      ["nationalId born in the future", { nationalId: future }, undefined, "nationalId", future],
      ["nationalId of a minor", { nationalId: minor }, undefined, "nationalId", minor],
      ["phone of 12 digits", { phone: "139123456789" }, undefined, "phone", "139123456789"],
      ["phone starting 12", { phone: "12912345678" }, undefined, "phone", "12912345678"],
      ["phone as a number", { phone: 13912345678 }, undefined, "phone", 13912345678],
      ["malformed email", { email: "canary-not-an-email@" }, undefined, "email", "canary-not-an-email@"],
      ["empty idempotencyKey", {}, "", "idempotencyKey", ""],
      ["500-character idempotencyKey", {}, "k".repeat(500), "idempotencyKey", "k".repeat(500)],
      ["idempotencyKey with spaces", {}, "retry key 1", "idempotencyKey", "retry key 1"],
    ];

    it.each(cases)("rejects %s", async (_name, overrides, key, field, badValue) => {
      const result = await expectRejected(
        () => gateway.request(SUBMIT, { input: { ...valid, ...overrides }, key: key ?? `bad-${Math.random().toString(36).slice(2)}` }, alice),
        "BAD_USER_INPUT",
        field,
      );
      if (badValue !== undefined && String(badValue).trim() !== "") expect(result.body.errors![0].message).not.toContain(String(badValue));
      // Nor any other identity value of the payload (graphql-js would print the whole input for some type errors).
      for (const value of [valid.fullName, valid.nationalId, valid.phone, valid.email]) expect(result.text).not.toContain(value);
    });

    it.each([
      ["a +86 phone", (phone: string) => ({ phone: `+86 ${phone}` }), undefined],
      ["a 0086 phone", (phone: string) => ({ phone: `0086${phone}` }), undefined],
      ["a lowercase-x nationalId", () => ({ nationalId: residentIdEndingInX().toLowerCase() }), residentIdEndingInX()],
    ])("accepts %s and stores it normalized", async (name, override, normalizedId) => {
      const identity = uniqueIdentity("19880808");
      const applicant = await gateway.token("applicant", `twin-${name}`);
      const input = applicationInput(identity, override(identity.phone));
      const submitted = expectData(await gateway.request(SUBMIT, { input, key: "twin-1" }, applicant));
      const read = expectData(await gateway.request(OWN_IDENTITY, { id: submitted.submitApplication.id }, applicant));
      expect(read.application.applicant.phone).toBe(identity.phone);
      expect(read.application.applicant.nationalId).toBe(normalizedId ?? identity.nationalId);
    });
  });

  describe("createLender", () => {
    const criteria = { minAmount: 1000, maxAmount: 500000, minTermMonths: 1, maxTermMonths: 60 };
    const lender = { name: "Delta", legalName: "Delta Consumer Finance Co., Ltd.", contactEmail: "privacy@delta.example", criteria };

    it.each([
      ["minAmount above maxAmount", { criteria: { ...criteria, minAmount: 600000 } }, "criteria.minAmount"],
      ["a malformed contactEmail", { contactEmail: "privacy-at-delta" }, "contactEmail"],
      ["an empty name", { name: "" }, "name"],
      ["a blank name", { name: "   " }, "name"],
    ])("rejects %s", async (_name, overrides, field) => {
      await expectRejected(() => gateway.request(CREATE_LENDER, { input: { ...lender, ...overrides } }, admin), "BAD_USER_INPUT", field);
    });

    it("accepts the valid twin", async () => {
      expectData(await gateway.request(CREATE_LENDER, { input: lender }, admin));
    });
  });

  describe("makeOffer", () => {
    const offer = () => ({ leadId: betaLead, apr: 12.5, amount: 50000, termMonths: 12, expiresAt: new Date(Date.now() + 86400000).toISOString() });

    it.each([
      ["apr 0", { apr: 0 }, "apr"],
      ["apr 50", { apr: 50 }, "apr"],
      ["expiresAt in the past", { expiresAt: "2020-01-01T00:00:00.000Z" }, "expiresAt"],
    ])("rejects %s", async (_name, overrides, field) => {
      await expectRejected(() => gateway.request(MAKE_OFFER, { input: { ...offer(), ...overrides } }, beta.apiKey), "BAD_USER_INPUT", field);
    });

    it("treats another lender's lead as NOT_FOUND", async () => {
      await expectRejected(() => gateway.request(MAKE_OFFER, { input: { ...offer(), leadId: betaLead } }, alpha.apiKey), "NOT_FOUND");
    });

    it("accepts the valid twin", async () => {
      expectData(await gateway.request(MAKE_OFFER, { input: offer() }, beta.apiKey));
    });
  });

  describe("reportOutcome", () => {
    it("rejects FUNDED without fundedAmount", async () => {
      await expectRejected(
        () => gateway.request(REPORT_OUTCOME, { input: { leadId: alphaLead, outcome: "FUNDED" } }, alpha.apiKey),
        "BAD_USER_INPUT",
        "fundedAmount",
      );
    });

    it("rejects an outcome on a lead the applicant did not choose", async () => {
      await expectRejected(
        () => gateway.request(REPORT_OUTCOME, { input: { leadId: betaLead, outcome: "APPROVED" } }, beta.apiKey),
        "BAD_USER_INPUT",
        "outcome",
      );
    });

    it("accepts the valid twin on the chosen lead", async () => {
      const data = expectData(await gateway.request(REPORT_OUTCOME, { input: { leadId: alphaLead, outcome: "APPROVED" } }, alpha.apiKey));
      expect(data.reportOutcome.status).toBe("APPROVED");
    });
  });

  describe("chooseLender", () => {
    const send = (token: string, input: Record<string, unknown>) => () => gateway.request(CHOOSE, { input }, token);

    it("rejects empty categories", async () => {
      await expectRejected(send(alice, { applicationId: aliceApplication, lenderId: beta.id, categories: [] }), "BAD_USER_INPUT", "categories");
    });

    it("treats a lender without a lead on the application as NOT_FOUND", async () => {
      await expectRejected(send(alice, { applicationId: aliceApplication, lenderId: narrow.id, categories: ["NAME"] }), "NOT_FOUND");
    });

    it("treats another applicant's application as NOT_FOUND", async () => {
      await expectRejected(send(alice, { applicationId: bobApplication, lenderId: alpha.id, categories: ["NAME"] }), "NOT_FOUND");
    });

    it("accepts the valid twin", async () => {
      expectData(await gateway.request(CHOOSE, { input: { applicationId: aliceApplication, lenderId: beta.id, categories: ["NAME"] } }, alice));
    });
  });

  describe("connections", () => {
    const pages = [
      ["myApplications", () => alice],
      ["leads", () => alpha.apiKey],
      ["lenders", () => admin],
    ] as const;

    it.each(pages)("%s refuses first: 101 and a garbage cursor, accepts first: 100", async (field, token) => {
      const query = `query($first: Int, $after: String) { ${field}(first: $first, after: $after) { edges { cursor } } }`;
      await expectRejected(() => gateway.request(query, { first: 101 }, token()), "BAD_USER_INPUT", "first");
      const garbage = await expectRejected(() => gateway.request(query, { after: "not-a-cursor" }, token()), "BAD_USER_INPUT", "after");
      expect(garbage.body.errors![0].message).not.toContain("not-a-cursor");
      expect(expectData(await gateway.request(query, { first: 100 }, token()))[field].edges.length).toBeGreaterThan(0);
    });
  });

  describe("createLender: the criteria ranges are checked inside the nested input", () => {
    const criteria = { minAmount: 1000, maxAmount: 500000, minTermMonths: 1, maxTermMonths: 60 };
    const lender = { name: "Echo", legalName: "Echo Consumer Finance Co., Ltd.", contactEmail: "privacy@echo.example", criteria };

    it.each([
      ["a negative minAmount", { minAmount: -100 }, "criteria.minAmount"],
      ["minAmount 0", { minAmount: 0 }, "criteria.minAmount"],
      ["maxAmount above 10,000,000", { maxAmount: 2000000000 }, "criteria.maxAmount"],
      ["minTermMonths 0", { minTermMonths: 0 }, "criteria.minTermMonths"],
      ["maxTermMonths above 360", { maxTermMonths: 100000 }, "criteria.maxTermMonths"],
      ["501 cities", { cities: Array.from({ length: 501 }, (_unused, index) => SPELLINGS[index % SPELLINGS.length]) }, "criteria.cities"],
      ["a 65-character city", { cities: ["北京", "长".repeat(65)] }, "criteria.cities"],
      ["an empty city", { cities: ["北京", ""] }, "criteria.cities"],
    ])("rejects %s, naming the nested field", async (_name, overrides, field) => {
      const result = await expectRejected(
        () => gateway.request(CREATE_LENDER, { input: { ...lender, criteria: { ...criteria, ...overrides } } }, admin), "BAD_USER_INPUT", field,
      );
      expect(result.body.errors![0].extensions?.fields).toEqual([field]);
    });

    it("rejects every bad range at once, naming each (the inline literal of the report)", async () => {
      const result = await expectRejected(() => gateway.request(`mutation { createLender(input: {
        name: "Echo", legalName: "Echo Co.", contactEmail: "privacy@echo.example",
        criteria: { minAmount: -100, maxAmount: 2000000000, minTermMonths: 0, maxTermMonths: 100000 } }) { id } }`, {}, admin),
      "BAD_USER_INPUT", "criteria.minAmount");
      expect(result.body.errors![0].extensions?.fields)
        .toEqual(["criteria.minAmount", "criteria.maxAmount", "criteria.minTermMonths", "criteria.maxTermMonths"]);
      expect(result.body.data ?? null).toBeNull();
    });

    // Cities are a closed vocabulary now, so the boundary twins use real names: 500 entries spelled
    // several ways (stored once each), and every province and city of the mainland by code.
    const everyRegion = [...DIVISIONS.values()].filter(division => division.level === "PROVINCE" || division.cityCode === division.code);
    it.each([
      ["500 cities", Array.from({ length: 500 }, (_unused, index) => SPELLINGS[index % SPELLINGS.length]), ["北京市", "成都市", "四川省", "拉萨市"]],
      ["every province and city by code", everyRegion.map(division => division.code), everyRegion.map(division => division.name)],
    ])("positive twin: the boundary amounts and terms with %s are accepted and stored", async (name, cities, names) => {
      const edges = { minAmount: 1, maxAmount: 10_000_000, minTermMonths: 1, maxTermMonths: 360, cities };
      const created = expectData(await gateway.request(`mutation($input: CreateLenderInput!) { createLender(input: $input) {
        id criteria { minAmount maxAmount minTermMonths maxTermMonths cities } } }`, { input: { ...lender, name: `Echo ${name}`, criteria: edges } }, admin));
      expect(created.createLender.criteria).toEqual({ ...edges, cities: names });
    });
  });

  describe("inline literals of the wrong type: BAD_USER_INPUT with the field and the expected type, never the value", () => {
    let carol: string;
    let twins = 0;
    const identity = uniqueIdentity("19870611");
    const fields = {
      amount: "50000", termMonths: "12", purpose: "CONSUMPTION", city: JSON.stringify("北京"), monthlyIncome: "12000",
      fullName: JSON.stringify(identity.fullName), nationalId: JSON.stringify(identity.nationalId),
      phone: JSON.stringify(identity.phone), email: JSON.stringify(identity.email),
    };
    /** submitApplication with every value inline in the document; `overrides` are GraphQL literals. */
    const inlineSubmit = (overrides: Record<string, string | undefined>, key = JSON.stringify("inline-key")) => {
      const input = Object.entries({ ...fields, ...overrides }).filter(([, literal]) => literal !== undefined)
        .map(([name, literal]) => `${name}: ${literal}`).join(", ");
      return `mutation { submitApplication(idempotencyKey: ${key}, input: { ${input} }) { id } }`;
    };

    beforeAll(async () => {
      carol = await gateway.token("applicant", "carol-inline");
    });

    // [case, document, caller, field, expected type, the canary literal that must not come back].
    const cases: Array<[string, () => string, () => string, string, string, string | null]> = [
      ["nationalId as a number", () => inlineSubmit({ nationalId: "918273645546372819" }), () => carol, "nationalId", "String", "918273645546372819"],
      ["phone as a number", () => inlineSubmit({ phone: "13987654321" }), () => carol, "phone", "String", "13987654321"],
      ["fullName as an object", () => inlineSubmit({ fullName: `{ given: "CanaryGiven" }` }), () => carol, "fullName", "String", "CanaryGiven"],
      ["email as a list", () => inlineSubmit({ email: `["canary-list@example.com"]` }), () => carol, "email", "String", "canary-list@example.com"],
      ["city as an enum value", () => inlineSubmit({ city: "CANARY_CITY" }), () => carol, "city", "String", "CANARY_CITY"],
      ["amount as a string", () => inlineSubmit({ amount: `"canary-amount"` }), () => carol, "amount", "Int", "canary-amount"],
      ["amount beyond 32 bits", () => inlineSubmit({ amount: "98765432109" }), () => carol, "amount", "Int", "98765432109"],
      ["an unknown purpose", () => inlineSubmit({ purpose: "CANARY_PURPOSE" }), () => carol, "purpose", "LoanPurpose", "CANARY_PURPOSE"],
      ["nationalId null", () => inlineSubmit({ nationalId: "null" }), () => carol, "nationalId", "String!", null],
      ["idempotencyKey as a number", () => inlineSubmit({}, "918273645546372819"), () => carol, "idempotencyKey", "String", "918273645546372819"],
      ["an unknown category in a list", () => `mutation { chooseLender(input: { applicationId: "${aliceApplication}", lenderId: "${beta.id}",
        categories: [NAME, CANARY_CATEGORY] }) { id } }`, () => alice, "categories[1]", "PiiCategory", "CANARY_CATEGORY"],
      ["expiresAt not a date", () => `mutation { makeOffer(input: { leadId: "${betaLead}", apr: 12.5, amount: 50000, termMonths: 12,
        expiresAt: "canary-not-a-date" }) { id } }`, () => beta.apiKey, "expiresAt", "DateTime", "canary-not-a-date"],
    ];

    it.each(cases)("rejects %s", async (_name, document, caller, field, expectedType, canary) => {
      const result = await expectRejected(() => gateway.request(document(), {}, caller()), "BAD_USER_INPUT", field);
      expect(result.body.errors![0].message).toContain(`expected ${expectedType}`);
      if (canary !== null) expect(result.text).not.toContain(canary);
      for (const value of Object.values(identity)) expect(result.text).not.toContain(value);
    });

    it("several bad literals in one document: one error each, none repeating its value", async () => {
      const canaries = { nationalId: "918273645546372819", phone: "13987654321", city: "CANARY_CITY", amount: `"canary-amount"` };
      const result = await gateway.request(inlineSubmit(canaries), {}, carol);
      expect(result.body.errors!.map(error => [error.extensions?.code, error.extensions?.field]).sort())
        .toEqual(["amount", "city", "nationalId", "phone"].map(field => ["BAD_USER_INPUT", field]));
      for (const canary of [...Object.values(canaries), "canary-amount", ...Object.values(identity)]) expect(result.text).not.toContain(canary);
    });

    it("a missing required field keeps graphql-js's message, which names only the field", async () => {
      const result = await expectRejected(() => gateway.request(inlineSubmit({ phone: undefined }), {}, carol), "GRAPHQL_VALIDATION_FAILED");
      expect(result.body.errors![0].message).toBe(`Field "SubmitApplicationInput.phone" of required type "String!" was not provided.`);
      for (const value of Object.values(identity)) expect(result.text).not.toContain(value);
    });

    it("positive twin: the same document with literals of the right type is accepted", async () => {
      twins += 1;
      const data = expectData(await gateway.request(inlineSubmit({}, JSON.stringify(`inline-twin-${twins}`)), {}, carol));
      expect(data.submitApplication.id).toEqual(expect.any(String));
    });
  });
});
