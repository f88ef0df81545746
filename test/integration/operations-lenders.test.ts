import { ApiKey } from "../../src/model/api-key.entity";
import { PiiCategory } from "../../src/model/pii-category";
import { GraphQLResult, TestGateway } from "../support/gateway";
import { uniqueIdentity } from "../support/identities";
import { CREATE_LENDER, ISSUE_KEY, SET_PERMISSIONS } from "../support/documents";
import { ALL_CATEGORIES, TestLender, choose, expectData, leadIdFor, onboardLender, submitApplication, approvePendingChanges } from "../support/flow";
import { startWithPersonas } from "../support/personas";
import { SET_STATUS } from "../support/documents";

const API_KEY_FORMAT = /^lk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;
const VIEWER = "query { viewer { id role } }";
const LENDER_KEYS = "query($id: ID!) { lender(id: $id) { id apiKeys { id prefix label createdAt lastUsedAt revokedAt } } }";
const REVOKE = "mutation($id: ID!) { revokeApiKey(id: $id) { id revokedAt } }";
const CREATE_LENDER_FULL = `mutation($input: CreateLenderInput!) { createLender(input: $input) {
  id name legalName status permittedCategories criteria { minAmount maxAmount minTermMonths maxTermMonths cities } } }`;
const IDENTITY = "query($lead: ID!) { lead(id: $lead) { application { applicant { fullName nationalId phone email } } } }";
const PHONE_ONLY = "query($lead: ID!) { lead(id: $lead) { application { applicant { phone } } } }";

const codes = (result: GraphQLResult) => (result.body.errors ?? []).map(error => error.extensions?.code);
const reasonsByField = (result: GraphQLResult) =>
  Object.fromEntries((result.body.errors ?? []).map(error => [error.path?.at(-1), error.extensions?.reason]));

