import { SignJWT, UnsecuredJWT } from "jose";
import { Application } from "../../src/model/application.entity";
import { Consent } from "../../src/model/consent.entity";
import { Lead } from "../../src/model/lead.entity";
import { Offer } from "../../src/model/offer.entity";
import { ApiKey } from "../../src/model/api-key.entity";
import { Lender } from "../../src/model/lender.entity";
import { PiiCategory } from "../../src/model/pii-category";
import { WebhookDelivery } from "../../src/model/webhook.entity";
import { WebhookDeliveryStatus } from "../../src/model/webhook-vocabulary";
import { GraphQLResult, TEST_JWT_SECRET, TestGateway } from "../support/gateway";
import { uniqueIdentity } from "../support/identities";
import { TestLender, applicationInput, choose, expectData, leadIdFor, submitApplication } from "../support/flow";
import { startWithPersonas } from "../support/personas";
import { PENDING_CHANGES, SET_PERMISSIONS } from "../support/documents";
import { REGISTER_KEY, lenderKeyPair } from "../support/lender-keys";

type Role = "applicant" | "lender" | "admin";
const ROLES: Role[] = ["applicant", "lender", "admin"];

interface Fixtures {
  applicationId: string;
  withdrawableId: string;
  offerLeadId: string;
  chosenLeadId: string;
  /** A NEW lead of `lima` that nothing else in the table touches, to pass on. */
  declinableLeadId: string;
  consentId: string;
  lima: TestLender;
  kilo: TestLender;
  scratch: TestLender;
  /** A lender no other row uses, to offboard. */
  oscar: TestLender;
  /**
   * Changes another admin requested, for the admin to decide: a raise of `kilo`'s budget (no
   * other row of the table touches kilo's access, so it stays approvable) and a permission on
   * `scratch` (rejected, which does not need it current).
   */
  approveChangeId: string;
  rejectChangeId: string;
  /** A public JWK not registered yet, and a key registered on `scratch` to revoke. */
  publicJwk: string;
  publicKeyId: string;
  /** Lima's webhook endpoints: one to rotate (with a delivery to redeliver), one to disable. */
  webhookEndpointId: string;
  disposableEndpointId: string;
  webhookDeliveryId: string;
}

interface Operation {
  field: string;
  allowed: Role[];
  document: string;
  variables?: (fixtures: Fixtures) => Record<string, unknown>;
}

/**
 * Every root field of the public contract with the roles that may call it. Variables name real
 * rows, so an allowed call succeeds outright (not merely "is not FORBIDDEN").
 */
