import Redis from "ioredis";
import { SignJWT } from "jose";
import { ApiKey } from "../../src/lenders/api-key.entity";
import { GraphQLResult, TEST_JWT_SECRET, TestGateway, startTestGateway } from "../support/gateway";
import { uniqueIdentity } from "../support/identities";
import { ALL_CATEGORIES, ISSUE_KEY, TestLender, choose, expectData, onboardLender, submitApplication } from "../support/flow";

const REDIS_URL = "redis://127.0.0.1:6379";
const ISSUER = "https://supermarket.example/auth";
const AUDIENCE = "lead-gateway";
const secret = new TextEncoder().encode(TEST_JWT_SECRET);

const codes = (result: GraphQLResult) => (result.body.errors ?? []).map(error => error.extensions?.code);
const IDENTITY = `query { leads(first: 10) { edges { node { application { id applicant { city fullName nationalId phone email } } } } } }`;
const ALIASED = `query { leads(first: 10) { edges { node { application { applicant {
  city fullName n1: fullName n2: fullName nationalId phone email } } } } } }`;

function token(role: string, subject: string, claims: Record<string, unknown> = { iss: ISSUER, aud: AUDIENCE }) {
  return new SignJWT({ role, ...claims }).setProtectedHeader({ alg: "HS256" }).setSubject(subject).setIssuedAt().setExpirationTime("1h").sign(secret);
}

const backends: Array<[string, Record<string, string>]> = [
  ["the database", {}],
  ["Redis", { REDIS_URL, REDIS_KEY_PREFIX: `gateway-test:${process.pid}:${Date.now()}:` }],
];

