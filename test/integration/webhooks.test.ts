import { Webhook } from "standardwebhooks";
import { PiiCategory } from "../../src/model/pii-category";
import { LenderEventType, WebhookDeliveryStatus } from "../../src/model/webhook-vocabulary";
import { recordLenderEvents } from "../../src/webhooks/outbox";
import { loadConfig } from "../../src/config";
import { WebhookDelivery, WebhookEndpoint } from "../../src/model/webhook.entity";
import { sealedKeyId } from "../../src/privacy/encryption";
import { openEndpointSecret, rotateWebhookSecrets } from "../../src/privacy/webhook-secret-store";
import { TEST_JWT_SECRET, TEST_PII_ENCRYPTION_KEY, TEST_TRANSPARENCY_SIGNING_KEY } from "../support/gateway";
import { CHOOSE, SET_PERMISSIONS, WITHDRAW_APPLICATION, WITHDRAW_CONSENT } from "../support/documents";
import { ALL_CATEGORIES, expectData, submitApplication } from "../support/flow";
import { uniqueIdentity } from "../support/identities";
import { type Personas, startWithPersonas } from "../support/personas";
import { rawDump } from "../support/raw-rows";
import { WEBHOOK_DOCUMENTS as W, WebhookReceiver, verified, waitUntil } from "../support/webhook-receiver";

/**
 * Push delivery end to end: a lender registers a receiver (a real HTTP server here), each kind
 * of change reaches it once, signed as Standard Webhooks says, holding no identity value; the
 * endpoint is the lender's alone.
 */
