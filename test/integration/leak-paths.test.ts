import { storedReads } from "../support/access-log";
import { PiiCategory } from "../../src/model/pii-category";
import { GraphQLResult, TestGateway } from "../support/gateway";
import { TestIdentity, uniqueIdentity } from "../support/identities";
import { WITHDRAW_CONSENT } from "../support/documents";
import { ALL_CATEGORIES, TestLender, choose, expectData, leadIdFor, submitApplication } from "../support/flow";
import { startWithPersonas } from "../support/personas";

const PII_FIELDS = ["fullName", "nationalId", "phone", "email"];
const APPLICANT = "applicant { id city ageBand fullName nationalId phone email }";
const OFFER = "mutation($lead: ID!) { makeOffer(input: { leadId: $lead, apr: 12.5, amount: 40000, termMonths: 12 }) {";

/** Every way a lender reaches an applicant. `$lead` is the calling lender's own lead. */
const PATHS = [
  { name: "leads.edges.node.application.applicant", query: `query { leads(first: 100) { edges { node { application { ${APPLICANT} } } } } }` },
  { name: "lead(id).application.applicant", query: `query($lead: ID!) { lead(id: $lead) { application { ${APPLICANT} } } }` },
  {
    name: "lead.application.leads[].application.applicant",
    query: `query($lead: ID!) { lead(id: $lead) { application { leads { application { ${APPLICANT} } } } } }`,
  },
  { name: "lead.offer.lead.application.applicant", query: `query($lead: ID!) { lead(id: $lead) { offer { lead { application { ${APPLICANT} } } } } }` },
  { name: "lead.consent.application.applicant", query: `query($lead: ID!) { lead(id: $lead) { consent { application { ${APPLICANT} } } } }`, viaConsent: true },
  {
    name: "lead.application.consents[].application.applicant",
    query: `query($lead: ID!) { lead(id: $lead) { application { consents { application { ${APPLICANT} } } } } }`,
    viaConsent: true,
  },
];
const PATHS_WITHOUT_CONSENT = PATHS.filter(path => !path.viaConsent);
const PATHS_VIA_CONSENT = PATHS.filter(path => path.viaConsent);

/** Aliases (twice on `leads`, on the same field), named and inline fragments, variables and @include. */
const PROBE = `query Probe($lead: ID!, $withEmail: Boolean!) {
  first: leads(first: 100) { edges { node { ...LeadParts } } }
  again: leads(first: 1) { edges { node { application { applicant { ... on Applicant { city ageBand phone nationalId } } } } } }
  mine: lead(id: $lead) { application { ...ApplicationParts } }
}
fragment LeadParts on Lead { id application { ...ApplicationParts } }
fragment ApplicationParts on Application { id applicant { ...ApplicantParts a: phone b: phone ... @include(if: $withEmail) { email } } }
fragment ApplicantParts on Applicant { city ageBand fullName name: fullName nationalId }`;

/** Every object in a response that is an applicant (the only type with `ageBand`). */
function applicantsIn(node: unknown): Record<string, unknown>[] {
  if (Array.isArray(node)) return node.flatMap(applicantsIn);
  if (node === null || typeof node !== "object") return [];
  const object = node as Record<string, unknown>;
  return [...("ageBand" in object ? [object] : []), ...Object.values(object).flatMap(applicantsIn)];
}

function expectNoIdentity(result: GraphQLResult, identity: TestIdentity): void {
  const reserialized = JSON.stringify(result.body);
  for (const value of Object.values(identity)) {
    expect(result.text).not.toContain(value);
    expect(reserialized).not.toContain(value);
  }
}

/** Applicants were reached (so the test cannot pass on an empty response), and every identity field was refused. */
function expectDenied(result: GraphQLResult, identity: TestIdentity, reason: string, aliased = false): void {
  expectNoIdentity(result, identity);
  const applicants = applicantsIn(result.body.data);
  expect(applicants.length).toBeGreaterThan(0);
  for (const applicant of applicants) {
    expect(applicant.city).toBe("北京市");
    for (const field of PII_FIELDS) if (field in applicant) expect(applicant[field]).toBeNull();
  }
  const errors = result.body.errors ?? [];
  // One error per identity field per applicant reached; aliases add one per alias.
  const plainFields = applicants.reduce((total, applicant) => total + PII_FIELDS.filter(field => field in applicant).length, 0);
  if (aliased) expect(errors.length).toBeGreaterThan(plainFields);
  else expect(errors).toHaveLength(plainFields);
  for (const error of errors) expect(error.extensions).toMatchObject({ code: "FORBIDDEN", reason });
}

