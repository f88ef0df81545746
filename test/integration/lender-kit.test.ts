import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { exportPKCS8 } from "jose";
import { Webhook } from "standardwebhooks";
import { apiKeyCredentials, privateKeyCredentials } from "../../examples/lender/src/credentials";
import { GatewayClient, GatewayRequestError } from "../../examples/lender/src/gateway-client";
import { ViewerDocument } from "../../examples/lender/src/generated/graphql";
import { type IdentityRead, readIdentity } from "../../examples/lender/src/read-identity";
import { pollChanges } from "../../examples/lender/src/list-leads";
import { registerWebhook } from "../../examples/lender/src/register-webhook";
import { runWalkthrough } from "../../examples/lender/src/walkthrough";
import { type LenderEvent, createWebhookHandler } from "../../examples/lender/src/webhook-receiver";
import { PiiCategory } from "../../src/model/pii-category";
import { type TestLender, choose, expectData, leadIdFor, onboardLender, submitApplication } from "../support/flow";
import type { TestGateway } from "../support/gateway";
import { type TestIdentity, uniqueIdentity } from "../support/identities";
import { type LenderKeyPair, registerApprovedKey } from "../support/lender-keys";
import { startWithPersonas } from "../support/personas";
import { waitUntil } from "../support/webhook-receiver";

const run = promisify(execFile);
const AUDIENCE = "https://gateway.kit.test";
const REQUESTS_PER_MINUTE = 40;
const ACCESS_LOG = "query { myAccessLog(first: 100) { edges { node { field outcome reason lender { id } } } } }";

