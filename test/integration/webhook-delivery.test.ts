import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import { PiiCategory } from "../../src/model/pii-category";
import { WebhookEndpoint } from "../../src/model/webhook.entity";
import { SET_PERMISSIONS } from "../support/documents";
import { ALL_CATEGORIES, type TestLender, expectData, submitApplication } from "../support/flow";
import { type TestGateway, startTestGatewayOn } from "../support/gateway";
import { uniqueIdentity } from "../support/identities";
import { type Personas, startWithPersonas } from "../support/personas";
import { WEBHOOK_DOCUMENTS as W, type ReceivedWebhook, WebhookReceiver, verified, waitUntil } from "../support/webhook-receiver";

/** Short on purpose: attempts 300 ms apart, a 0.5 s timeout, passes every 30 ms. */
const FAST = { WEBHOOK_POLL_SECONDS: "0.03", WEBHOOK_RETRY_SCHEDULE: "0,0.3,0.3", WEBHOOK_TIMEOUT_SECONDS: "0.5" };
const SCHEDULE_GAP_MS = 300;

const headersOf = (delivery: ReceivedWebhook) => ({
  "webhook-id": String(delivery.headers["webhook-id"]),
  "webhook-timestamp": String(delivery.headers["webhook-timestamp"]),
  "webhook-signature": String(delivery.headers["webhook-signature"]),
});

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

async function register(gateway: TestGateway, lender: TestLender, url: string): Promise<{ secret: string; id: string }> {
  const registered = expectData(await gateway.request(W.REGISTER, { url, events: ["PERMISSIONS_CHANGED"] }, lender.apiKey)).registerWebhookEndpoint;
  return { secret: registered.secret, id: registered.endpoint.id };
}

async function onlyDelivery(gateway: TestGateway, lender: TestLender, endpointId: string) {
  const edges = expectData(await gateway.request(W.DELIVERIES, { id: endpointId }, lender.apiKey)).webhookDeliveries.edges;
  return edges.map((edge: any) => edge.node);
}

async function waitForDelivery(gateway: TestGateway, lender: TestLender, endpointId: string, status: string, timeoutMs = 10_000) {
  const started = Date.now();
  for (;;) {
    const nodes = await onlyDelivery(gateway, lender, endpointId);
    if (nodes.length > 0 && nodes.every((node: any) => node.status === status)) return nodes;
    if (Date.now() - started > timeoutMs) throw new Error(`deliveries not ${status}: ${JSON.stringify(nodes)}`);
    await sleep(30);
  }
}

