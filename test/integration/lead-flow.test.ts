import { PiiCategory } from "../../src/model/pii-category";
import { TestGateway } from "../support/gateway";
import { uniqueIdentity } from "../support/identities";
import { LEADS_WITH_IDENTITY, WITHDRAW_CONSENT } from "../support/documents";
import { TestLender, choose, expectData, onboardLender, submitApplication } from "../support/flow";
import { startWithPersonas } from "../support/personas";

/** The product's promise end to end: anonymized until chosen, exactly what was chosen, closed on withdrawal. */
describe("the lead flow over HTTP", () => {
  let gateway: TestGateway;
  let admin: string;
  let alice: string;
  let chosen: TestLender;
  let other: TestLender;
  const identity = uniqueIdentity("19900307");
  let applicationId: string;
  let consentId: string;

  const applicantOf = (data: any, lenderApplicationId: string) =>
    data.leads.edges.map((e: any) => e.node).find((n: any) => n.application.id === lenderApplicationId)?.application.applicant;

  beforeAll(async () => {
    ({ gateway, admin, applicant: alice, lenders: [chosen, other] } = await startWithPersonas({ lenders: ["Alpha", "Beta"] }));
    applicationId = await submitApplication(gateway, alice, identity);
  });

  afterAll(async () => gateway?.stop());

  it("creates a lead for every ACTIVE lender whose criteria fit, and none for others", async () => {
    const narrow = await onboardLender(gateway, admin, "Gamma", [], { minAmount: 100000, maxAmount: 200000, minTermMonths: 1, maxTermMonths: 60 });
    const data = expectData(await gateway.request(`query($id: ID!) { application(id: $id) { leads { lender { id } status } } }`, { id: applicationId }, alice));
    const lenderIds = data.application.leads.map((lead: any) => lead.lender.id).sort();
    expect(lenderIds).toEqual([chosen.id, other.id].sort());
    expect(lenderIds).not.toContain(narrow.id);
  });

  it("shows the lender its lead anonymized: identity null with FORBIDDEN / NO_CONSENT at its path", async () => {
    const result = await gateway.request(LEADS_WITH_IDENTITY, {}, chosen.apiKey);
    const applicant = applicantOf(result.body.data, applicationId);
    expect(applicant).toMatchObject({ city: "北京市", regionCode: "110000", ageBand: expect.any(String), incomeBand: "10000_19999" });
    for (const field of ["fullName", "nationalId", "phone", "email"]) expect(applicant[field]).toBeNull();
    const errors = result.body.errors ?? [];
    expect(errors).toHaveLength(4);
    for (const error of errors) {
      expect(error.extensions).toMatchObject({ code: "FORBIDDEN", reason: "NO_CONSENT" });
      expect(error.path?.slice(-2)[0]).toBe("applicant");
    }
    for (const value of Object.values(identity)) expect(result.text).not.toContain(value);
  });

  it("after the applicant chooses the lender, it reads exactly the chosen categories", async () => {
    consentId = await choose(gateway, alice, applicationId, chosen.id, [PiiCategory.NAME, PiiCategory.PHONE]);
    const result = await gateway.request(LEADS_WITH_IDENTITY, {}, chosen.apiKey);
    const applicant = applicantOf(result.body.data, applicationId);
    expect(applicant.fullName).toBe(identity.fullName);
    expect(applicant.phone).toBe(identity.phone);
    expect(applicant.nationalId).toBeNull();
    expect(applicant.email).toBeNull();
    const reasons = (result.body.errors ?? []).map(e => [e.path?.slice(-1)[0], e.extensions?.reason]).sort();
    expect(reasons).toEqual([["email", "CATEGORY_NOT_CONSENTED"], ["nationalId", "CATEGORY_NOT_CONSENTED"]]);
    expect(result.text).not.toContain(identity.nationalId);
    expect(result.text).not.toContain(identity.email);
  });

  it("another lender still reads nothing", async () => {
    const result = await gateway.request(LEADS_WITH_IDENTITY, {}, other.apiKey);
    const applicant = applicantOf(result.body.data, applicationId);
    expect(applicant.fullName).toBeNull();
    for (const value of Object.values(identity)) expect(result.text).not.toContain(value);
    expect(new Set((result.body.errors ?? []).map(e => e.extensions?.reason))).toEqual(new Set(["NO_CONSENT"]));
  });

  it("withdrawal closes access on the very next request", async () => {
    const withdrawn = expectData(await gateway.request(WITHDRAW_CONSENT, { id: consentId }, alice));
    expect(withdrawn.withdrawConsent.status).toBe("WITHDRAWN");
    const result = await gateway.request(LEADS_WITH_IDENTITY, {}, chosen.apiKey);
    const applicant = applicantOf(result.body.data, applicationId);
    expect(applicant.fullName).toBeNull();
    expect(applicant.phone).toBeNull();
    for (const value of Object.values(identity)) expect(result.text).not.toContain(value);
    expect(new Set((result.body.errors ?? []).map(e => e.extensions?.reason))).toEqual(new Set(["CONSENT_WITHDRAWN"]));
  });

  it("the applicant's access log shows every lender read, granted and denied, without values", async () => {
    const result = await gateway.request(`query { myAccessLog(first: 100) { edges { node {
      lender { id } applicationId field category outcome reason consentId } } pageInfo { hasNextPage } } }`, {}, alice);
    const rows = expectData(result).myAccessLog.edges.map((e: any) => e.node);
    // 4 denied (anonymized) + 2 granted + 2 denied (categories) + 4 denied (other) + 4 denied (withdrawn)
    expect(rows).toHaveLength(16);
    const granted = rows.filter((row: any) => row.outcome === "GRANTED");
    expect(granted.map((row: any) => row.field).sort()).toEqual(["fullName", "phone"]);
    expect(granted.every((row: any) => row.lender.id === chosen.id && row.consentId === consentId)).toBe(true);
    expect(rows.filter((row: any) => row.lender.id === other.id).every((row: any) => row.reason === "NO_CONSENT")).toBe(true);
    for (const value of Object.values(identity)) expect(result.text).not.toContain(value);
  });

  it("a lender cannot link two applications of the same person by the applicant's id", async () => {
    const second = await submitApplication(gateway, alice, identity);
    const data = expectData(await gateway.request(`query { leads(first: 100) { edges { node { application { id applicant { id } } } } } }`, {}, chosen.apiKey));
    const idOf = (id: string) => data.leads.edges.find((e: any) => e.node.application.id === id)?.node.application.applicant.id;
    expect(idOf(applicationId)).toEqual(expect.any(String));
    expect(idOf(second)).toEqual(expect.any(String));
    expect(idOf(second)).not.toBe(idOf(applicationId));
    // Nor by an identity row's id (one per application).
    const records: Array<{ id: string }> = await gateway.dataSource.query("SELECT id FROM applicants");
    for (const record of records) expect([idOf(applicationId), idOf(second)]).not.toContain(record.id);
  });
});