describe("webhooks: registering, receiving each event, who may manage an endpoint", () => {
  let personas: Personas;
  const receiver = new WebhookReceiver();
  let secret: string;
  let endpointId: string;
  const identity = uniqueIdentity();

  beforeAll(async () => {
    await receiver.start();
    personas = await startWithPersonas({
      env: { WEBHOOK_POLL_SECONDS: "0.05", WEBHOOK_RETRY_SCHEDULE: "0,0.2,0.2" },
      lenders: [{ name: "Alpha", permitted: ALL_CATEGORIES }, "Beta"],
    });
  });

  afterAll(async () => {
    await personas?.gateway.stop();
    await receiver.stop();
  });

  const alpha = () => personas.lenders[0];
  const beta = () => personas.lenders[1];

  it("registers an endpoint and shows its whsec_ secret once", async () => {
    const registered = expectData(await personas.gateway.request(W.REGISTER, { url: receiver.url("/alpha"), events: W.ALL_EVENTS }, alpha().apiKey)).registerWebhookEndpoint;
    expect(registered.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(registered.endpoint).toMatchObject({ url: receiver.url("/alpha"), status: "ACTIVE", events: [...W.ALL_EVENTS].sort() });
    secret = registered.secret;
    endpointId = registered.endpoint.id;
    const listed = await personas.gateway.request(W.LIST, {}, alpha().apiKey);
    expect(expectData(listed).webhookEndpoints).toEqual([expect.objectContaining({ id: endpointId, status: "ACTIVE", lastSuccessAt: null })]);
    expect(listed.text).not.toContain(secret.slice("whsec_".length));
    // The type has no field that could carry it.
    const asked = await personas.gateway.request(`query { webhookEndpoints { id secret } }`, {}, alpha().apiKey);
    expect(asked.body.errors?.[0].extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    // Sealed at rest: neither the secret nor its key appears in any table.
    const dump = await rawDump(personas.gateway.dataSource);
    expect(dump).not.toContain(secret.slice("whsec_".length));
    expect(dump).toContain("pii1.");
  });

  it("delivers each event type once, verifiable with standardwebhooks, with no identity value", async () => {
    const { gateway, applicant, admin } = personas;
    const applicationId = await submitApplication(gateway, applicant, identity);
    const consent = expectData(await gateway.request(CHOOSE, { input: { applicationId, lenderId: alpha().id, categories: [PiiCategory.NAME] } }, applicant)).chooseLender;
    expectData(await gateway.request(WITHDRAW_CONSENT, { id: consent.id }, applicant));
    expectData(await gateway.request(WITHDRAW_APPLICATION, { id: applicationId }, applicant));
    // A narrowing applies at once (a widening would wait for a second admin).
    expectData(await gateway.request(SET_PERMISSIONS, { id: alpha().id, categories: [PiiCategory.NAME, PiiCategory.PHONE] }, admin));

    const got = await receiver.waitFor(5, "/alpha");
    await new Promise(resolve => setTimeout(resolve, 400));
    expect(receiver.on("/alpha")).toHaveLength(5);
    const payloads = got.map(delivery => verified(secret, delivery));
    expect(payloads.map(payload => payload.type).sort()).toEqual(["consent.ended", "lead.chosen", "lead.closed", "lead.created", "lender.permissions_changed"]);
    expect(new Set(got.map(delivery => delivery.headers["webhook-id"])).size).toBe(5);
    for (const delivery of got) expect(delivery.headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);

    const byType = Object.fromEntries(payloads.map(payload => [payload.type, payload]));
    const leadId = byType["lead.created"].data.leadId;
    expect(byType["lead.created"].data).toEqual({ leadId, applicationId, status: "NEW" });
    expect(byType["lead.chosen"].data).toEqual({ leadId, applicationId, consentId: consent.id, categories: ["NAME"], expiresAt: consent.expiresAt });
    expect(byType["consent.ended"].data).toEqual({ consentId: consent.id, leadId, applicationId, status: "WITHDRAWN", reason: "APPLICANT_WITHDREW" });
    expect(byType["lead.closed"].data).toEqual({ leadId, applicationId, status: "CLOSED", reason: "APPLICATION_WITHDRAWN" });
    expect(byType["lender.permissions_changed"].data).toEqual({ lenderId: alpha().id, permittedCategories: ["NAME", "PHONE"] });
    for (const payload of payloads) expect(Date.parse(payload.timestamp)).not.toBeNaN();

    // The canary scan: no identity value in any body or header.
    const wire = JSON.stringify(got.map(delivery => [delivery.headers, delivery.body]));
    for (const value of Object.values(identity)) expect(wire).not.toContain(value);
    // A wrong secret does not verify (the check above can fail).
    expect(() => new Webhook(`whsec_${Buffer.alloc(24, 7).toString("base64")}`).verify(got[0].body, {
      "webhook-id": String(got[0].headers["webhook-id"]), "webhook-timestamp": String(got[0].headers["webhook-timestamp"]), "webhook-signature": String(got[0].headers["webhook-signature"]),
    })).toThrow();
  });

  it("lists the deliveries of an endpoint, by status, and redelivers one with the same webhook-id", async () => {
    const { gateway } = personas;
    const page = expectData(await gateway.request(W.DELIVERIES, { id: endpointId, first: 3 }, alpha().apiKey)).webhookDeliveries;
    expect(page.edges).toHaveLength(3);
    expect(page.pageInfo.hasNextPage).toBe(true);
    const rest = expectData(await gateway.request(W.DELIVERIES, { id: endpointId, first: 3, after: page.pageInfo.endCursor }, alpha().apiKey)).webhookDeliveries;
    expect(rest.edges).toHaveLength(2);
    const all = [...page.edges, ...rest.edges].map((edge: any) => edge.node);
    expect(all.every((node: any) => node.status === "DELIVERED" && node.attempts === 1 && node.lastResponseStatus === 200)).toBe(true);
    expect(expectData(await gateway.request(W.DELIVERIES, { id: endpointId, status: "PENDING" }, alpha().apiKey)).webhookDeliveries.edges).toEqual([]);

    const before = receiver.on("/alpha").length;
    const again = expectData(await gateway.request(W.REDELIVER, { id: all[0].id }, alpha().apiKey)).redeliverWebhook;
    expect(again).toMatchObject({ eventId: all[0].eventId, status: "PENDING", attempts: 0 });
    const got = await receiver.waitFor(before + 1, "/alpha");
    expect(got[before].headers["webhook-id"]).toBe(all[0].eventId);
    expect(verified(secret, got[before])).toBeDefined();

    // While a delivery of that event to that endpoint still waits, another redelivery is refused
    // (held here by moving its next attempt an hour away); once it is done, it is allowed again.
    const repository = gateway.dataSource.getRepository(WebhookDelivery);
    await waitUntil(async () => (await repository.findOneByOrFail({ id: again.id })).status === "DELIVERED", "the redelivery");
    await repository.update({ id: again.id }, { status: WebhookDeliveryStatus.PENDING, nextAttemptAt: new Date(Date.now() + 3_600_000) });
    const refused = await gateway.request(W.REDELIVER, { id: all[0].id }, alpha().apiKey);
    expect(refused.body.errors?.map(error => error.extensions?.reason)).toEqual(["REDELIVERY_PENDING"]);
    expect(await repository.countBy({ eventId: all[0].eventId, endpointId })).toBe(2);
    await repository.update({ id: again.id }, { status: WebhookDeliveryStatus.DELIVERED });
    expect(expectData(await gateway.request(W.REDELIVER, { id: all[0].id }, alpha().apiKey)).redeliverWebhook).toMatchObject({ eventId: all[0].eventId, status: "PENDING" });
  });

  it("lets no other lender, no admin and no applicant manage the endpoint; its own lender may", async () => {
    const { gateway, admin, applicant } = personas;
    // Another lender: as if it did not exist.
    for (const [document, variables] of [
      [W.DISABLE, { id: endpointId }], [W.ROTATE, { id: endpointId, grace: 0 }], [W.DELIVERIES, { id: endpointId }],
    ] as const) {
      const refused = await gateway.request(document, variables, beta().apiKey);
      expect(refused.body.errors?.[0].extensions?.code).toBe("NOT_FOUND");
    }
    const alphaDelivery = expectData(await gateway.request(W.DELIVERIES, { id: endpointId, first: 1 }, alpha().apiKey)).webhookDeliveries.edges[0].node;
    expect((await gateway.request(W.REDELIVER, { id: alphaDelivery.id }, beta().apiKey)).body.errors?.[0].extensions?.code).toBe("NOT_FOUND");
    expect(expectData(await gateway.request(W.LIST, {}, beta().apiKey)).webhookEndpoints).toEqual([]);
    // Admins and applicants: no webhook operation at all (the secret goes to the lender only).
    for (const token of [admin, applicant]) {
      for (const [document, variables] of [
        [W.REGISTER, { url: receiver.url("/x"), events: ["LEAD_CREATED"] }], [W.LIST, {}], [W.DISABLE, { id: endpointId }],
        [W.ROTATE, { id: endpointId, grace: 0 }], [W.DELIVERIES, { id: endpointId }], [W.REDELIVER, { id: alphaDelivery.id }],
      ] as const) {
        const refused = await gateway.request(document, variables, token);
        expect(refused.body.errors?.[0].extensions?.code).toBe("FORBIDDEN");
      }
    }
    expect((await gateway.request(W.LIST, {})).status).toBe(401);
    // Positive twins: its lender registers, lists and (below) disables.
    const own = expectData(await gateway.request(W.REGISTER, { url: receiver.url("/beta"), events: ["LEAD_CREATED"] }, beta().apiKey)).registerWebhookEndpoint;
    expect(expectData(await gateway.request(W.LIST, {}, beta().apiKey)).webhookEndpoints).toEqual([expect.objectContaining({ id: own.endpoint.id })]);
    expect(expectData(await gateway.request(W.DISABLE, { id: own.endpoint.id }, beta().apiKey)).disableWebhookEndpoint)
      .toEqual({ id: own.endpoint.id, status: "DISABLED", disabledReason: "BY_LENDER" });
  });

  it("shows an endpoint's health on the Lender to admins and to the lender itself, never the secret", async () => {
    const { gateway, admin, applicant } = personas;
    const health = `webhookEndpoints { id url events status lastSuccessAt lastFailureAt disabledReason }`;
    const asAdmin = await gateway.request(`query($id: ID!) { lender(id: $id) { id ${health} } }`, { id: alpha().id }, admin);
    expect(expectData(asAdmin).lender.webhookEndpoints).toEqual([expect.objectContaining({ id: endpointId, status: "ACTIVE", disabledReason: null })]);
    expect(expectData(asAdmin).lender.webhookEndpoints[0].lastSuccessAt).not.toBeNull();
    expect(asAdmin.text).not.toContain(secret.slice("whsec_".length));
    // The lender reaches its own Lender through a lead.
    const applicationId = await submitApplication(gateway, applicant, uniqueIdentity());
    const own = await gateway.request(`query { leads(first: 1) { edges { node { application { id } lender { id ${health} } } } } }`, {}, alpha().apiKey);
    const node = expectData(own).leads.edges[0].node;
    expect(node.application.id).toBe(applicationId);
    expect(node.lender.webhookEndpoints).toEqual([expect.objectContaining({ id: endpointId })]);
    // And on its own profile.
    const profile = expectData(await gateway.request(`query { myLender { id ${health} } }`, {}, alpha().apiKey)).myLender;
    expect(profile).toMatchObject({ id: alpha().id, webhookEndpoints: [expect.objectContaining({ id: endpointId })] });
    // An applicant reaches lenders through its application's leads: the field is FORBIDDEN there.
    const asApplicant = await gateway.request(`query($id: ID!) { application(id: $id) { leads { lender { id webhookEndpoints { id url } } } } }`, { id: applicationId }, applicant);
    const lenders = asApplicant.body.data?.application.leads.map((lead: any) => lead.lender);
    expect(lenders.map((lender: any) => lender.id)).toContain(alpha().id);
    expect(lenders.every((lender: any) => lender.webhookEndpoints === null)).toBe(true);
    expect(asApplicant.body.errors?.map(error => error.extensions?.code)).toEqual(lenders.map(() => "FORBIDDEN"));
    expect(asApplicant.text).not.toContain(receiver.url("/alpha"));
    // Another lender's own Lender shows its own endpoints only.
    const other = expectData(await gateway.request(`query { leads(first: 1) { edges { node { lender { id ${health} } } } } }`, {}, beta().apiKey));
    expect(other.leads.edges[0].node.lender).toMatchObject({ id: beta().id });
    expect(other.leads.edges[0].node.lender.webhookEndpoints.map((endpoint: any) => endpoint.id)).not.toContain(endpointId);
  });

  it("shows admins a receiver's URL without its query string; the lender sees it whole", async () => {
    const { gateway, admin } = personas;
    const url = receiver.url("/tokened?token=receiver-own-token-42");
    const registered = expectData(await gateway.request(W.REGISTER, { url, events: ["LEAD_CLOSED"] }, beta().apiKey)).registerWebhookEndpoint;
    try {
      const asAdmin = await gateway.request(`query($id: ID!) { lender(id: $id) { webhookEndpoints { id url } } }`, { id: beta().id }, admin);
      expect(expectData(asAdmin).lender.webhookEndpoints).toContainEqual({ id: registered.endpoint.id, url: receiver.url("/tokened") });
      expect(asAdmin.text).not.toContain("receiver-own-token-42");
      const own = expectData(await gateway.request(`query { myLender { webhookEndpoints { id url } } }`, {}, beta().apiKey)).myLender;
      expect(own.webhookEndpoints).toContainEqual({ id: registered.endpoint.id, url });
    } finally {
      expectData(await gateway.request(`mutation($id: ID!) { disableWebhookEndpoint(id: $id) { id } }`, { id: registered.endpoint.id }, beta().apiKey));
    }
  });

  it("refuses a bad URL or no events with BAD_USER_INPUT and writes nothing", async () => {
    const { gateway } = personas;
    const count = async () => expectData(await gateway.request(W.LIST, {}, alpha().apiKey)).webhookEndpoints.length;
    const before = await count();
    for (const [url, reason] of [
      ["ftp://127.0.0.1/hooks", "SCHEME_NOT_ALLOWED"], ["not a url", "NOT_A_URL"], ["http://user:pw@127.0.0.1/hooks", "CREDENTIALS_IN_URL"],
    ]) {
      const refused = await gateway.request(W.REGISTER, { url, events: ["LEAD_CREATED"] }, alpha().apiKey);
      expect(refused.body.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "url", reason });
    }
    const none = await gateway.request(W.REGISTER, { url: receiver.url("/none"), events: [] }, alpha().apiKey);
    expect(none.body.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "events" });
    const grace = await gateway.request(W.ROTATE, { id: endpointId, grace: 721 }, alpha().apiKey);
    expect(grace.body.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "graceHours" });
    expect(await count()).toBe(before);
  });

  it("writes an event with its change: a change refused or rolled back leaves none", async () => {
    const { gateway, applicant } = personas;
    const events = async () => Number((await gateway.dataSource.query("SELECT COUNT(*) AS n FROM lender_events"))[0].n);
    const applicationId = await submitApplication(gateway, applicant, uniqueIdentity());
    await receiver.waitFor(receiver.on("/alpha").length, "/alpha");
    const before = await events();
    // Refused inside its transaction (EMAIL is no longer permitted): no consent, no lead.chosen.
    const refused = await gateway.request(CHOOSE, { input: { applicationId, lenderId: alpha().id, categories: [PiiCategory.EMAIL] } }, applicant);
    expect(refused.body.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
    expect(await events()).toBe(before);
    // A transaction that records an event and then fails takes the event with it.
    await expect(gateway.dataSource.transaction(async manager => {
      await recordLenderEvents(manager, LenderEventType.LEAD_CREATED, [{ lenderId: alpha().id, data: { leadId: "x" } }], new Date());
      throw new Error("the change failed");
    })).rejects.toThrow("the change failed");
    expect(await events()).toBe(before);
    // Positive twin: the same call committed writes one event and one delivery per subscribed endpoint.
    await gateway.dataSource.transaction(manager =>
      recordLenderEvents(manager, LenderEventType.LEAD_CREATED, [{ lenderId: alpha().id, data: { leadId: "x" } }], new Date()));
    expect(await events()).toBe(before + 1);
  });

  it("moves the secrets to a new PII_ENCRYPTION_KEY with the identity values (rotate-keys), so the old key can go", async () => {
    const { dataSource } = personas.gateway;
    const settings = { NODE_ENV: "test", JWT_SECRET: TEST_JWT_SECRET, TRANSPARENCY_SIGNING_KEY: TEST_TRANSPARENCY_SIGNING_KEY };
    const newKey = Buffer.alloc(32, 9).toString("base64");
    const next = loadConfig({ ...settings, PII_ENCRYPTION_KEY: newKey, PII_ENCRYPTION_KEYS_OLD: TEST_PII_ENCRYPTION_KEY }).piiKeyring;
    const endpoints = await dataSource.getRepository(WebhookEndpoint).find();
    const report = await rotateWebhookSecrets(dataSource, next);
    expect(report).toMatchObject({ scanned: endpoints.length, rotated: endpoints.length });
    expect(await rotateWebhookSecrets(dataSource, next)).toMatchObject({ rotated: 0 });
    const onlyNew = loadConfig({ ...settings, PII_ENCRYPTION_KEY: newKey }).piiKeyring;
    const row = await dataSource.getRepository(WebhookEndpoint).findOneByOrFail({ id: endpointId });
    expect(sealedKeyId(row.secretSealed)).toBe(onlyNew.currentKeyId);
    expect(openEndpointSecret(onlyNew, endpointId, row.secretSealed)).toBe(secret);
    // Bound to its endpoint: the same sealed value does not open as another endpoint's.
    expect(() => openEndpointSecret(onlyNew, endpoints.find(endpoint => endpoint.id !== endpointId)!.id, row.secretSealed)).toThrow();
  });
});