describe("webhook delivery: retries, failures, rotation", () => {
  let personas: Personas;
  const receiver = new WebhookReceiver();
  /** Each lender's categories, narrowed one by one: each narrowing is one lender.permissions_changed. */
  const remaining = new Map<string, PiiCategory[]>();

  beforeAll(async () => {
    await receiver.start();
    personas = await startWithPersonas({ env: FAST, lenders: ["One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten", "Eleven"] });
  });

  afterAll(async () => {
    await personas?.gateway.stop();
    await receiver.stop();
  });

  /** One event for this lender only: its permitted categories narrowed by one. */
  async function trigger(lender: TestLender): Promise<void> {
    const categories = remaining.get(lender.id) ?? [...ALL_CATEGORIES];
    categories.pop();
    remaining.set(lender.id, categories);
    expectData(await personas.gateway.request(SET_PERMISSIONS, { id: lender.id, categories }, personas.admin));
  }

  it("retries a receiver that is down until it is up, with the same webhook-id, on the schedule", async () => {
    const lender = personas.lenders[0];
    const { secret, id } = await register(personas.gateway, lender, receiver.url("/down-then-up"));
    let calls = 0;
    receiver.respond = request => (request.path === "/down-then-up" && ++calls <= 2 ? { status: 503 } : { status: 200 });
    await trigger(lender);
    const got = await receiver.waitFor(3, "/down-then-up");
    expect(new Set(got.map(delivery => delivery.headers["webhook-id"])).size).toBe(1);
    for (const delivery of got) expect(verified(secret, delivery).type).toBe("lender.permissions_changed");
    expect(got[1].at - got[0].at).toBeGreaterThanOrEqual(SCHEDULE_GAP_MS - 20);
    expect(got[2].at - got[1].at).toBeGreaterThanOrEqual(SCHEDULE_GAP_MS - 20);
    const [delivery] = await waitForDelivery(personas.gateway, lender, id, "DELIVERED");
    expect(delivery).toMatchObject({ attempts: 3, lastResponseStatus: 200, lastFailure: null, eventId: got[0].headers["webhook-id"] });
    const [endpoint] = expectData(await personas.gateway.request(W.LIST, {}, lender.apiKey)).webhookEndpoints;
    expect(endpoint.lastFailureAt).not.toBeNull();
    expect(endpoint.lastSuccessAt).not.toBeNull();
  });

  it("gives up when the schedule runs out (FAILED) and leaves the endpoint ACTIVE", async () => {
    const lender = personas.lenders[1];
    const { id } = await register(personas.gateway, lender, receiver.url("/always-500"));
    receiver.respond = request => ({ status: request.path === "/always-500" ? 500 : 200 });
    await trigger(lender);
    await receiver.waitFor(3, "/always-500");
    const [delivery] = await waitForDelivery(personas.gateway, lender, id, "FAILED");
    expect(delivery).toMatchObject({ attempts: 3, lastResponseStatus: 500, lastFailure: "HTTP_STATUS" });
    await sleep(2 * SCHEDULE_GAP_MS);
    expect(receiver.on("/always-500")).toHaveLength(3);
    expect(expectData(await personas.gateway.request(W.LIST, {}, lender.apiKey)).webhookEndpoints[0].status).toBe("ACTIVE");
  });

  it("counts a receiver that refuses connections as a failed attempt, retried on the schedule", async () => {
    const lender = personas.lenders[8];
    const closed = await new WebhookReceiver().start();
    const url = closed.url("/nobody");
    await closed.stop();
    const { id } = await register(personas.gateway, lender, url);
    await trigger(lender);
    const [delivery] = await waitForDelivery(personas.gateway, lender, id, "FAILED");
    expect(delivery).toMatchObject({ attempts: 3, lastFailure: "CONNECTION_FAILED", lastResponseStatus: null });
  });

  it("disables an endpoint that answers 410 Gone; admins and the lender see why; nothing more is sent", async () => {
    const lender = personas.lenders[2];
    const { id } = await register(personas.gateway, lender, receiver.url("/gone"));
    receiver.respond = request => ({ status: request.path === "/gone" ? 410 : 200 });
    await trigger(lender);
    await receiver.waitFor(1, "/gone");
    await waitForDelivery(personas.gateway, lender, id, "FAILED");
    const asAdmin = expectData(await personas.gateway.request(`query($id: ID!) { lender(id: $id) { webhookEndpoints { id status disabledReason disabledAt } } }`, { id: lender.id }, personas.admin));
    expect(asAdmin.lender.webhookEndpoints).toEqual([expect.objectContaining({ id, status: "DISABLED", disabledReason: "GONE" })]);
    expect(expectData(await personas.gateway.request(W.LIST, {}, lender.apiKey)).webhookEndpoints[0]).toMatchObject({ status: "DISABLED", disabledReason: "GONE" });
    await trigger(lender);
    await sleep(3 * SCHEDULE_GAP_MS);
    expect(receiver.on("/gone")).toHaveLength(1);
    // A disabled endpoint takes no redelivery and no rotation.
    const [failed] = await onlyDelivery(personas.gateway, lender, id);
    const refused = await personas.gateway.request(W.REDELIVER, { id: failed.id }, lender.apiKey);
    expect(refused.body.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", reason: "ENDPOINT_DISABLED" });
  });

  it("waits at least a 429's or a 503's Retry-After before trying again", async () => {
    const lender = personas.lenders[3];
    await register(personas.gateway, lender, receiver.url("/busy"));
    let calls = 0;
    receiver.respond = request => {
      if (request.path !== "/busy") return { status: 200 };
      calls += 1;
      if (calls === 1) return { status: 429, headers: { "retry-after": "1" } };
      if (calls === 2) return { status: 503, headers: { "retry-after": "1" } };
      return { status: 200 };
    };
    await trigger(lender);
    const got = await receiver.waitFor(3, "/busy");
    expect(got[1].at - got[0].at).toBeGreaterThanOrEqual(980);
    expect(got[2].at - got[1].at).toBeGreaterThanOrEqual(980);
    expect(new Set(got.map(delivery => delivery.headers["webhook-id"])).size).toBe(1);
  });

  it("does not follow a redirect: a 3xx is a failure", async () => {
    const lender = personas.lenders[4];
    const { id } = await register(personas.gateway, lender, receiver.url("/redirecting"));
    receiver.respond = request => (request.path === "/redirecting" ? { status: 302, headers: { location: receiver.url("/moved") } } : { status: 200 });
    await trigger(lender);
    await receiver.waitFor(3, "/redirecting");
    const [delivery] = await waitForDelivery(personas.gateway, lender, id, "FAILED");
    expect(delivery).toMatchObject({ lastResponseStatus: 302, lastFailure: "REDIRECT" });
    expect(receiver.on("/moved")).toHaveLength(0);
  });

  it("times out a slow receiver and retries it; the metrics count attempts by outcome", async () => {
    const lender = personas.lenders[5];
    const { id } = await register(personas.gateway, lender, receiver.url("/slow"));
    let calls = 0;
    receiver.respond = request => (request.path === "/slow" && ++calls === 1 ? { status: 200, delayMs: 1500 } : { status: 200 });
    await trigger(lender);
    const got = await receiver.waitFor(2, "/slow");
    expect(got[1].headers["webhook-id"]).toBe(got[0].headers["webhook-id"]);
    const [delivery] = await waitForDelivery(personas.gateway, lender, id, "DELIVERED");
    expect(delivery.attempts).toBe(2);
    const metrics = await (await fetch(personas.gateway.url.replace("/graphql", "/metrics"))).text();
    expect(metrics).toMatch(/gateway_webhook_delivery_attempts_total\{outcome="timeout"\} [1-9]/);
    expect(metrics).toMatch(/gateway_webhook_delivery_attempts_total\{outcome="delivered"\} [1-9]/);
    expect(metrics).toMatch(/gateway_webhook_queue_age_seconds \d/);
    expect(metrics).not.toContain("127.0.0.1");
  });

  it("closes the connection once the status is in: a receiver that drips its body cannot hold the gateway's socket", async () => {
    const lender = personas.lenders[9];
    let closedAt: number | null = null;
    let answeredAt = 0;
    const dripping = createServer((request, response) => {
      request.resume();
      request.on("end", () => {
        response.writeHead(200, { "content-type": "text/plain" });
        response.write(".");
        answeredAt = performance.now();
        // A byte a second, for a minute: the status is all the gateway needs.
        const drip = setInterval(() => response.write("."), 1000);
        response.on("close", () => { clearInterval(drip); closedAt = performance.now(); });
      });
    });
    await new Promise<void>(resolve => dripping.listen(0, "127.0.0.1", () => resolve()));
    try {
      const { id } = await register(personas.gateway, lender, `http://127.0.0.1:${(dripping.address() as AddressInfo).port}/dripping`);
      await trigger(lender);
      const [delivery] = await waitForDelivery(personas.gateway, lender, id, "DELIVERED");
      expect(delivery.attempts).toBe(1);
      // Closed by the gateway well before the receiver's second byte, let alone its minute.
      await waitUntil(() => closedAt !== null, "the gateway closing the connection", 3000);
      expect(closedAt! - answeredAt).toBeLessThan(900);
    } finally {
      dripping.closeAllConnections();
      await new Promise<void>(resolve => dripping.close(() => resolve()));
    }
  });

  it("a delivery the gateway cannot make (its secret no longer opens) fails on the schedule as GATEWAY_ERROR, not held against the receiver", async () => {
    const lender = personas.lenders[10];
    const { id } = await register(personas.gateway, lender, receiver.url("/unsignable"));
    // As a secret sealed under a key no longer configured would be.
    await personas.gateway.dataSource.getRepository(WebhookEndpoint).update({ id }, { secretSealed: "v1.retired-key.AAAA.AAAA" });
    await trigger(lender);
    const [delivery] = await waitForDelivery(personas.gateway, lender, id, "FAILED");
    expect(delivery).toMatchObject({ attempts: 3, lastFailure: "GATEWAY_ERROR", lastResponseStatus: null });
    expect(receiver.on("/unsignable")).toHaveLength(0);
    const endpoint = await personas.gateway.dataSource.getRepository(WebhookEndpoint).findOneByOrFail({ id });
    expect(endpoint).toMatchObject({ status: "ACTIVE", failingSince: null });
  });

  it("signs with the old and the new secret during a rotation's grace, with the new one only after it", async () => {
    const lender = personas.lenders[6];
    const { secret: old, id } = await register(personas.gateway, lender, receiver.url("/rotating"));
    receiver.respond = () => ({ status: 200 });
    const rotated = expectData(await personas.gateway.request(W.ROTATE, { id, grace: 24 }, lender.apiKey)).rotateWebhookSecret;
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(old);
    await trigger(lender);
    const [during] = await receiver.waitFor(1, "/rotating");
    expect(String(during.headers["webhook-signature"]).split(" ")).toHaveLength(2);
    expect(verified(old, during).type).toBe("lender.permissions_changed");
    expect(verified(rotated.secret, during).type).toBe("lender.permissions_changed");
    // The grace ends (moved into the past rather than waited for).
    await personas.gateway.dataSource.getRepository(WebhookEndpoint).update({ id }, { previousSecretExpiresAt: new Date(Date.now() - 1000) });
    await trigger(lender);
    const after = (await receiver.waitFor(2, "/rotating"))[1];
    expect(String(after.headers["webhook-signature"]).split(" ")).toHaveLength(1);
    expect(verified(rotated.secret, after).type).toBe("lender.permissions_changed");
    expect(() => new Webhook(old).verify(after.body, headersOf(after))).toThrow();
    // Grace 0: the replaced secret stops at once.
    const again = expectData(await personas.gateway.request(W.ROTATE, { id, grace: 0 }, lender.apiKey)).rotateWebhookSecret;
    await trigger(lender);
    const last = (await receiver.waitFor(3, "/rotating"))[2];
    expect(verified(again.secret, last)).toBeDefined();
    expect(() => new Webhook(rotated.secret).verify(last.body, headersOf(last))).toThrow();
  });

  it("disables an endpoint that has failed for five days", async () => {
    const lender = personas.lenders[7];
    const { id } = await register(personas.gateway, lender, receiver.url("/failing"));
    receiver.respond = request => ({ status: request.path === "/failing" ? 500 : 200 });
    // Failing since six days ago (set, rather than waited for).
    await personas.gateway.dataSource.getRepository(WebhookEndpoint).update({ id }, { failingSince: new Date(Date.now() - 6 * 86_400_000) });
    await trigger(lender);
    await receiver.waitFor(1, "/failing");
    await waitForDelivery(personas.gateway, lender, id, "FAILED");
    const asAdmin = expectData(await personas.gateway.request(`query($id: ID!) { lender(id: $id) { webhookEndpoints { status disabledReason } } }`, { id: lender.id }, personas.admin));
    expect(asAdmin.lender.webhookEndpoints).toEqual([{ status: "DISABLED", disabledReason: "FAILING" }]);
    expect(receiver.on("/failing")).toHaveLength(1);
  });
});

describe("webhook delivery: two gateway instances on one database, and the URL policy", () => {
  let first: Personas;
  let second: TestGateway | null = null;
  const receiver = new WebhookReceiver();

  beforeAll(async () => {
    await receiver.start();
    // The first instance does not deliver at all until the test says (its passes are an hour apart).
    first = await startWithPersonas({ env: { ...FAST, WEBHOOK_POLL_SECONDS: "3600" }, lenders: ["Solo"] });
  });

  afterAll(async () => {
    await second?.stop({ keepDatabase: true });
    await first?.gateway.stop();
    await receiver.stop();
  });

  it("refuses loopback, private and http URLs where private URLs are not allowed, and delivers to none", async () => {
    const strict = await startTestGatewayOn(first.gateway.databaseUrl, { ...FAST, WEBHOOK_ALLOW_PRIVATE_URLS: "false" });
    try {
      const lender = first.lenders[0];
      for (const [url, reason] of [
        ["http://127.0.0.1/hooks", "SCHEME_NOT_ALLOWED"], ["https://127.0.0.1/hooks", "ADDRESS_NOT_PUBLIC"], ["https://localhost/hooks", "ADDRESS_NOT_PUBLIC"],
        ["https://10.1.2.3/hooks", "ADDRESS_NOT_PUBLIC"], ["https://[::ffff:192.168.0.1]/hooks", "ADDRESS_NOT_PUBLIC"], ["https://[fd00::1]/hooks", "ADDRESS_NOT_PUBLIC"],
      ]) {
        const refused = await strict.request(W.REGISTER, { url, events: ["LEAD_CREATED"] }, lender.apiKey);
        expect(refused.body.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "url", reason });
      }
      // Positive twin: a public address (a literal, so no DNS is needed) is accepted.
      const accepted = expectData(await strict.request(W.REGISTER, { url: "https://93.184.215.14/hooks", events: ["LEAD_CREATED"] }, lender.apiKey));
      expect(accepted.registerWebhookEndpoint.endpoint.status).toBe("ACTIVE");
      expectData(await strict.request(W.DISABLE, { id: accepted.registerWebhookEndpoint.endpoint.id }, lender.apiKey));

      // Registered where private URLs are allowed, delivered by the strict instance: refused at
      // delivery too, a literal address before connecting, a name on the address it resolved to.
      const byName = receiver.url("/private-name").replace("127.0.0.1", "localhost");
      const ids: string[] = [];
      for (const url of [receiver.url("/private"), byName]) {
        ids.push(expectData(await first.gateway.request(W.REGISTER, { url, events: ["LEAD_CREATED"] }, lender.apiKey)).registerWebhookEndpoint.endpoint.id);
      }
      await submitApplication(first.gateway, first.applicant, uniqueIdentity());
      for (const id of ids) {
        const [delivery] = await waitForDelivery(strict, lender, id, "FAILED");
        expect(delivery.lastFailure).toBe("ADDRESS_REFUSED");
        expectData(await first.gateway.request(W.DISABLE, { id }, lender.apiKey));
      }
      expect(receiver.received.filter(entry => entry.path.startsWith("/private"))).toHaveLength(0);
    } finally {
      await strict.stop({ keepDatabase: true });
    }
  });

  it("delivers each event once when two instances share the database (the lease)", async () => {
    const lender = first.lenders[0];
    second = await startTestGatewayOn(first.gateway.databaseUrl, { ...FAST, WEBHOOK_POLL_SECONDS: "0.02" });
    const third = await startTestGatewayOn(first.gateway.databaseUrl, { ...FAST, WEBHOOK_POLL_SECONDS: "0.02" });
    try {
      receiver.respond = () => ({ status: 200 });
      const { secret } = expectData(await first.gateway.request(W.REGISTER, { url: receiver.url("/shared"), events: ["LEAD_CREATED"] }, lender.apiKey)).registerWebhookEndpoint;
      const submissions = 12;
      for (let index = 0; index < submissions; index += 1) await submitApplication(first.gateway, first.applicant, uniqueIdentity());
      const got = await receiver.waitFor(submissions, "/shared");
      await sleep(500);
      expect(receiver.on("/shared")).toHaveLength(submissions);
      expect(new Set(got.map(delivery => delivery.headers["webhook-id"])).size).toBe(submissions);
      for (const delivery of got) expect(verified(secret, delivery).type).toBe("lead.created");
    } finally {
      await third.stop({ keepDatabase: true });
    }
  });
});