const OPERATIONS: Operation[] = [
  { field: "viewer", allowed: ["applicant", "lender", "admin"], document: "query { viewer { id role } }" },
  { field: "transparencyCheckpoint", allowed: ["applicant", "lender", "admin"], document: "query { transparencyCheckpoint }" },
  { field: "myApplications", allowed: ["applicant"], document: "query { myApplications(first: 5) { edges { node { id } } } }" },
  {
    field: "application", allowed: ["applicant", "admin"], document: "query($id: ID!) { application(id: $id) { id status } }",
    variables: f => ({ id: f.applicationId }),
  },
  { field: "myAccessLog", allowed: ["applicant"], document: "query { myAccessLog(first: 5) { edges { node { id } } } }" },
  { field: "leads", allowed: ["lender"], document: "query { leads(first: 5) { edges { node { id } } } }" },
  { field: "lead", allowed: ["lender"], document: "query($id: ID!) { lead(id: $id) { id } }", variables: f => ({ id: f.offerLeadId }) },
  { field: "lenders", allowed: ["admin"], document: "query { lenders(first: 5) { edges { node { id } } } }" },
  { field: "lender", allowed: ["admin"], document: "query($id: ID!) { lender(id: $id) { id } }", variables: f => ({ id: f.scratch.id }) },
  { field: "auditLog", allowed: ["admin"], document: "query { auditLog(first: 5) { edges { node { id } } } }" },
  {
    field: "referralReport", allowed: ["admin"],
    document: "query($from: DateTime!, $to: DateTime!) { referralReport(from: $from, to: $to) { lender { id } leads } }",
    variables: () => ({ from: new Date(Date.now() - 86_400_000).toISOString(), to: new Date(Date.now() + 3_600_000).toISOString() }),
  },
  {
    field: "identityReadsByDay", allowed: ["admin"],
    document: "query($from: DateTime!, $to: DateTime!) { identityReadsByDay(from: $from, to: $to) { day granted denied } }",
    variables: () => ({ from: new Date(Date.now() - 86_400_000).toISOString(), to: new Date(Date.now() + 3_600_000).toISOString() }),
  },
  {
    field: "submitApplication", allowed: ["applicant"],
    document: "mutation($input: SubmitApplicationInput!, $key: String!) { submitApplication(input: $input, idempotencyKey: $key) { id } }",
    variables: () => ({ input: applicationInput(uniqueIdentity()), key: `table-${Math.random().toString(36).slice(2)}` }),
  },
  {
    field: "chooseLender", allowed: ["applicant"],
    document: "mutation($input: ChooseLenderInput!) { chooseLender(input: $input) { id } }",
    variables: f => ({ input: { applicationId: f.applicationId, lenderId: f.kilo.id, categories: [PiiCategory.PHONE] } }),
  },
  {
    field: "withdrawConsent", allowed: ["applicant"], document: "mutation($id: ID!) { withdrawConsent(consentId: $id) { id } }",
    variables: f => ({ id: f.consentId }),
  },
  {
    field: "withdrawApplication", allowed: ["applicant"], document: "mutation($id: ID!) { withdrawApplication(id: $id) { id } }",
    variables: f => ({ id: f.withdrawableId }),
  },
  {
    field: "makeOffer", allowed: ["lender"],
    document: "mutation($id: ID!) { makeOffer(input: { leadId: $id, apr: 9.9, amount: 30000, termMonths: 12 }) { id } }",
    variables: f => ({ id: f.offerLeadId }),
  },
  {
    field: "reportOutcome", allowed: ["lender"],
    // DECLINED: the consent on this lead was withdrawn earlier in the table, and only DECLINED needs none.
    document: "mutation($id: ID!) { reportOutcome(input: { leadId: $id, outcome: DECLINED }) { id } }",
    variables: f => ({ id: f.chosenLeadId }),
  },
  {
    field: "createLender", allowed: ["admin"], document: "mutation($input: CreateLenderInput!) { createLender(input: $input) { id } }",
    variables: () => ({ input: {
      name: "Tango", legalName: "Tango Finance Co., Ltd.", contactEmail: "privacy@tango.example",
      criteria: { minAmount: 1000, maxAmount: 2000, minTermMonths: 1, maxTermMonths: 3, cities: ["拉萨"] },
    } }),
  },
  {
    field: "setLenderStatus", allowed: ["admin"],
    document: "mutation($id: ID!) { setLenderStatus(lenderId: $id, status: ACTIVE) { id } }", variables: f => ({ id: f.scratch.id }),
  },
  {
    field: "setFieldPermissions", allowed: ["admin"],
    document: "mutation($id: ID!) { setFieldPermissions(lenderId: $id, categories: [PHONE]) { id } }", variables: f => ({ id: f.scratch.id }),
  },
  {
    field: "issueApiKey", allowed: ["admin"],
    document: "mutation($id: ID!) { issueApiKey(lenderId: $id) { apiKey { id } } }", variables: f => ({ id: f.scratch.id }),
  },
  {
    field: "revokeApiKey", allowed: ["admin"],
    document: "mutation($id: ID!) { revokeApiKey(id: $id) { id } }", variables: f => ({ id: f.scratch.apiKeyId }),
  },
  {
    field: "rotateApiKey", allowed: ["admin"],
    document: "mutation($id: ID!) { rotateApiKey(id: $id) { apiKey { id } } }", variables: f => ({ id: f.kilo.apiKeyId }),
  },
  {
    field: "setLenderReadBudget", allowed: ["admin"],
    document: "mutation($id: ID!) { setLenderReadBudget(lenderId: $id, dailyReadBudget: 1000) { id } }", variables: f => ({ id: f.scratch.id }),
  },
  {
    field: "lenderAnomalies", allowed: ["admin"],
    document: "query($from: DateTime!, $to: DateTime!) { lenderAnomalies(from: $from, to: $to, threshold: 0) { lender { id } deniedReads } }",
    variables: () => ({ from: new Date(Date.now() - 86_400_000).toISOString(), to: new Date(Date.now() + 3_600_000).toISOString() }),
  },
  {
    field: "consentNotice", allowed: ["applicant"],
    document: "query($a: ID!, $l: ID!) { consentNotice(applicationId: $a, lenderId: $l, categories: [PHONE]) { noticeVersion } }",
    variables: f => ({ a: f.applicationId, l: f.kilo.id }),
  },
  { field: "myData", allowed: ["applicant"], document: "query { myData { subject } }" },
  {
    field: "registerWebhookEndpoint", allowed: ["lender"],
    document: "mutation { registerWebhookEndpoint(url: \"http://127.0.0.1:9/hooks\", events: [LEAD_CREATED]) { endpoint { id } } }",
  },
  { field: "webhookEndpoints", allowed: ["lender"], document: "query { webhookEndpoints { id } }" },
  {
    field: "disableWebhookEndpoint", allowed: ["lender"],
    document: "mutation($id: ID!) { disableWebhookEndpoint(id: $id) { id } }", variables: f => ({ id: f.disposableEndpointId }),
  },
  {
    field: "rotateWebhookSecret", allowed: ["lender"],
    document: "mutation($id: ID!) { rotateWebhookSecret(id: $id, graceHours: 1) { endpoint { id } } }", variables: f => ({ id: f.webhookEndpointId }),
  },
  {
    field: "webhookDeliveries", allowed: ["lender"],
    document: "query($id: ID!) { webhookDeliveries(endpointId: $id) { edges { node { id } } } }", variables: f => ({ id: f.webhookEndpointId }),
  },
  {
    field: "redeliverWebhook", allowed: ["lender"],
    document: "mutation($id: ID!) { redeliverWebhook(deliveryId: $id) { id } }", variables: f => ({ id: f.webhookDeliveryId }),
  },
  { field: "adminChanges", allowed: ["admin"], document: "query { adminChanges(first: 5) { edges { node { id } } } }" },
  {
    field: "registerLenderPublicKey", allowed: ["admin"],
    document: "mutation($id: ID!, $jwk: String!) { registerLenderPublicKey(lenderId: $id, publicKeyJwk: $jwk) { id } }",
    variables: f => ({ id: f.scratch.id, jwk: f.publicJwk }),
  },
  {
    field: "revokeLenderPublicKey", allowed: ["admin"],
    document: "mutation($id: ID!) { revokeLenderPublicKey(id: $id) { id } }", variables: f => ({ id: f.publicKeyId }),
  },
  { field: "adminActionLog", allowed: ["admin"], document: "query { adminActionLog(first: 5) { edges { node { id } } } }" },
  {
    field: "approveAdminChange", allowed: ["admin"],
    document: "mutation($id: ID!) { approveAdminChange(id: $id) { id status } }", variables: f => ({ id: f.approveChangeId }),
  },
  {
    field: "rejectAdminChange", allowed: ["admin"],
    document: "mutation($id: ID!) { rejectAdminChange(id: $id) { id status } }", variables: f => ({ id: f.rejectChangeId }),
  },
  { field: "myLender", allowed: ["lender"], document: "query { myLender { id dailyReadBudget } }" },
  {
    field: "declineLead", allowed: ["lender"], document: "mutation($id: ID!) { declineLead(leadId: $id) { id status } }",
    variables: f => ({ id: f.declinableLeadId }),
  },
  {
    field: "updateLender", allowed: ["admin"],
    document: "mutation($id: ID!) { updateLender(lenderId: $id, input: { contactEmail: \"dpo@scratch.example\" }) { id } }", variables: f => ({ id: f.scratch.id }),
  },
  {
    field: "offboardLender", allowed: ["admin"],
    document: "mutation($id: ID!) { offboardLender(lenderId: $id) { id status } }", variables: f => ({ id: f.oscar.id }),
  },
  // Last: erasing withdraws the applicant's applications, which the cases above still use.
  { field: "eraseMyData", allowed: ["applicant"], document: "mutation { eraseMyData { erasedAt } }" },
];