/** The lender integration kit (examples/lender) against a started gateway, as a lender's team would run it. */
describe("the lender integration kit", () => {
  let gateway: TestGateway;
  let admin: string;
  let secondAdmin: string;
  let applicant: string;
  let origin: string;
  let lender: TestLender;
  let pair: LenderKeyPair;
  /** A second lender, for the command: its leads are untouched by the in-process runs. */
  let cliLender: TestLender;
  let cliPair: LenderKeyPair;
  const identities: TestIdentity[] = [];
  const applicationIds: string[] = [];

  beforeAll(async () => {
    ({ gateway, admin, secondAdmin, applicant } = await startWithPersonas({
      env: { GATEWAY_ISSUER: AUDIENCE, LENDER_REQUESTS_PER_MINUTE: String(REQUESTS_PER_MINUTE), WEBHOOK_POLL_SECONDS: "0.05" },
    }));
    origin = gateway.url.replace(/\/graphql$/, "");
    // An admin onboards the lender and permits every category (a second admin approves); a
    // first admin registers the public key the lender generated, a second approves it.
    lender = await onboardLender(gateway, admin, "Kit");
    pair = await registerApprovedKey(gateway, admin, secondAdmin, lender.id);
    cliLender = await onboardLender(gateway, admin, "KitCli");
    cliPair = await registerApprovedKey(gateway, admin, secondAdmin, cliLender.id);
    for (let index = 0; index < 3; index++) {
      identities.push(uniqueIdentity());
      applicationIds.push(await submitApplication(gateway, applicant, identities[index]));
    }
  }, 120_000);

  afterAll(async () => gateway?.stop());

  const keyClient = () => new GatewayClient({
    graphqlUrl: gateway.url,
    credentials: privateKeyCredentials({ gatewayOrigin: origin, audience: AUDIENCE, lenderId: lender.id, key: { algorithm: pair.algorithm, privateKey: pair.privateKey, kid: pair.kid } }),
  });

  it("obtains an access token with the lender's own key and is the lender", async () => {
    const { data } = await keyClient().execute(ViewerDocument, {});
    expect(data.viewer).toEqual({ id: lender.id, role: "LENDER" });
    const wrongAudience = new GatewayClient({
      graphqlUrl: gateway.url,
      credentials: privateKeyCredentials({ gatewayOrigin: origin, audience: "https://elsewhere.test", lenderId: lender.id, key: { algorithm: pair.algorithm, privateKey: pair.privateKey, kid: pair.kid } }),
    });
    await expect(wrongAudience.execute(ViewerDocument, {})).rejects.toMatchObject({ error: "invalid_client", status: 401 });
  });

  it("walks through: offers on new leads page by page, reads identity only after consent, reports the outcome", async () => {
    const client = keyClient();
    const firstLead = await leadIdFor(gateway, lender, applicationIds[0]);

    // Before the applicant chose the lender every identity field is withheld, with its reason.
    const early = await readIdentity(client, firstLead);
    expect(early.granted).toEqual({});
    expect(early.denied.map(denied => [denied.field, denied.code, denied.reason])).toEqual([
      ["fullName", "FORBIDDEN", "NO_CONSENT"], ["nationalId", "FORBIDDEN", "NO_CONSENT"],
      ["phone", "FORBIDDEN", "NO_CONSENT"], ["email", "FORBIDDEN", "NO_CONSENT"],
    ]);

    const seen: IdentityRead[] = [];
    const first = await runWalkthrough(client, { pageSize: 2, onIdentity: identity => seen.push(identity) });
    expect(first.pages).toBe(2);
    expect(first.leadsSeen).toBe(3);
    expect(first.offersMade.map(offer => offer.leadStatus)).toEqual(["OFFERED", "OFFERED", "OFFERED"]);
    expect(first.offersMade.map(offer => [offer.apr, offer.amount, offer.termMonths])).toEqual(Array(3).fill([14.6, 50000, 12]));
    expect(first.identityReads).toEqual([]);
    expect(seen).toEqual([]);

    await choose(gateway, applicant, applicationIds[0], lender.id, [PiiCategory.NAME, PiiCategory.PHONE]);

    const second = await runWalkthrough(client, { pageSize: 2, onIdentity: identity => seen.push(identity) });
    expect(second.offersMade).toEqual([]);
    expect(second.identityReads).toEqual([{
      leadId: firstLead, granted: ["fullName", "phone"],
      denied: [{ field: "nationalId", code: "FORBIDDEN", reason: "CATEGORY_NOT_CONSENTED" }, { field: "email", code: "FORBIDDEN", reason: "CATEGORY_NOT_CONSENTED" }],
    }]);
    expect(seen).toEqual([{ leadId: firstLead, granted: { fullName: identities[0].fullName, phone: identities[0].phone }, denied: second.identityReads[0].denied }]);
    expect(second.outcomesReported).toEqual([{ leadId: firstLead, status: "APPROVED" }]);
    // The report the kit prints holds field names, never a value.
    expect(JSON.stringify(second)).not.toContain(identities[0].phone);

    const log = expectData(await gateway.request(ACCESS_LOG, {}, applicant)).myAccessLog.edges.map((edge: any) => edge.node)
      .filter((entry: any) => entry.lender?.id === lender.id);
    expect(log.filter((entry: any) => entry.outcome === "GRANTED").map((entry: any) => entry.field).sort()).toEqual(["fullName", "phone"]);
  });

  it("waits as the gateway asks on RATE_LIMITED and retries, then gives up with the code and reason", async () => {
    const limited = await onboardLender(gateway, admin, "Limited");
    const waits: number[] = [];
    const client = new GatewayClient({ graphqlUrl: gateway.url, credentials: apiKeyCredentials(limited.apiKey), maxAttempts: 3, sleep: async seconds => void waits.push(seconds) });
    // The positive twin: within the quota the same client is answered at once.
    expect((await client.execute(ViewerDocument, {})).data.viewer.id).toBe(limited.id);
    expect(waits).toEqual([]);
    for (let used = 1; used < REQUESTS_PER_MINUTE; used++) await gateway.request("query { viewer { id } }", {}, limited.apiKey);
    const refusal = await client.execute(ViewerDocument, {}).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(GatewayRequestError);
    expect(refusal).toMatchObject({ code: "RATE_LIMITED", reason: "REQUEST_RATE", httpStatus: 429 });
    // Two waits between three tries, each what the gateway asked (the rest of its minute).
    expect(waits).toHaveLength(2);
    for (const wait of waits) {
      expect(wait).toBeGreaterThanOrEqual(1);
      expect(wait).toBeLessThanOrEqual(60);
    }
  });

  it("polls with changedSince: a later poll brings the lead the applicant just chose, and not the leads that did not change", async () => {
    const client = keyClient();
    const first = await pollChanges(client, "2000-01-01T00:00:00.000Z", 2);
    expect(first.leads.map(lead => lead.id).sort()).toEqual((await Promise.all(applicationIds.map(id => leadIdFor(gateway, lender, id)))).sort());
    const quiet = await pollChanges(client, first.next);
    // Inclusive: at most the lead(s) stamped at the boundary come again, nothing else.
    expect(quiet.leads.every(lead => lead.updatedAt === first.next)).toBe(true);
    const chosenLead = await leadIdFor(gateway, lender, applicationIds[2]);
    await choose(gateway, applicant, applicationIds[2], lender.id, [PiiCategory.EMAIL]);
    const later = await pollChanges(client, first.next);
    const changed = later.leads.filter(lead => lead.updatedAt !== first.next);
    expect(changed.map(lead => ({ id: lead.id, status: lead.status, consent: lead.consent?.categories }))).toEqual([{ id: chosenLead, status: "CHOSEN", consent: ["EMAIL"] }]);
    expect(Date.parse(later.next)).toBeGreaterThan(Date.parse(first.next));
  });

  it("runs as a command with the lender's private key file and prints a report without identity values", async () => {
    await choose(gateway, applicant, applicationIds[1], cliLender.id, [PiiCategory.PHONE]);
    const directory = mkdtempSync(join(tmpdir(), "lender-kit-"));
    try {
      const keyFile = join(directory, "lender-private.pem");
      writeFileSync(keyFile, await exportPKCS8(cliPair.privateKey), { mode: 0o600 });
      const { stdout } = await run(process.execPath, ["-r", "ts-node/register/transpile-only", "examples/lender/src/cli.ts"], {
        env: { PATH: process.env.PATH, GATEWAY_URL: origin, GATEWAY_ISSUER: AUDIENCE, LENDER_ID: cliLender.id, LENDER_PRIVATE_KEY_FILE: keyFile, PAGE_SIZE: "2" },
        timeout: 60_000,
      });
      const report = JSON.parse(stdout);
      const chosenLead = await leadIdFor(gateway, cliLender, applicationIds[1]);
      expect(report.leadsSeen).toBe(3);
      expect(report.offersMade).toHaveLength(2);
      expect(report.identityReads).toEqual([{
        leadId: chosenLead, granted: ["phone"],
        denied: ["fullName", "nationalId", "email"].map(field => ({ field, code: "FORBIDDEN", reason: "CATEGORY_NOT_CONSENTED" })),
      }]);
      expect(report.outcomesReported).toEqual([{ leadId: chosenLead, status: "APPROVED" }]);
      expect(stdout).not.toContain(identities[1].phone);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  }, 90_000);

  it("registers its receiver and gets the gateway's signed events: a new lead, then the applicant's choice, each once, verified, without identity", async () => {
    const client = keyClient();
    const events: Array<{ event: LenderEvent; webhookId: string }> = [];
    let handler: ((request: any, response: any) => void) | null = null;
    const receiver: Server = createServer((request, response) => handler!(request, response));
    await new Promise<void>(resolve => receiver.listen(0, "127.0.0.1", () => resolve()));
    try {
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/gateway-events`;
      const registered = await registerWebhook(client, url, ["LEAD_CREATED", "LEAD_CHOSEN"]);
      expect(registered.secret).toMatch(/^whsec_/);
      handler = createWebhookHandler({ secret: registered.secret, onEvent: async (event, webhookId) => void events.push({ event, webhookId }) });

      const identity = uniqueIdentity();
      const applicationId = await submitApplication(gateway, applicant, identity);
      const leadId = await leadIdFor(gateway, lender, applicationId);
      await choose(gateway, applicant, applicationId, lender.id, [PiiCategory.PHONE]);
      await waitUntil(() => events.length >= 2, "two deliveries", 15_000);

      expect(events.map(({ event }) => event.type)).toEqual(["lead.created", "lead.chosen"]);
      expect(events.every(({ event }) => JSON.stringify(event.data).includes(leadId))).toBe(true);
      expect(new Set(events.map(({ webhookId }) => webhookId)).size).toBe(2);
      const delivered = JSON.stringify(events);
      for (const value of [identity.fullName, identity.nationalId, identity.phone, identity.email]) expect(delivered).not.toContain(value);
    } finally {
      await new Promise<void>(resolve => receiver.close(() => resolve()));
    }
  });
});

/** The kit's webhook receiver, fed deliveries signed as the Standard Webhooks specification says. */
describe("the lender kit's webhook receiver", () => {
  const secret = `whsec_${Buffer.from("kit-test-webhook-secret-32-bytes").toString("base64")}`;
  const handledEvents: Array<{ id: string; event: LenderEvent }> = [];
  let failNext = false;
  let server: Server;
  let url: string;

  beforeAll(async () => {
    server = createServer(createWebhookHandler({
      secret,
      onEvent: async (event, id) => {
        if (failNext) {
          failNext = false;
          throw new Error("the lender's system is down");
        }
        handledEvents.push({ id, event });
      },
    }));
    await new Promise<void>(resolve => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });

  afterAll(async () => new Promise<void>(resolve => server.close(() => resolve())));

  function deliver(id: string, body: string, signingSecret = secret, bodySent = body) {
    const timestamp = new Date();
    const signature = new Webhook(signingSecret).sign(id, timestamp, body);
    return fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", "webhook-id": id, "webhook-timestamp": String(Math.floor(timestamp.getTime() / 1000)), "webhook-signature": signature },
      body: bodySent,
    });
  }

  const payload = (leadId: string) => JSON.stringify({ type: "lead.created", timestamp: new Date().toISOString(), data: { leadId } });

  it("handles a verified delivery once, however often it is delivered", async () => {
    expect((await deliver("msg_once", payload("lead-1"))).status).toBe(200);
    expect((await deliver("msg_once", payload("lead-1"))).status).toBe(200);
    expect(handledEvents.filter(handled => handled.id === "msg_once").map(handled => handled.event.data)).toEqual([{ leadId: "lead-1" }]);
  });

  it("refuses a delivery signed with another secret or whose body was altered, and handles neither", async () => {
    const otherSecret = `whsec_${Buffer.from("another-secret-of-thirty-two-byt").toString("base64")}`;
    expect((await deliver("msg_forged", payload("lead-2"), otherSecret)).status).toBe(401);
    expect((await deliver("msg_altered", payload("lead-3"), secret, payload("lead-4"))).status).toBe(401);
    expect(handledEvents.some(handled => handled.id === "msg_forged" || handled.id === "msg_altered")).toBe(false);
  });

  it("answers 500 when the work fails, so the retry with the same webhook-id is handled", async () => {
    failNext = true;
    expect((await deliver("msg_retry", payload("lead-5"))).status).toBe(500);
    expect(handledEvents.some(handled => handled.id === "msg_retry")).toBe(false);
    expect((await deliver("msg_retry", payload("lead-5"))).status).toBe(200);
    expect(handledEvents.filter(handled => handled.id === "msg_retry")).toHaveLength(1);
  });
});