describe("admin lender management", () => {
  let gateway: TestGateway;
  let admin: string;
  let applicantCount = 0;

  /** A fresh applicant submits; returns the application and the lender ids that received a lead. */
  async function submitAndListLenders() {
    applicantCount += 1;
    const token = await gateway.token("applicant", `applicant-${applicantCount}`);
    const identity = uniqueIdentity();
    const applicationId = await submitApplication(gateway, token, identity);
    const data = expectData(await gateway.request("query($id: ID!) { application(id: $id) { leads { lender { id } } } }", { id: applicationId }, token));
    return { token, identity, applicationId, lenderIds: data.application.leads.map((lead: any) => lead.lender.id) as string[] };
  }

  beforeAll(async () => {
    ({ gateway, admin } = await startWithPersonas());
  });

  afterAll(async () => gateway?.stop());

  describe("createLender", () => {
    it("creates an ACTIVE lender with no permitted categories and the given criteria", async () => {
      const created = expectData(await gateway.request(CREATE_LENDER_FULL, {
        input: {
          name: "Hotel", legalName: "Hotel Consumer Finance Co., Ltd.", contactEmail: "privacy@hotel.example",
          criteria: { minAmount: 5000, maxAmount: 80000, minTermMonths: 3, maxTermMonths: 36, cities: ["上海", "北京"] },
        },
      }, admin)).createLender;
      expect(created).toMatchObject({
        name: "Hotel", legalName: "Hotel Consumer Finance Co., Ltd.", status: "ACTIVE", permittedCategories: [],
        // Stored as codes, shown by official name.
        criteria: { minAmount: 5000, maxAmount: 80000, minTermMonths: 3, maxTermMonths: 36, cities: ["上海市", "北京市"] },
      });
      const listed = expectData(await gateway.request("query { lenders(first: 100) { edges { node { id status } } } }", {}, admin));
      expect(listed.lenders.edges.map((edge: any) => edge.node)).toContainEqual({ id: created.id, status: "ACTIVE" });
    });

    it("refuses inconsistent criteria with BAD_USER_INPUT and creates nothing", async () => {
      const before = expectData(await gateway.request("query { lenders(first: 100) { edges { node { id } } } }", {}, admin)).lenders.edges.length;
      const result = await gateway.request(CREATE_LENDER, {
        input: { name: "Broken", legalName: "Broken Co.", contactEmail: "x@broken.example", criteria: { minAmount: 9000, maxAmount: 1000, minTermMonths: 1, maxTermMonths: 6 } },
      }, admin);
      expect(codes(result)).toEqual(["BAD_USER_INPUT"]);
      const after = expectData(await gateway.request("query { lenders(first: 100) { edges { node { id } } } }", {}, admin)).lenders.edges.length;
      expect(after).toBe(before);
    });
  });

  describe("setLenderStatus", () => {
    let sierra: TestLender;
    let control: TestLender;
    let earlier: { applicationId: string; identity: { phone: string } };
    let sierraLead: string;

    beforeAll(async () => {
      sierra = await onboardLender(gateway, admin, "Sierra");
      control = await onboardLender(gateway, admin, "Control");
      const submitted = await submitAndListLenders();
      earlier = submitted;
      sierraLead = await leadIdFor(gateway, sierra, submitted.applicationId);
      await choose(gateway, submitted.token, submitted.applicationId, sierra.id, [PiiCategory.PHONE]);
    });

    it("an ACTIVE lender with a consent reads the consented field (twin of the suspension below)", async () => {
      const data = expectData(await gateway.request(PHONE_ONLY, { lead: sierraLead }, sierra.apiKey));
      expect(data.lead.application.applicant.phone).toBe(earlier.identity.phone);
    });

    it("a SUSPENDED lender gets no lead on a later submission, while an ACTIVE one does", async () => {
      const suspended = expectData(await gateway.request(SET_STATUS, { id: sierra.id, status: "SUSPENDED" }, admin));
      expect(suspended.setLenderStatus).toEqual({ id: sierra.id, status: "SUSPENDED" });
      const { lenderIds } = await submitAndListLenders();
      expect(lenderIds).toContain(control.id);
      expect(lenderIds).not.toContain(sierra.id);
    });

    it("a SUSPENDED lender reads no identity, even with a consent granted before (LENDER_SUSPENDED)", async () => {
      const result = await gateway.request(PHONE_ONLY, { lead: sierraLead }, sierra.apiKey);
      expect(result.body.data?.lead.application.applicant.phone).toBeNull();
      expect(reasonsByField(result)).toEqual({ phone: "LENDER_SUSPENDED" });
      expect(result.text).not.toContain(earlier.identity.phone);
    });

    it("a SUSPENDED lender still lists its leads but may not make offers (FORBIDDEN, LENDER_SUSPENDED)", async () => {
      expect(expectData(await gateway.request("query { leads(first: 100) { edges { node { id } } } }", {}, sierra.apiKey))
        .leads.edges.map((edge: any) => edge.node.id)).toContain(sierraLead);
      const result = await gateway.request("mutation($id: ID!) { makeOffer(input: { leadId: $id, apr: 9, amount: 9000, termMonths: 9 }) { id } }",
        { id: sierraLead }, sierra.apiKey);
      expect(result.body.errors?.map(error => [error.extensions?.code, error.extensions?.reason])).toEqual([["FORBIDDEN", "LENDER_SUSPENDED"]]);
    });

    it("ACTIVE again: later submissions make leads for it, but the suspension ended the old consent for good", async () => {
      // Reactivation widens what the lender receives: requested by one admin, applied by another.
      const requested = expectData(await gateway.request(SET_STATUS, { id: sierra.id, status: "ACTIVE" }, admin));
      expect(requested.setLenderStatus.status).toBe("SUSPENDED");
      expect(await approvePendingChanges(gateway, sierra.id)).toHaveLength(1);
      const { lenderIds } = await submitAndListLenders();
      expect(lenderIds).toEqual(expect.arrayContaining([sierra.id, control.id]));
      const result = await gateway.request(PHONE_ONLY, { lead: sierraLead }, sierra.apiKey);
      expect(result.body.data?.lead.application.applicant.phone).toBeNull();
      expect(reasonsByField(result)).toEqual({ phone: "CONSENT_TERMINATED" });
      expect(result.text).not.toContain(earlier.identity.phone);
    });

    it("an unknown lender id is NOT_FOUND", async () => {
      const result = await gateway.request(SET_STATUS, { id: "00000000-0000-4000-8000-000000000000", status: "SUSPENDED" }, admin);
      expect(codes(result)).toEqual(["NOT_FOUND"]);
    });
  });

  describe("setFieldPermissions", () => {
    let papa: TestLender;
    let papaLead: string;
    let identity: ReturnType<typeof uniqueIdentity>;

    beforeAll(async () => {
      // A consent may only name permitted categories (chooseLender refuses others), so Papa is
      // chosen for all four while permitted all four, and then narrowed to none.
      papa = await onboardLender(gateway, admin, "Papa", ALL_CATEGORIES);
      const submitted = await submitAndListLenders();
      identity = submitted.identity;
      papaLead = await leadIdFor(gateway, papa, submitted.applicationId);
      await choose(gateway, submitted.token, submitted.applicationId, papa.id, ALL_CATEGORIES);
      expectData(await gateway.request(SET_PERMISSIONS, { id: papa.id, categories: [] }, admin));
    });

    it("narrowed to no permitted category, a full consent discloses nothing (PARTNER_NOT_PERMITTED)", async () => {
      const result = await gateway.request(IDENTITY, { lead: papaLead }, papa.apiKey);
      expect(reasonsByField(result)).toEqual({
        fullName: "PARTNER_NOT_PERMITTED", nationalId: "PARTNER_NOT_PERMITTED", phone: "PARTNER_NOT_PERMITTED", email: "PARTNER_NOT_PERMITTED",
      });
      for (const value of Object.values(identity)) expect(result.text).not.toContain(value);
    });

    it("permitting PHONE opens exactly PHONE on the next request once a second admin approved it", async () => {
      const set = expectData(await gateway.request(SET_PERMISSIONS, { id: papa.id, categories: [PiiCategory.PHONE] }, admin));
      expect(set.setFieldPermissions.permittedCategories).toEqual([]);
      expect(await approvePendingChanges(gateway, papa.id)).toHaveLength(1);
      const result = await gateway.request(IDENTITY, { lead: papaLead }, papa.apiKey);
      expect(result.body.data?.lead.application.applicant).toEqual({ fullName: null, nationalId: null, phone: identity.phone, email: null });
      expect(reasonsByField(result)).toEqual({
        fullName: "PARTNER_NOT_PERMITTED", nationalId: "PARTNER_NOT_PERMITTED", email: "PARTNER_NOT_PERMITTED",
      });
    });

    it("narrowing back to nothing closes PHONE on the next request", async () => {
      const set = expectData(await gateway.request(SET_PERMISSIONS, { id: papa.id, categories: [] }, admin));
      expect(set.setFieldPermissions.permittedCategories).toEqual([]);
      const result = await gateway.request(IDENTITY, { lead: papaLead }, papa.apiKey);
      expect(result.body.data?.lead.application.applicant.phone).toBeNull();
      expect(result.text).not.toContain(identity.phone);
      expect(expectData(await gateway.request("query($id: ID!) { lender(id: $id) { permittedCategories } }", { id: papa.id }, admin))
        .lender.permittedCategories).toEqual([]);
    });
  });

  describe("issueApiKey and revokeApiKey", () => {
    let quebec: TestLender;
    let issued: { secret: string; apiKey: { id: string; prefix: string; label: string | null } };

    beforeAll(async () => {
      quebec = await onboardLender(gateway, admin, "Quebec", []);
      issued = expectData(await gateway.request(ISSUE_KEY, { id: quebec.id, label: "second" }, admin)).issueApiKey;
    });

    it("issues `lk_<16 hex>_<43 base64url>` whose id and prefix match the key record", () => {
      const match = API_KEY_FORMAT.exec(issued.secret);
      expect(match).not.toBeNull();
      expect(issued.apiKey).toEqual({ id: match![1], prefix: `lk_${match![1]}`, label: "second" });
      expect(API_KEY_FORMAT.test(quebec.apiKey)).toBe(true);
    });

    it("the issued key authenticates as its lender", async () => {
      expect(expectData(await gateway.request(VIEWER, {}, issued.secret)).viewer).toEqual({ id: quebec.id, role: "LENDER" });
    });

    it("the secret is shown once: key listings never contain it", async () => {
      const secretPart = API_KEY_FORMAT.exec(issued.secret)![2];
      const single = await gateway.request(LENDER_KEYS, { id: quebec.id }, admin);
      const keys = expectData(single).lender.apiKeys;
      expect(keys.map((key: any) => key.id).sort()).toEqual([quebec.apiKeyId, issued.apiKey.id].sort());
      for (const key of keys) expect(Object.keys(key).sort()).toEqual(["createdAt", "id", "label", "lastUsedAt", "prefix", "revokedAt"]);
      const listed = await gateway.request("query { lenders(first: 100) { edges { node { apiKeys { id prefix label } } } } }", {}, admin);
      for (const text of [single.text, listed.text]) {
        expect(text).not.toContain(secretPart);
        expect(text).not.toContain(API_KEY_FORMAT.exec(quebec.apiKey)![2]);
      }
    });

    it("the ApiKey type has no field that could return the secret", async () => {
      const result = await gateway.request("query($id: ID!) { lender(id: $id) { apiKeys { secret } } }", { id: quebec.id }, admin);
      expect(codes(result)).toEqual(["GRAPHQL_VALIDATION_FAILED"]);
    });

    it("admins and the lender itself list its keys (never their secrets); an applicant through its application is refused", async () => {
      const submitted = await submitAndListLenders();
      const lead = await leadIdFor(gateway, quebec, submitted.applicationId);
      const asLender = await gateway.request("query($id: ID!) { lead(id: $id) { id lender { id apiKeys { id } } } }", { id: lead }, issued.secret);
      expect(codes(asLender)).toEqual([]);
      expect(asLender.body.data?.lead.lender.apiKeys.map((key: { id: string }) => key.id)).toContain(issued.apiKey.id);
      expect(asLender.text).not.toContain(API_KEY_FORMAT.exec(issued.secret)![2]);
      const asApplicant = await gateway.request("query($id: ID!) { application(id: $id) { leads { lender { apiKeys { id } } } } }",
        { id: submitted.applicationId }, submitted.token);
      expect(codes(asApplicant)).toEqual(expect.arrayContaining(["FORBIDDEN"]));
      expect(new Set(codes(asApplicant))).toEqual(new Set(["FORBIDDEN"]));
      expect(asApplicant.text).not.toContain(issued.apiKey.id);
    });

    it("the database keeps a hash in secret_hash, not the secret", async () => {
      const secretPart = API_KEY_FORMAT.exec(issued.secret)![2];
      const row = await gateway.dataSource.getRepository(ApiKey).findOneByOrFail({ id: issued.apiKey.id });
      expect(row.secretHash).toMatch(/^[0-9a-f]{64}$/);
      expect(row.secretHash).not.toContain(secretPart);
      const [raw] = await gateway.dataSource.query("SELECT secret_hash AS stored FROM api_keys WHERE id = ?", [issued.apiKey.id]);
      expect(raw.stored).toBe(row.secretHash);
      expect(raw.stored).not.toBe(issued.secret);
    });

    it("records lastUsedAt when a key is used", async () => {
      await gateway.request(VIEWER, {}, issued.secret);
      const keys = expectData(await gateway.request(LENDER_KEYS, { id: quebec.id }, admin)).lender.apiKeys;
      expect(keys.find((key: any) => key.id === issued.apiKey.id).lastUsedAt).toEqual(expect.any(String));
    });

    it("a revoked key's next request is UNAUTHENTICATED; the lender's other key still works", async () => {
      const revoked = expectData(await gateway.request(REVOKE, { id: quebec.apiKeyId }, admin)).revokeApiKey;
      expect(revoked).toEqual({ id: quebec.apiKeyId, revokedAt: expect.any(String) });
      const refused = await gateway.request(VIEWER, {}, quebec.apiKey);
      expect(codes(refused)).toEqual(["UNAUTHENTICATED"]);
      expect(refused.body.data ?? null).toBeNull();
      expect(expectData(await gateway.request(VIEWER, {}, issued.secret)).viewer).toEqual({ id: quebec.id, role: "LENDER" });
      const keys = expectData(await gateway.request(LENDER_KEYS, { id: quebec.id }, admin)).lender.apiKeys;
      expect(Object.fromEntries(keys.map((key: any) => [key.id, key.revokedAt !== null])))
        .toEqual({ [quebec.apiKeyId]: true, [issued.apiKey.id]: false });
    });

    it("revoking an unknown key is NOT_FOUND", async () => {
      expect(codes(await gateway.request(REVOKE, { id: "0000000000000000" }, admin))).toEqual(["NOT_FOUND"]);
    });
  });
});
