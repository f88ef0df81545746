import { PiiCategory } from "../../src/model/pii-category";
import { TestGateway, startTestGateway } from "../support/gateway";
import { startProductionGateway } from "../support/identity-providers";
import { uniqueIdentity } from "../support/identities";
import { LEADS_WITH_IDENTITY } from "../support/documents";
import { TestLender, choose, expectData, onboardLender, submitApplication } from "../support/flow";
import { startWithPersonas } from "../support/personas";

/** One sample line of the exposition text, e.g. `name{a="b"} 3`; 0 when the series is absent. */
function sample(text: string, name: string, labels: Record<string, string>): number {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`)) continue;
    const inside = line.slice(name.length + 1, line.indexOf("}"));
    const present = inside.split(",");
    if (wanted.every(pair => present.includes(pair)) && present.length === wanted.length) return Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return 0;
}

/** Low enough to hit in a few requests; every lender request of this file stays well under it otherwise. */
const REQUESTS_PER_MINUTE = 5;

describe("/metrics, /healthz and /readyz", () => {
  let gateway: TestGateway;
  let base: string;
  let admin: string;
  let lender: TestLender;
  const canary = uniqueIdentity();

  beforeAll(async () => {
    ({ gateway, admin, lenders: [lender] } = await startWithPersonas({
      env: { LENDER_REQUESTS_PER_MINUTE: String(REQUESTS_PER_MINUTE) }, lenders: ["Metrica"],
    }));
    base = gateway.url.replace(/\/graphql$/, "");
  });
  afterAll(async () => {
    await gateway.stop();
  });

  it("counts requests by operation and outcome, and identity reads by outcome, reason and category", async () => {
    const applicant = await gateway.token("applicant", "metrics-applicant");
    const applicationId = await submitApplication(gateway, applicant, canary);
    const before = await gateway.request(LEADS_WITH_IDENTITY, {}, lender.apiKey);
    expect(before.body.errors?.[0]?.extensions?.reason).toBe("NO_CONSENT");
    await choose(gateway, applicant, applicationId, lender.id, [PiiCategory.NAME, PiiCategory.PHONE]);
    const after = await gateway.request(LEADS_WITH_IDENTITY, {}, lender.apiKey);
    // Positive twin of the scan below: the canary was really read through the gateway.
    expect(after.text).toContain(canary.fullName);
    const anonymous = await gateway.request("query { viewer { id } }");
    expect(anonymous.body.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");

    // Without METRICS_TOKEN (development, test) /metrics is open: the twin of the 401s below.
    const response = await fetch(`${base}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/plain");
    const text = await response.text();

    expect(sample(text, "gateway_graphql_requests_total", { operation: "submitApplication", outcome: "ok" })).toBe(1);
    expect(sample(text, "gateway_graphql_requests_total", { operation: "chooseLender", outcome: "ok" })).toBe(1);
    expect(sample(text, "gateway_graphql_requests_total", { operation: "leads", outcome: "FORBIDDEN" })).toBe(2);
    expect(sample(text, "gateway_graphql_requests_total", { operation: "unknown", outcome: "UNAUTHENTICATED" })).toBe(1);
    expect(sample(text, "gateway_graphql_request_duration_seconds_count", { operation: "submitApplication", outcome: "ok" })).toBe(1);
    for (const category of ["NAME", "NATIONAL_ID", "PHONE", "EMAIL"]) {
      expect(sample(text, "gateway_identity_reads_total", { outcome: "DENIED", reason: "NO_CONSENT", category })).toBe(1);
    }
    expect(sample(text, "gateway_identity_reads_total", { outcome: "GRANTED", reason: "none", category: "NAME" })).toBe(1);
    expect(sample(text, "gateway_identity_reads_total", { outcome: "GRANTED", reason: "none", category: "PHONE" })).toBe(1);
    expect(sample(text, "gateway_identity_reads_total", { outcome: "DENIED", reason: "CATEGORY_NOT_CONSENTED", category: "EMAIL" })).toBe(1);
    expect(text).toContain("# TYPE gateway_quota_rejections_total counter");
    if (gateway.kind === "mysql") expect(sample(text, "gateway_db_pool_connections", { state: "limit" })).toBeGreaterThan(0);

    // No identity value and no credential anywhere in the exposition.
    for (const secret of [canary.fullName, canary.nationalId, canary.phone, canary.email, lender.apiKey, applicant, admin]) {
      expect(text).not.toContain(secret);
    }
    expect(text).not.toContain(canary.nationalId.slice(0, 10));
    expect(text).not.toContain(canary.phone.slice(-8));
  });

  it("counts quota rejections by reason; a key within its quota is still served", async () => {
    const busy = await onboardLender(gateway, admin, "Busy");
    const calm = await onboardLender(gateway, admin, "Calm");
    // Two minute windows at most, so 2 x limit + 2 requests are refused at least twice.
    for (let index = 0; index < 2 * REQUESTS_PER_MINUTE + 2; index += 1) await gateway.request("query { viewer { id } }", {}, busy.apiKey);
    expect(expectData(await gateway.request("query { viewer { id } }", {}, calm.apiKey)).viewer.id).toBe(calm.id);
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(sample(text, "gateway_quota_rejections_total", { reason: "REQUEST_RATE" })).toBeGreaterThanOrEqual(2);
    expect(sample(text, "gateway_graphql_requests_total", { operation: "unknown", outcome: "RATE_LIMITED" })).toBeGreaterThanOrEqual(2);
    expect(text).not.toContain(busy.apiKey);
  });

  it("answers /healthz and /readyz with the database reachable and migrations applied", async () => {
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    const report = (await ready.json()) as Record<string, unknown>;
    expect(report).toMatchObject({ status: "ready", database: "reachable", migrations: "applied" });
    if (gateway.kind === "mysql") {
      expect(report.durability).toEqual({
        ok: expect.any(Boolean), innodbFlushLogAtTrxCommit: expect.any(String), syncBinlog: expect.any(String),
      });
    } else {
      expect(report.durability).toBeUndefined();
    }
    expect(expectData(await gateway.request("query { viewer { role } }", {}, admin)).viewer.role).toBe("ADMIN");
  });
});