const codes = (result: GraphQLResult) => (result.body.errors ?? []).map(error => error.extensions?.code);

function expectUnauthenticated(result: GraphQLResult): void {
  expect(codes(result)).toEqual(["UNAUTHENTICATED"]);
  expect(result.body.data ?? null).toBeNull();
}

describe("operation-level roles and authentication", () => {
  let gateway: TestGateway;
  let fixtures: Fixtures;
  const credentials = {} as Record<Role, string>;

  /** Rows and state changes a refused call must not cause. */
  async function stateSnapshot() {
    const source = gateway.dataSource;
    return {
      lenders: await source.getRepository(Lender).find({ select: { id: true, status: true, permittedCategoriesStored: true } }),
      keys: await source.getRepository(ApiKey).find({ select: { id: true, revokedAt: true } }),
      applications: await source.getRepository(Application).find({ select: { id: true, status: true } }),
      leads: await source.getRepository(Lead).find({ select: { id: true, status: true } }),
      offers: await source.getRepository(Offer).count(),
      consents: await source.getRepository(Consent).find({ select: { id: true, storedStatus: true } }),
    };
  }

  beforeAll(async () => {
    const personas = await startWithPersonas({
      lenders: ["Lima", "Kilo", { name: "Scratch", permitted: [], criteria: { minAmount: 1000, maxAmount: 2000, minTermMonths: 1, maxTermMonths: 3, cities: ["拉萨"] } },
        { name: "Oscar", permitted: [], criteria: { minAmount: 1000, maxAmount: 2000, minTermMonths: 1, maxTermMonths: 3, cities: ["拉萨"] } }],
    });
    gateway = personas.gateway;
    credentials.admin = personas.admin;
    credentials.applicant = personas.applicant;
    const [lima, kilo, scratch, oscar] = personas.lenders;
    credentials.lender = lima.apiKey;
    const endpointOf = async () => expectData(await gateway.request(
      "mutation { registerWebhookEndpoint(url: \"http://127.0.0.1:9/hooks\", events: [LEAD_CREATED]) { endpoint { id } } }", {}, lima.apiKey,
    )).registerWebhookEndpoint.endpoint.id as string;
    const webhookEndpointId = await endpointOf();
    const disposableEndpointId = await endpointOf();
    const identity = uniqueIdentity();
    const applicationId = await submitApplication(gateway, credentials.applicant, identity);
    const chosenApplication = await submitApplication(gateway, credentials.applicant, identity);
    const withdrawableId = await submitApplication(gateway, credentials.applicant, identity);
    const declinableId = await submitApplication(gateway, credentials.applicant, identity);
    const consentId = await choose(gateway, credentials.applicant, chosenApplication, lima.id, [PiiCategory.PHONE]);
    const registeredKeyId = async (lenderId: string) => {
      expectData(await gateway.request(REGISTER_KEY, { lenderId, jwk: JSON.stringify((await lenderKeyPair()).publicJwk) }, personas.secondAdmin));
      return expectData(await gateway.request("query($id: ID!) { lender(id: $id) { publicKeys { id } } }", { id: lenderId }, personas.secondAdmin)).lender.publicKeys[0].id as string;
    };
    // Widening requests of the second admin, waiting for the first one's decision.
    expectData(await gateway.request(SET_PERMISSIONS, { id: scratch.id, categories: [PiiCategory.NAME] }, personas.secondAdmin));
    expectData(await gateway.request("mutation($id: ID!) { setLenderReadBudget(lenderId: $id, dailyReadBudget: 9000) { id } }", { id: kilo.id }, personas.secondAdmin));
    const pendingOn = async (lenderId: string) =>
      expectData(await gateway.request(PENDING_CHANGES, { id: lenderId }, personas.secondAdmin)).lender.pendingChanges as Array<{ id: string; kind: string }>;
    fixtures = {
      applicationId, withdrawableId, consentId, lima, kilo, scratch, oscar,
      declinableLeadId: await leadIdFor(gateway, lima, declinableId),
      offerLeadId: await leadIdFor(gateway, lima, applicationId),
      chosenLeadId: await leadIdFor(gateway, lima, chosenApplication),
      publicJwk: JSON.stringify((await lenderKeyPair()).publicJwk),
      publicKeyId: await registeredKeyId(scratch.id),
      approveChangeId: (await pendingOn(kilo.id)).find(change => change.kind === "RAISE_READ_BUDGET")!.id,
      rejectChangeId: (await pendingOn(scratch.id)).find(change => change.kind === "PERMIT_CATEGORIES")!.id,
      webhookEndpointId,
      disposableEndpointId,
      webhookDeliveryId: expectData(await gateway.request("query($id: ID!) { webhookDeliveries(endpointId: $id, first: 1) { edges { node { id } } } }",
        { id: webhookEndpointId }, lima.apiKey)).webhookDeliveries.edges[0].node.id,
    };
    // Delivery is idle in test gateways, so the delivery still waits; a redelivery is for one that
    // is over (a pending one refuses it, REDELIVERY_PENDING): as if it had given up.
    await gateway.dataSource.getRepository(WebhookDelivery).update({ id: fixtures.webhookDeliveryId }, { status: WebhookDeliveryStatus.FAILED });
  });

  afterAll(async () => gateway?.stop());

  it("the table covers every root field the gateway serves", async () => {
    const data = expectData(await gateway.request(
      "query { __schema { queryType { fields(includeDeprecated: true) { name } } mutationType { fields(includeDeprecated: true) { name } } } }", {}, credentials.admin));
    const served = [...data.__schema.queryType.fields, ...data.__schema.mutationType.fields].map((field: any) => field.name);
    expect(OPERATIONS.map(operation => operation.field).sort()).toEqual(served.sort());
  });

  const cases = OPERATIONS.flatMap(operation => ROLES.map(role => ({ ...operation, role, may: operation.allowed.includes(role) })));

  it.each(cases.filter(c => !c.may))("$field as $role: FORBIDDEN, no data, nothing changed", async ({ field, document, variables, role }) => {
    const before = await stateSnapshot();
    const result = await gateway.request(document, variables?.(fixtures) ?? {}, credentials[role]);
    expect(codes(result)).toEqual(["FORBIDDEN"]);
    expect(result.body.data?.[field] ?? null).toBeNull();
    expect(await stateSnapshot()).toEqual(before);
  });

  it.each(cases.filter(c => c.may))("$field as $role: allowed and answered", async ({ field, document, variables, role }) => {
    const result = await gateway.request(document, variables?.(fixtures) ?? {}, credentials[role]);
    expect(result.body.errors).toBeUndefined();
    expect(result.body.data?.[field]).toBeTruthy();
  });

  it.each(OPERATIONS)("$field anonymously: UNAUTHENTICATED and no data", async ({ document, variables }) => {
    expectUnauthenticated(await gateway.request(document, variables?.(fixtures) ?? {}));
  });

  describe("credentials", () => {
    const secret = new TextEncoder().encode(TEST_JWT_SECRET);
    const signed = (claims: Record<string, unknown>, subject: string | null, key = secret, lifetime: string | number = "1h") => {
      const jwt = new SignJWT(claims).setProtectedHeader({ alg: "HS256", typ: "JWT" }).setIssuedAt().setExpirationTime(lifetime);
      return (subject === null ? jwt : jwt.setSubject(subject)).sign(key);
    };
    const VIEWER = "query { viewer { id role } }";

    it.each<[string, () => Promise<string>]>([
      ["a well-signed JWT with role lender", () => signed({ role: "lender" }, "lender-1")],
      ["a well-signed JWT with no role", () => signed({}, "alice")],
      ["a well-signed JWT with an unknown role", () => signed({ role: "superuser" }, "alice")],
      ["a well-signed JWT with no subject", () => signed({ role: "admin" }, null)],
      ["an admin JWT signed with another secret", () => signed({ role: "admin" }, "ops-1", new TextEncoder().encode("another-secret-0123456789abcdefghijklmn"))],
      ["an expired admin JWT", () => signed({ role: "admin" }, "ops-1", secret, Math.floor(Date.now() / 1000) - 60)],
      ["an admin JWT without exp (it would never expire)", () => new SignJWT({ role: "admin" }).setProtectedHeader({ alg: "HS256" })
        .setSubject("ops-1").setIssuedAt().sign(secret)],
      ["an alg:none admin JWT", async () => new UnsecuredJWT({ role: "admin" }).setSubject("ops-1").setIssuedAt().setExpirationTime("1h").encode()],
      ["an HS512 admin JWT with the right secret", () => new SignJWT({ role: "admin" }).setProtectedHeader({ alg: "HS512" })
        .setSubject("ops-1").setExpirationTime("1h").sign(secret)],
      ["garbage", async () => "not-a-token"],
      ["an API key of the right shape that was never issued", async () => `lk_0123456789abcdef_${"A".repeat(43)}`],
      ["a real API key with a wrong secret", async () => `${fixtures.lima.apiKey.slice(0, 20)}${"B".repeat(43)}`],
      ["a truncated API key", async () => fixtures.lima.apiKey.slice(0, -1)],
    ])("%s is UNAUTHENTICATED with no data", async (_name, token) => {
      expectUnauthenticated(await gateway.request(VIEWER, {}, await token()));
    });

    it.each([
      ["no Authorization header", {}],
      ["a Basic Authorization header", { authorization: "Basic YWxpY2U6c2VjcmV0" }],
      ["an empty Bearer", { authorization: "Bearer " }],
    ])("%s is UNAUTHENTICATED with no data", async (_name, headers) => {
      expectUnauthenticated(await gateway.request(VIEWER, {}, undefined, headers));
    });

    it("positive twin: tokens built the same way with the right secret, alg and role are accepted", async () => {
      const admin = expectData(await gateway.request(VIEWER, {}, await signed({ role: "admin" }, "ops-9")));
      expect(admin.viewer).toEqual({ id: "ops-9", role: "ADMIN" });
      const applicant = expectData(await gateway.request(VIEWER, {}, await signed({ role: "applicant" }, "dana")));
      expect(applicant.viewer).toEqual({ id: "dana", role: "APPLICANT" });
    });
  });

  describe("viewer", () => {
    it("names the applicant by its subject", async () => {
      expect(expectData(await gateway.request("query { viewer { id role } }", {}, credentials.applicant)).viewer)
        .toEqual({ id: "alice", role: "APPLICANT" });
    });

    it("names the admin by its subject", async () => {
      expect(expectData(await gateway.request("query { viewer { id role } }", {}, credentials.admin)).viewer)
        .toEqual({ id: "ops-1", role: "ADMIN" });
    });

    it("names the lender by its lender id", async () => {
      expect(expectData(await gateway.request("query { viewer { id role } }", {}, fixtures.kilo.apiKey)).viewer)
        .toEqual({ id: fixtures.kilo.id, role: "LENDER" });
    });
  });

  describe("row scope for applicants", () => {
    it("another applicant's application is NOT_FOUND, and so is choosing a lender for it", async () => {
      const bob = await gateway.token("applicant", "bob");
      const read = await gateway.request("query($id: ID!) { application(id: $id) { id } }", { id: fixtures.applicationId }, bob);
      expect(codes(read)).toEqual(["NOT_FOUND"]);
      expect(read.body.data?.application).toBeNull();
      const chooseFor = await gateway.request("mutation($input: ChooseLenderInput!) { chooseLender(input: $input) { id } }", {
        input: { applicationId: fixtures.applicationId, lenderId: fixtures.lima.id, categories: [PiiCategory.NAME] },
      }, bob);
      expect(codes(chooseFor)).toEqual(["NOT_FOUND"]);
    });
  });
});