describe.each(backends)("quotas with counters in %s", (_name, storeSettings) => {
  let gateway: TestGateway;
  let admin: string;
  let probe: TestLender;
  let reader: TestLender;
  let bystander: TestLender;

  beforeAll(async () => {
    gateway = await startTestGateway({
      ...storeSettings, LENDER_REQUESTS_PER_MINUTE: "5", JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE,
    });
    admin = await token("admin", "ops-quota");
    probe = await onboardLender(gateway, admin, "Probe");
    reader = await onboardLender(gateway, admin, "Reader");
    bystander = await onboardLender(gateway, admin, "Bystander");
    const applicant = await token("applicant", "quota-applicant");
    const applicationId = await submitApplication(gateway, applicant, uniqueIdentity());
    await choose(gateway, applicant, applicationId, reader.id, ALL_CATEGORIES);
    await choose(gateway, applicant, applicationId, bystander.id, ALL_CATEGORIES);
  });

  afterAll(async () => {
    await gateway?.stop();
    if (storeSettings.REDIS_KEY_PREFIX) {
      const redis = new Redis(REDIS_URL);
      const keys = await redis.keys(`${storeSettings.REDIS_KEY_PREFIX}*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
    }
  });

  const newKey = async (lender: TestLender) =>
    expectData(await gateway.request(ISSUE_KEY, { id: lender.id, label: "extra" }, admin)).issueApiKey.secret as string;

  it("a lender key past LENDER_REQUESTS_PER_MINUTE gets RATE_LIMITED (HTTP 429); another key of the lender still works", async () => {
    const key = await newKey(probe);
    // Fixed one-minute windows: if the minute turned during the burst, run it again in the new one.
    for (let attempt = 0; attempt < 2; attempt++) {
      const minute = Math.floor(Date.now() / 60_000);
      const results: GraphQLResult[] = [];
      for (let index = 0; index < 6; index++) results.push(await gateway.request("query { viewer { role } }", {}, key));
      if (Math.floor(Date.now() / 60_000) !== minute) continue;
      expect(results.slice(0, 5).every(result => result.body.data?.viewer?.role === "LENDER")).toBe(true);
      const refused = results[5];
      expect(refused.status).toBe(429);
      expect(codes(refused)).toEqual(["RATE_LIMITED"]);
      expect(refused.body.errors?.[0].extensions).toMatchObject({ reason: "REQUEST_RATE", retryAfterSeconds: expect.any(Number) });
      expect(refused.body.data ?? null).toBeNull();
      expect(expectData(await gateway.request("query { viewer { role } }", {}, await newKey(probe))).viewer.role).toBe("LENDER");
      return;
    }
    throw new Error("the minute turned twice during the burst");
  });

  it("admins and applicants are not counted against lender rates", async () => {
    for (let index = 0; index < 7; index++) expect(codes(await gateway.request("query { viewer { role } }", {}, admin))).toEqual([]);
  });

  describe("the daily identity-read budget, counted per applicant field read", () => {
    it("an admin sets a lender's budget and sees its use; lenders cannot", async () => {
      const set = expectData(await gateway.request(
        `mutation($id: ID!) { setLenderReadBudget(lenderId: $id, dailyReadBudget: 6) { id dailyReadBudget identityReadsToday } }`,
        { id: reader.id }, admin));
      expect(set.setLenderReadBudget).toEqual({ id: reader.id, dailyReadBudget: 6, identityReadsToday: 0 });
      const asLender = await gateway.request(`mutation($id: ID!) { setLenderReadBudget(lenderId: $id, dailyReadBudget: 600) { id } }`,
        { id: reader.id }, reader.apiKey);
      expect(codes(asLender)).toEqual(["FORBIDDEN"]);
    });

    it("aliases of one field count once: four fields read, four counted", async () => {
      const data = expectData(await gateway.request(ALIASED, {}, await newKey(reader)));
      expect(data.leads.edges[0].node.application.applicant.n2).toEqual(expect.any(String));
      const lender = expectData(await gateway.request(`query($id: ID!) { lender(id: $id) { identityReadsToday } }`, { id: reader.id }, admin));
      expect(lender.lender.identityReadsToday).toBe(4);
    });

    it("past the budget, every identity field is null with RATE_LIMITED, also through another key; the rest resolves", async () => {
      const result = await gateway.request(IDENTITY, {}, await newKey(reader));
      const applicant = result.body.data?.leads.edges[0].node.application.applicant;
      expect(applicant.city).toEqual(expect.any(String));
      for (const field of ["fullName", "nationalId", "phone", "email"]) expect(applicant[field]).toBeNull();
      expect(new Set(codes(result))).toEqual(new Set(["RATE_LIMITED"]));
      expect(result.body.errors?.[0].extensions?.reason).toBe("DAILY_READ_BUDGET");
      // The refused reads are audited like any denied read: one DENIED row per field.
      const log = expectData(await gateway.request(
        `query($lenderId: ID!) { auditLog(filter: { lenderId: $lenderId, outcome: DENIED }, first: 50) { edges { node { field outcome reason consentId applicationId } } } }`,
        { lenderId: reader.id }, admin));
      const applicationId = result.body.data?.leads.edges[0].node.application.id;
      expect(log.auditLog.edges.map((edge: any) => edge.node).sort((a: any, b: any) => a.field.localeCompare(b.field))).toEqual(
        ["email", "fullName", "nationalId", "phone"].map(field => ({ field, outcome: "DENIED", reason: "DAILY_READ_BUDGET", consentId: expect.any(String), applicationId })));
    });

    it("positive twin: another lender with the default budget reads the same applicant", async () => {
      const data = expectData(await gateway.request(IDENTITY, {}, bystander.apiKey));
      expect(data.leads.edges[0].node.application.applicant.fullName).toEqual(expect.any(String));
    });

    it("raising the budget opens reads again on the next request", async () => {
      expectData(await gateway.request(`mutation($id: ID!) { setLenderReadBudget(lenderId: $id, dailyReadBudget: 100) { id } }`,
        { id: reader.id }, admin));
      const data = expectData(await gateway.request(IDENTITY, {}, await newKey(reader)));
      expect(data.leads.edges[0].node.application.applicant.phone).toEqual(expect.any(String));
    });
  });

  it("the anomaly query lists a lender probing applicants it has no consent for, not one reading with consent", async () => {
    // Probe has a lead on the application but no consent: every identity read is DENIED.
    for (let index = 0; index < 2; index++) await gateway.request(IDENTITY, {}, await newKey(probe));
    const window = { from: new Date(Date.now() - 3_600_000).toISOString(), to: new Date(Date.now() + 60_000).toISOString() };
    const data = expectData(await gateway.request(`query($from: DateTime!, $to: DateTime!) {
      lenderAnomalies(from: $from, to: $to, threshold: 3) { lender { id } deniedReads applications firstAt lastAt } }`, window, admin));
    expect(data.lenderAnomalies).toEqual([
      { lender: { id: probe.id }, deniedReads: 8, applications: 1, firstAt: expect.any(String), lastAt: expect.any(String) },
    ]);
    const higher = expectData(await gateway.request(`query($from: DateTime!, $to: DateTime!) {
      lenderAnomalies(from: $from, to: $to, threshold: 8) { lender { id } } }`, window, admin));
    expect(higher.lenderAnomalies).toEqual([]);
    // Denied reads reveal nothing and cost no budget: a listing before consent cannot lock a lender out.
    const probeUse = expectData(await gateway.request(`query($id: ID!) { lender(id: $id) { identityReadsToday } }`, { id: probe.id }, admin));
    expect(probeUse.lender.identityReadsToday).toBe(0);
  });
});

describe("API key lifecycle and JWT claims", () => {
  let gateway: TestGateway;
  let admin: string;
  let lender: TestLender;
  const VIEWER = "query { viewer { id role } }";

  beforeAll(async () => {
    gateway = await startTestGateway({ JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE });
    admin = await token("admin", "ops-keys");
    lender = await onboardLender(gateway, admin, "Keys");
  });
  afterAll(async () => gateway?.stop());

  const issue = async (expiresAt?: string) => expectData(await gateway.request(
    `mutation($id: ID!, $expiresAt: DateTime) { issueApiKey(lenderId: $id, label: "ci", expiresAt: $expiresAt) { secret apiKey { id label expiresAt } } }`,
    { id: lender.id, expiresAt }, admin)).issueApiKey;

  it("a key with a future expiry works and shows it; once expired it is UNAUTHENTICATED", async () => {
    const future = new Date(Date.now() + 3_600_000).toISOString();
    const issued = await issue(future);
    expect(issued.apiKey.expiresAt).toBe(future);
    expect(expectData(await gateway.request(VIEWER, {}, issued.secret)).viewer.role).toBe("LENDER");
    await gateway.dataSource.getRepository(ApiKey).update({ id: issued.apiKey.id }, { expiresAt: new Date(Date.now() - 1000) });
    const refused = await gateway.request(VIEWER, {}, issued.secret);
    expect(refused.status).toBe(401);
    expect(codes(refused)).toEqual(["UNAUTHENTICATED"]);
  });

  it("an expiry in the past is refused at issue (BAD_USER_INPUT)", async () => {
    const result = await gateway.request(`mutation($id: ID!) { issueApiKey(lenderId: $id, expiresAt: "2020-01-01T00:00:00Z") { secret } }`,
      { id: lender.id }, admin);
    expect(codes(result)).toEqual(["BAD_USER_INPUT"]);
  });

  it("rotation keeps both keys valid during the grace period, with the old key's end shown", async () => {
    const old = await issue();
    const rotated = expectData(await gateway.request(`mutation($id: ID!) { rotateApiKey(id: $id, graceHours: 24) { secret apiKey { id label } } }`,
      { id: old.apiKey.id }, admin)).rotateApiKey;
    expect(rotated.apiKey.label).toBe("ci");
    expect(expectData(await gateway.request(VIEWER, {}, old.secret)).viewer.id).toBe(lender.id);
    expect(expectData(await gateway.request(VIEWER, {}, rotated.secret)).viewer.id).toBe(lender.id);
    const stored = await gateway.dataSource.getRepository(ApiKey).findOneByOrFail({ id: old.apiKey.id });
    expect(stored.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 23 * 3_600_000);
  });

  it("rotation with graceHours: 0 ends the old key on its next request; the new one works", async () => {
    const old = await issue();
    const rotated = expectData(await gateway.request(`mutation($id: ID!) { rotateApiKey(id: $id, graceHours: 0) { secret } }`,
      { id: old.apiKey.id }, admin)).rotateApiKey;
    expect(codes(await gateway.request(VIEWER, {}, old.secret))).toEqual(["UNAUTHENTICATED"]);
    expect(expectData(await gateway.request(VIEWER, {}, rotated.secret)).viewer.role).toBe("LENDER");
  });

  it("an unknown key id and a wrong secret get byte-identical answers", async () => {
    const unknown = await gateway.request(VIEWER, {}, `lk_0123456789abcdef_${"A".repeat(43)}`);
    const wrongSecret = await gateway.request(VIEWER, {}, `${lender.apiKey.slice(0, 20)}${"A".repeat(43)}`);
    expect(unknown.status).toBe(401);
    expect(wrongSecret.status).toBe(unknown.status);
    expect(wrongSecret.text).toBe(unknown.text);
  });

  it.each<[string, Record<string, unknown>]>([
    ["no iss and no aud", {}],
    ["a wrong iss", { iss: "https://evil.example", aud: AUDIENCE }],
    ["a wrong aud", { iss: ISSUER, aud: "another-service" }],
  ])("with JWT_ISSUER/JWT_AUDIENCE set, an admin token with %s is UNAUTHENTICATED", async (_name, claims) => {
    const result = await gateway.request(VIEWER, {}, await token("admin", "ops-keys", claims));
    expect(codes(result)).toEqual(["UNAUTHENTICATED"]);
    expect(result.body.data ?? null).toBeNull();
  });

  it("positive twin: the right iss and aud are accepted", async () => {
    expect(expectData(await gateway.request(VIEWER, {}, admin)).viewer).toEqual({ id: "ops-keys", role: "ADMIN" });
  });
});