describe("/metrics with METRICS_TOKEN: a scraper must present it", () => {
  const METRICS_TOKEN = "test-only-metrics-token-0123456789abcdef";
  let gateway: TestGateway;
  let base: string;

  beforeAll(async () => {
    // Production, as it must run: METRICS_TOKEN set (start is refused without it, test/unit/config-metrics-token.test.ts).
    let admin: string;
    ({ gateway, admin } = await startProductionGateway({ METRICS_TOKEN }));
    base = gateway.url.replace(/\/graphql$/, "");
    // Something to count, so an answer with metrics would show it.
    expectData(await gateway.request("query { viewer { role } }", {}, admin));
  });
  afterAll(async () => gateway?.stop());

  const scrape = (authorization?: string) => fetch(`${base}/metrics`, { headers: authorization ? { authorization } : {} });

  it.each<[string, string | undefined]>([
    ["no Authorization header", undefined],
    ["a wrong token", "Bearer test-only-metrics-token-0123456789abcdeX"],
    ["the token's prefix", `Bearer ${METRICS_TOKEN.slice(0, 20)}`],
    ["the token under another scheme", `Basic ${METRICS_TOKEN}`],
    ["an admin's JWT", "admin"],
  ])("%s: 401 and no metrics in the body", async (_name, authorization) => {
    const header = authorization === "admin" ? `Bearer ${await gateway.token("admin", "ops-metrics")}` : authorization;
    const response = await scrape(header);
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe("Bearer");
    const text = await response.text();
    expect(text).not.toContain("gateway_");
    expect(text).not.toContain("# TYPE");
  });

  it("positive twin: the token (any case of `Bearer`) gets the metrics", async () => {
    for (const scheme of ["Bearer", "bearer"]) {
      const response = await scrape(`${scheme} ${METRICS_TOKEN}`);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toContain("text/plain");
      expect(sample(await response.text(), "gateway_graphql_requests_total", { operation: "viewer", outcome: "ok" })).toBeGreaterThanOrEqual(1);
    }
  });

  it("/healthz and /readyz stay open to the load balancer", async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  });
});
