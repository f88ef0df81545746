import Redis from "ioredis";
import { SignJWT } from "jose";
import { ApiKey } from "../../src/model/api-key.entity";
import { GraphQLResult, TEST_JWT_SECRET, TestGateway, startTestGateway } from "../support/gateway";
import { uniqueIdentity } from "../support/identities";
import { ISSUE_KEY, REVOKE_KEY } from "../support/documents";
import { ALL_CATEGORIES, TestLender, approvePendingChanges, choose, expectData, onboardLender, submitApplication } from "../support/flow";

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

    it("raising the budget opens reads again on the next request, once a second admin approved it", async () => {
      expectData(await gateway.request(`mutation($id: ID!) { setLenderReadBudget(lenderId: $id, dailyReadBudget: 100) { id } }`,
        { id: reader.id }, admin));
      expect(await approvePendingChanges(gateway, reader.id)).toHaveLength(1);
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

describe("API key rotation: lifetime, one successor, one transaction", () => {
  let gateway: TestGateway;
  let admin: string;
  let lender: TestLender;
  const VIEWER = "query { viewer { id role } }";
  const ROTATE = `mutation($id: ID!, $graceHours: Int!) { rotateApiKey(id: $id, graceHours: $graceHours) {
    secret apiKey { id label expiresAt } } }`;
  const DAY_MS = 86_400_000;
  /** The database's clock and the test's agree to within this (a request's duration, rounding). */
  const SLACK_MS = 10_000;

  beforeAll(async () => {
    gateway = await startTestGateway();
    admin = await gateway.token("admin", "ops-rotation");
    lender = await onboardLender(gateway, admin, "Rotor");
  });
  afterAll(async () => gateway?.stop());

  const keys = () => gateway.dataSource.getRepository(ApiKey).find({ where: { lenderId: lender.id }, order: { id: "ASC" } });
  const issue = async (expiresAt?: string) => expectData(await gateway.request(
    `mutation($id: ID!, $expiresAt: DateTime) { issueApiKey(lenderId: $id, label: "rotating", expiresAt: $expiresAt) { secret apiKey { id } } }`,
    { id: lender.id, expiresAt }, admin)).issueApiKey;
  const rotate = (id: string, graceHours = 24) => gateway.request(ROTATE, { id, graceHours }, admin);

  it("a key issued with an expiry is replaced by one with the same lifetime, counted from the rotation", async () => {
    const old = await issue(new Date(Date.now() + 20 * DAY_MS).toISOString());
    // Issued ten days ago with a 30-day lifetime, 20 days of it left.
    await gateway.dataSource.getRepository(ApiKey).update({ id: old.apiKey.id }, { createdAt: new Date(Date.now() - 10 * DAY_MS) });
    const rotated = expectData(await rotate(old.apiKey.id)).rotateApiKey;
    expect(rotated.apiKey.label).toBe("rotating");
    expect(Math.abs(Date.parse(rotated.apiKey.expiresAt) - (Date.now() + 30 * DAY_MS))).toBeLessThan(SLACK_MS);
    expect(expectData(await gateway.request(VIEWER, {}, rotated.secret)).viewer.id).toBe(lender.id);
    // The old key ends with its grace period (24 h), earlier than its own expiry.
    const stored = await gateway.dataSource.getRepository(ApiKey).findOneByOrFail({ id: old.apiKey.id });
    expect(Math.abs(stored.expiresAt!.getTime() - (Date.now() + DAY_MS))).toBeLessThan(SLACK_MS);
    expect(stored.replacedBy).toBe(rotated.apiKey.id);
  });

  it("positive twin: a key without an expiry is replaced by one without", async () => {
    const old = await issue();
    const rotated = expectData(await rotate(old.apiKey.id)).rotateApiKey;
    expect(rotated.apiKey.expiresAt).toBeNull();
  });

  it("a key in its grace period cannot be rotated again (BAD_USER_INPUT, nothing written); its replacement can", async () => {
    const old = await issue();
    const first = expectData(await rotate(old.apiKey.id)).rotateApiKey;
    const before = await keys();
    const again = await rotate(old.apiKey.id);
    expect(codes(again)).toEqual(["BAD_USER_INPUT"]);
    expect(again.body.errors?.[0].extensions).toMatchObject({ field: "id", fields: ["id"] });
    expect(again.text).not.toContain(old.secret);
    expect(await keys()).toEqual(before);
    // The old key still works for the rest of its grace period.
    expect(expectData(await gateway.request(VIEWER, {}, old.secret)).viewer.id).toBe(lender.id);
    const next = expectData(await rotate(first.apiKey.id)).rotateApiKey;
    expect(expectData(await gateway.request(VIEWER, {}, next.secret)).viewer.id).toBe(lender.id);
  });

  const revoke = async (id: string) => expectData(await gateway.request(REVOKE_KEY, { id }, admin)).revokeApiKey;

  it("revoking a rotated key's successor ends its predecessor's grace too: the old key's next request is UNAUTHENTICATED", async () => {
    const old = await issue();
    const successor = expectData(await rotate(old.apiKey.id)).rotateApiKey;
    expect(expectData(await gateway.request(VIEWER, {}, old.secret)).viewer.id).toBe(lender.id);
    await revoke(successor.apiKey.id);
    for (const secret of [successor.secret, old.secret]) {
      const refused = await gateway.request(VIEWER, {}, secret);
      expect(refused.status).toBe(401);
      expect(codes(refused)).toEqual(["UNAUTHENTICATED"]);
    }
    const stored = await gateway.dataSource.getRepository(ApiKey).findOneByOrFail({ id: old.apiKey.id });
    expect(stored.revokedAt).not.toBeNull();
  });

  it("the whole chain: revoking the newest of three rotations ends both keys still in their grace", async () => {
    const first = await issue();
    const second = expectData(await rotate(first.apiKey.id)).rotateApiKey;
    const third = expectData(await rotate(second.apiKey.id)).rotateApiKey;
    await revoke(third.apiKey.id);
    for (const secret of [third.secret, second.secret, first.secret]) expect(codes(await gateway.request(VIEWER, {}, secret))).toEqual(["UNAUTHENTICATED"]);
  });

  it("twin: revoking an unrelated key of the same lender leaves the old key working in its grace, and its successor too", async () => {
    const old = await issue();
    const successor = expectData(await rotate(old.apiKey.id)).rotateApiKey;
    const unrelated = await issue();
    await revoke(unrelated.apiKey.id);
    expect(codes(await gateway.request(VIEWER, {}, unrelated.secret))).toEqual(["UNAUTHENTICATED"]);
    expect(expectData(await gateway.request(VIEWER, {}, old.secret)).viewer.id).toBe(lender.id);
    expect(expectData(await gateway.request(VIEWER, {}, successor.secret)).viewer.id).toBe(lender.id);
  });

  it("twin: revoking the old key in its grace leaves its successor working", async () => {
    const old = await issue();
    const successor = expectData(await rotate(old.apiKey.id)).rotateApiKey;
    await revoke(old.apiKey.id);
    expect(codes(await gateway.request(VIEWER, {}, old.secret))).toEqual(["UNAUTHENTICATED"]);
    expect(expectData(await gateway.request(VIEWER, {}, successor.secret)).viewer.id).toBe(lender.id);
  });

  it("concurrent rotations of one key: one succeeds, the rest are BAD_USER_INPUT, one successor is written", async () => {
    const old = await issue();
    const before = await keys();
    const results = await Promise.all(Array.from({ length: 4 }, () => rotate(old.apiKey.id)));
    const succeeded = results.filter(result => !result.body.errors);
    expect(succeeded).toHaveLength(1);
    for (const result of results.filter(result => result.body.errors)) expect(codes(result)).toEqual(["BAD_USER_INPUT"]);
    const after = await keys();
    expect(after).toHaveLength(before.length + 1);
    expect(after.find(key => key.id === old.apiKey.id)!.replacedBy).toBe(succeeded[0].body.data!.rotateApiKey.apiKey.id);
  });

  it("issuing the new key and ending the old one are one transaction: when ending fails, no new key remains", async () => {
    const old = await issue();
    const before = await keys();
    // A fault in the database itself: updating this one key's row fails.
    const trigger = "fail_rotation_of_one_key";
    await gateway.dataSource.query(gateway.kind === "mysql"
      ? `CREATE TRIGGER ${trigger} BEFORE UPDATE ON api_keys FOR EACH ROW ` +
        `IF OLD.id = '${old.apiKey.id}' THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'test fault'; END IF`
      : `CREATE TRIGGER ${trigger} BEFORE UPDATE ON api_keys WHEN OLD.id = '${old.apiKey.id}' BEGIN SELECT RAISE(ABORT, 'test fault'); END`);
    try {
      const failed = await rotate(old.apiKey.id);
      expect(codes(failed)).toEqual(["INTERNAL_SERVER_ERROR"]);
      expect(failed.text).not.toContain("test fault");
      expect(await keys()).toEqual(before);
    } finally {
      await gateway.dataSource.query(`DROP TRIGGER ${trigger}`);
    }
    // Positive twin: without the fault the same rotation goes through.
    const rotated = expectData(await rotate(old.apiKey.id)).rotateApiKey;
    expect(expectData(await gateway.request(VIEWER, {}, rotated.secret)).viewer.id).toBe(lender.id);
  });
});