function expectDisclosed(result: GraphQLResult, identity: TestIdentity): void {
  expect(result.body.errors).toBeUndefined();
  const applicants = applicantsIn(result.body.data);
  expect(applicants.length).toBeGreaterThan(0);
  for (const applicant of applicants) {
    expect(applicant).toMatchObject({ fullName: identity.fullName, nationalId: identity.nationalId, phone: identity.phone, email: identity.email });
  }
}

describe("identity leak paths", () => {
  let gateway: TestGateway;
  let admin: string;
  let alice: string;
  let alpha: TestLender;
  let beta: TestLender;
  const identity = uniqueIdentity("19880512");
  let applicationId: string;
  let alphaLead: string;
  let betaLead: string;

  const ask = (lender: TestLender, query: string, variables: Record<string, unknown> = {}) =>
    gateway.request(query, query.includes("$lead") ? variables : {}, lender.apiKey);

  /** Access-log rows of (lender, application), counted per `field:outcome`. */
  async function accessCounts(lenderId: string, onApplication = applicationId): Promise<Record<string, number>> {
    const rows = await storedReads(gateway.dataSource, { lenderId, applicationId: onApplication });
    const counts: Record<string, number> = {};
    for (const row of rows) counts[`${row.field}:${row.outcome}`] = (counts[`${row.field}:${row.outcome}`] ?? 0) + 1;
    return counts;
  }

  async function rowsWrittenBy(lenderId: string, run: () => Promise<GraphQLResult>) {
    const before = await accessCounts(lenderId);
    const result = await run();
    const after = await accessCounts(lenderId);
    const written: Record<string, number> = {};
    for (const [key, count] of Object.entries(after)) if (count !== (before[key] ?? 0)) written[key] = count - (before[key] ?? 0);
    return { result, written };
  }

  beforeAll(async () => {
    ({ gateway, admin, applicant: alice, lenders: [alpha, beta] } = await startWithPersonas({ lenders: ["Alpha", "Beta"] }));
    applicationId = await submitApplication(gateway, alice, identity);
    alphaLead = await leadIdFor(gateway, alpha, applicationId);
    betaLead = await leadIdFor(gateway, beta, applicationId);
    for (const [lender, lead] of [[alpha, alphaLead], [beta, betaLead]] as const) {
      expectData(await gateway.request(`${OFFER} id } }`, { lead }, lender.apiKey));
    }
  });

  afterAll(async () => gateway?.stop());

  describe("before the applicant chose anyone", () => {
    it.each(PATHS_WITHOUT_CONSENT)("$name resolves anonymized with NO_CONSENT", async ({ query }) => {
      expectDenied(await ask(alpha, query, { lead: alphaLead }), identity, "NO_CONSENT");
    });

    it("a mutation's result (makeOffer.lead.application.applicant) is gated the same way", async () => {
      const result = await gateway.request(`${OFFER} id lead { application { ${APPLICANT} } } } }`, { lead: alphaLead }, alpha.apiKey);
      expect(result.body.data?.makeOffer.id).toEqual(expect.any(String));
      expectDenied(result, identity, "NO_CONSENT");
    });

    it("aliases, fragments, inline fragments and variables leak nothing, and each (application, field) is logged once", async () => {
      const { result, written } = await rowsWrittenBy(alpha.id, () =>
        gateway.request(PROBE, { lead: alphaLead, withEmail: true }, alpha.apiKey));
      expectDenied(result, identity, "NO_CONSENT", true);
      expect(result.body.data?.mine.application.applicant).toMatchObject({ a: null, b: null, name: null, email: null });
      expect(written).toEqual({ "fullName:DENIED": 1, "nationalId:DENIED": 1, "phone:DENIED": 1, "email:DENIED": 1 });
    });

    it("no consent yet means no consent-shaped path either", async () => {
      const result = await ask(alpha, PATHS_VIA_CONSENT[0].query, { lead: alphaLead });
      expect(expectData(result).lead.consent).toBeNull();
      expect(expectData(await ask(alpha, PATHS_VIA_CONSENT[1].query, { lead: alphaLead })).lead.application.consents).toEqual([]);
    });
  });

  describe("after the applicant chose Alpha for every category", () => {
    let consentId: string;

    beforeAll(async () => {
      consentId = await choose(gateway, alice, applicationId, alpha.id, ALL_CATEGORIES);
    });

    it.each(PATHS)("$name discloses the values to Alpha", async ({ query }) => {
      expectDisclosed(await ask(alpha, query, { lead: alphaLead }), identity);
    });

    it("aliased several times, each (application, field) still leaves exactly one GRANTED row", async () => {
      const { result, written } = await rowsWrittenBy(alpha.id, () =>
        gateway.request(PROBE, { lead: alphaLead, withEmail: true }, alpha.apiKey));
      expect(result.body.errors).toBeUndefined();
      const applicant = result.body.data?.mine.application.applicant;
      expect(applicant).toMatchObject({ a: identity.phone, b: identity.phone, fullName: identity.fullName, name: identity.fullName });
      expect(result.body.data?.again.edges[0].node.application.applicant.nationalId).toBe(identity.nationalId);
      expect(written).toEqual({ "fullName:GRANTED": 1, "nationalId:GRANTED": 1, "phone:GRANTED": 1, "email:GRANTED": 1 });
    });

    it("with @include(if: false) the skipped field is neither returned nor logged", async () => {
      const { result, written } = await rowsWrittenBy(alpha.id, () =>
        gateway.request(PROBE, { lead: alphaLead, withEmail: false }, alpha.apiKey));
      expect(result.text).not.toContain(identity.email);
      expect(written).toEqual({ "fullName:GRANTED": 1, "nationalId:GRANTED": 1, "phone:GRANTED": 1 });
    });

    it("a mutation's result (reportOutcome.application.applicant) discloses to the chosen lender", async () => {
      const result = await gateway.request(`mutation($lead: ID!) { reportOutcome(input: { leadId: $lead, outcome: APPROVED }) {
        status application { ${APPLICANT} } } }`, { lead: alphaLead }, alpha.apiKey);
      expect(result.body.data?.reportOutcome.status).toBe("APPROVED");
      expectDisclosed(result, identity);
    });

    it.each(PATHS_WITHOUT_CONSENT)("Beta, not chosen, still reads nothing through $name", async ({ query }) => {
      expectDenied(await ask(beta, query, { lead: betaLead }), identity, "NO_CONSENT");
    });

    it("Beta cannot reach Alpha's consent from its own lead", async () => {
      for (const path of PATHS_VIA_CONSENT) {
        const result = await ask(beta, path.query, { lead: betaLead });
        expectNoIdentity(result, identity);
        expect(result.body.errors).toBeUndefined();
        expect(applicantsIn(result.body.data)).toEqual([]);
      }
    });

    it("Beta's aliased probe leaks nothing and logs one DENIED row per field", async () => {
      const { result, written } = await rowsWrittenBy(beta.id, () =>
        gateway.request(PROBE, { lead: betaLead, withEmail: true }, beta.apiKey));
      expectDenied(result, identity, "NO_CONSENT", true);
      expect(written).toEqual({ "fullName:DENIED": 1, "nationalId:DENIED": 1, "phone:DENIED": 1, "email:DENIED": 1 });
    });

    describe("then withdrawn", () => {
      beforeAll(async () => {
        expect(expectData(await gateway.request(WITHDRAW_CONSENT, { id: consentId }, alice)).withdrawConsent.status).toBe("WITHDRAWN");
      });

      it.each(PATHS)("$name no longer discloses (CONSENT_WITHDRAWN)", async ({ query }) => {
        expectDenied(await ask(alpha, query, { lead: alphaLead }), identity, "CONSENT_WITHDRAWN");
      });

      it("the aliased probe leaks nothing and logs one DENIED row per field", async () => {
        const { result, written } = await rowsWrittenBy(alpha.id, () =>
          gateway.request(PROBE, { lead: alphaLead, withEmail: true }, alpha.apiKey));
        expectDenied(result, identity, "CONSENT_WITHDRAWN", true);
        expect(written).toEqual({ "fullName:DENIED": 1, "nationalId:DENIED": 1, "phone:DENIED": 1, "email:DENIED": 1 });
      });
    });
  });

  it("an admin reaching the applicant, directly or through a lead, sees masked values only", async () => {
    const result = await gateway.request(`query($id: ID!) { application(id: $id) {
      ${APPLICANT} leads { application { applicant { phone } } } } }`, { id: applicationId }, admin);
    expect(result.body.errors).toBeUndefined();
    expectNoIdentity(result, identity);
    const masked = `${identity.phone.slice(0, 3)}******${identity.phone.slice(9)}`;
    expect(result.body.data?.application.applicant).toMatchObject({ phone: masked, fullName: expect.stringMatching(/^测\*+$/) });
    for (const lead of result.body.data?.application.leads) expect(lead.application.applicant.phone).toBe(masked);
  });

  describe("row scope", () => {
    const carolIdentity = uniqueIdentity("19790101");
    let carol: string;
    let carolApplication: string;
    let alphaCarolLead: string;
    let betaCarolLead: string;
    let alphaConsent: string;
    let betaConsent: string;
    const SCOPE = `query($lead: ID!) { lead(id: $lead) { id application { id
      leads { id lender { id } } consents { id lender { id } categories } applicant { fullName phone } } } }`;

    beforeAll(async () => {
      carol = await gateway.token("applicant", "carol");
      carolApplication = await submitApplication(gateway, carol, carolIdentity);
      alphaCarolLead = await leadIdFor(gateway, alpha, carolApplication);
      betaCarolLead = await leadIdFor(gateway, beta, carolApplication);
      alphaConsent = await choose(gateway, carol, carolApplication, alpha.id, [PiiCategory.PHONE]);
      betaConsent = await choose(gateway, carol, carolApplication, beta.id, [PiiCategory.NAME]);
    });

    it.each([["Alice's", () => alphaLead], ["Carol's", () => alphaCarolLead]])(
      "Beta asking for Alpha's lead on %s application gets NOT_FOUND and no data",
      async (_whose, lead) => {
        const result = await gateway.request(SCOPE, { lead: lead() }, beta.apiKey);
        expect(result.body.data?.lead).toBeNull();
        expect(result.body.errors?.map(error => error.extensions?.code)).toEqual(["NOT_FOUND"]);
        expect(result.text).not.toContain(lead());
        expectNoIdentity(result, identity);
        expectNoIdentity(result, carolIdentity);
      },
    );

    it("positive twin: Beta reads its own lead on the same application", async () => {
      expect(expectData(await gateway.request(`query($lead: ID!) { lead(id: $lead) { id } }`, { lead: betaCarolLead }, beta.apiKey)).lead.id)
        .toBe(betaCarolLead);
    });

    it("Beta cannot make an offer on Alpha's lead (NOT_FOUND)", async () => {
      const result = await gateway.request(`${OFFER} id } }`, { lead: alphaCarolLead }, beta.apiKey);
      expect(result.body.errors?.map(error => error.extensions?.code)).toEqual(["NOT_FOUND"]);
    });

    it.each([
      ["Alpha", () => ({ lender: alpha, lead: alphaCarolLead, consent: alphaConsent })],
      ["Beta", () => ({ lender: beta, lead: betaCarolLead, consent: betaConsent })],
    ])("%s sees only its own lead and consent beneath the application, and only its consented category", async (_name, mine) => {
      const { lender, lead, consent } = mine();
      const result = await gateway.request(SCOPE, { lead }, lender.apiKey);
      const application = result.body.data?.lead.application;
      expect(application.leads).toEqual([{ id: lead, lender: { id: lender.id } }]);
      expect(application.consents.map((c: any) => [c.id, c.lender.id])).toEqual([[consent, lender.id]]);
      // Another lender's NAME consent does not open NAME for Alpha, nor PHONE for Beta.
      const granted = lender === alpha ? "phone" : "fullName";
      const refused = lender === alpha ? "fullName" : "phone";
      expect(application.applicant[granted]).toBe(carolIdentity[granted as "phone" | "fullName"]);
      expect(application.applicant[refused]).toBeNull();
      expect(result.text).not.toContain(carolIdentity[refused as "phone" | "fullName"]);
      expect(result.body.errors?.map(error => [error.path?.at(-1), error.extensions?.reason])).toEqual([[refused, "CATEGORY_NOT_CONSENTED"]]);
    });

    it("the applicant sees every lead and every consent of its application", async () => {
      const data = expectData(await gateway.request(`query($id: ID!) { application(id: $id) {
        leads { id } consents { id } applicant { phone } } }`, { id: carolApplication }, carol));
      expect(data.application.leads.map((l: any) => l.id).sort()).toEqual([alphaCarolLead, betaCarolLead].sort());
      expect(data.application.consents.map((c: any) => c.id).sort()).toEqual([alphaConsent, betaConsent].sort());
      expect(data.application.applicant.phone).toBe(carolIdentity.phone);
    });

    it("one page holding two applications decides each against its own consents", async () => {
      const result = await gateway.request(PATHS[0].query, {}, beta.apiKey);
      expectNoIdentity(result, identity);
      expect(result.text).toContain(carolIdentity.fullName);
      expect(result.text).not.toContain(carolIdentity.phone);
    });
  });
});
