import { PiiCategory } from "../../src/model/pii-category";
import { ERASE, OUTCOME } from "../support/documents";
import { type TestLender, choose, expectData, leadIdFor, submitApplication } from "../support/flow";
import { uniqueIdentity } from "../support/identities";
import { type Personas, setLenderStatus, startWithPersonas } from "../support/personas";
import { runRetention } from "../../src/retention/retention.service";
import { Application } from "../../src/model/application.entity";
import { Consent } from "../../src/model/consent.entity";
import { Lead } from "../../src/model/lead.entity";
import { WEBHOOK_DOCUMENTS as W, WebhookReceiver, verified, waitUntil } from "../support/webhook-receiver";

type Seen = { type: string; applicationId: unknown; reason: unknown };

/**
 * Every way a lead closes or a consent ends reports one event to the lender concerned, with the
 * reason: funding (the funder's consent, the other lenders' leads and consents), a decline,
 * erasure, suspension, expiry and idle closing. Withdrawals are in webhooks.test.ts.
 */
describe("webhook events: one per change, for every ending", () => {
  let personas: Personas;
  const receiver = new WebhookReceiver();
  const secrets = new Map<string, string>();

  beforeAll(async () => {
    await receiver.start();
    personas = await startWithPersonas({ env: { WEBHOOK_POLL_SECONDS: "0.05" }, lenders: ["Alpha", "Beta", "Gamma"] });
    for (const lender of personas.lenders) {
      const registered = expectData(await personas.gateway.request(W.REGISTER, { url: receiver.url(`/${lender.id}`), events: W.ALL_EVENTS }, lender.apiKey));
      secrets.set(lender.id, registered.registerWebhookEndpoint.secret);
    }
  });

  afterAll(async () => {
    await personas?.gateway.stop();
    await receiver.stop();
  });

  const seenBy = (lender: TestLender, applicationId: string): Seen[] => receiver.on(`/${lender.id}`)
    .map(delivery => verified(secrets.get(lender.id)!, delivery))
    .filter(payload => payload.data.applicationId === applicationId && payload.type !== "lead.created")
    .map(payload => ({ type: payload.type, applicationId: payload.data.applicationId, reason: payload.data.reason ?? null }))
    .sort((a, b) => `${a.type}${a.reason}`.localeCompare(`${b.type}${b.reason}`));

  /** Waits until every lender's receiver has had `total` deliveries in all, then a little longer for strays. */
  async function settle(total: number): Promise<void> {
    await receiver.waitFor(total);
    await new Promise(resolve => setTimeout(resolve, 300));
    expect(receiver.received).toHaveLength(total);
  }

  it("funding: the funder's consent ends; the others' leads close and their consents end", async () => {
    const { gateway, lenders: [alpha, beta, gamma] } = personas;
    const applicant = await gateway.token("applicant", "carol");
    const applicationId = await submitApplication(gateway, applicant, uniqueIdentity());
    await choose(gateway, applicant, applicationId, alpha.id, [PiiCategory.NAME]);
    await choose(gateway, applicant, applicationId, beta.id, [PiiCategory.NAME]);
    expectData(await gateway.request(OUTCOME, { input: { leadId: await leadIdFor(gateway, alpha, applicationId), outcome: "FUNDED", fundedAmount: 40_000 } }, alpha.apiKey));
    // 3 lead.created, 2 lead.chosen, then the funding's 4.
    await settle(9);
    expect(seenBy(alpha, applicationId)).toEqual([
      { type: "consent.ended", applicationId, reason: "APPLICATION_CLOSED" },
      { type: "lead.chosen", applicationId, reason: null },
    ]);
    expect(seenBy(beta, applicationId)).toEqual([
      { type: "consent.ended", applicationId, reason: "FUNDED_BY_ANOTHER_LENDER" },
      { type: "lead.chosen", applicationId, reason: null },
      { type: "lead.closed", applicationId, reason: "FUNDED_BY_ANOTHER_LENDER" },
    ]);
    expect(seenBy(gamma, applicationId)).toEqual([{ type: "lead.closed", applicationId, reason: "FUNDED_BY_ANOTHER_LENDER" }]);
  });

  it("a decline ends the decliner's consent only; its own decision closes no lead by event", async () => {
    const { gateway, lenders: [alpha, beta, gamma] } = personas;
    const before = receiver.received.length;
    const applicant = await gateway.token("applicant", "dan");
    const applicationId = await submitApplication(gateway, applicant, uniqueIdentity());
    await choose(gateway, applicant, applicationId, beta.id, [PiiCategory.NAME]);
    expectData(await gateway.request(OUTCOME, { input: { leadId: await leadIdFor(gateway, beta, applicationId), outcome: "DECLINED" } }, beta.apiKey));
    await settle(before + 3 + 1 + 1);
    expect(seenBy(beta, applicationId)).toEqual([
      { type: "consent.ended", applicationId, reason: "LENDER_DECLINED" },
      { type: "lead.chosen", applicationId, reason: null },
    ]);
    expect(seenBy(alpha, applicationId)).toEqual([]);
    expect(seenBy(gamma, applicationId)).toEqual([]);
  });

  it("erasure closes every open lead and ends the consents, each reported as APPLICANT_ERASED", async () => {
    const { gateway, lenders: [alpha, beta, gamma] } = personas;
    const before = receiver.received.length;
    const applicant = await gateway.token("applicant", "erin");
    const applicationId = await submitApplication(gateway, applicant, uniqueIdentity());
    await choose(gateway, applicant, applicationId, gamma.id, [PiiCategory.NAME]);
    expectData(await gateway.request(ERASE, {}, applicant));
    await settle(before + 3 + 1 + 3 + 1);
    expect(seenBy(gamma, applicationId)).toEqual([
      { type: "consent.ended", applicationId, reason: "APPLICANT_ERASED" },
      { type: "lead.chosen", applicationId, reason: null },
      { type: "lead.closed", applicationId, reason: "APPLICANT_ERASED" },
    ]);
    for (const lender of [alpha, beta]) expect(seenBy(lender, applicationId)).toEqual([{ type: "lead.closed", applicationId, reason: "APPLICANT_ERASED" }]);
    const wire = receiver.received.map(delivery => delivery.body).join("\n");
    expect(wire).not.toContain("erin");
  });

  it("a suspension ends the lender's consents", async () => {
    const { gateway, admin, lenders: [, , gamma] } = personas;
    const before = receiver.received.length;
    const applicant = await gateway.token("applicant", "fay");
    const applicationId = await submitApplication(gateway, applicant, uniqueIdentity());
    await choose(gateway, applicant, applicationId, gamma.id, [PiiCategory.NAME]);
    await setLenderStatus(gateway, admin, gamma, "SUSPENDED");
    await settle(before + 3 + 1 + 1);
    expect(seenBy(gamma, applicationId)).toEqual([
      { type: "consent.ended", applicationId, reason: "LENDER_SUSPENDED" },
      { type: "lead.chosen", applicationId, reason: null },
    ]);
  });

  it("the retention job's expiry and idle closing report TTL_ELAPSED and APPLICATION_CLOSED", async () => {
    const { gateway, lenders: [alpha, beta] } = personas;
    const applicant = await gateway.token("applicant", "gus");
    const applicationId = await submitApplication(gateway, applicant, uniqueIdentity());
    await choose(gateway, applicant, applicationId, alpha.id, [PiiCategory.NAME]);
    // As if it all happened 100 days ago: the consent (30 days) expired, the application (90 days) idle.
    const past = (days: number) => new Date(Date.now() - days * 86_400_000);
    await gateway.dataSource.getRepository(Application).update({ id: applicationId }, { createdAt: past(100) });
    await gateway.dataSource.getRepository(Lead).update({ applicationId }, { createdAt: past(100), updatedAt: past(100), statusChangedAt: past(100) });
    await gateway.dataSource.getRepository(Consent).update({ applicationId }, { grantedAt: past(100), expiresAt: past(70) });
    const report = await runRetention(gateway.dataSource, new Date(), 365);
    expect(report.consentsExpired).toBeGreaterThanOrEqual(1);
    await waitUntil(() => seenBy(alpha, applicationId).length >= 3 && seenBy(beta, applicationId).length >= 1, "the retention job's events");
    await new Promise(resolve => setTimeout(resolve, 300));
    expect(seenBy(alpha, applicationId)).toEqual([
      { type: "consent.ended", applicationId, reason: "TTL_ELAPSED" },
      { type: "lead.chosen", applicationId, reason: null },
      { type: "lead.closed", applicationId, reason: "APPLICATION_CLOSED" },
    ]);
    expect(seenBy(beta, applicationId)).toEqual([{ type: "lead.closed", applicationId, reason: "APPLICATION_CLOSED" }]);
  });

  it("offboarding disables the lender's endpoints first: no event about its own ending is sent", async () => {
    const { gateway, admin, lenders: [alpha] } = personas;
    const applicant = await gateway.token("applicant", "hal");
    const applicationId = await submitApplication(gateway, applicant, uniqueIdentity());
    await choose(gateway, applicant, applicationId, alpha.id, [PiiCategory.NAME]);
    await waitUntil(() => seenBy(alpha, applicationId).length >= 1, "lead.chosen");
    const before = seenBy(alpha, applicationId).length;
    expect(before).toBe(1);
    expectData(await gateway.request(`mutation($id: ID!) { offboardLender(lenderId: $id) { status } }`, { id: alpha.id }, admin));
    const endpoints = expectData(await gateway.request(`query($id: ID!) { lender(id: $id) { webhookEndpoints { status disabledReason } } }`, { id: alpha.id }, admin));
    expect(endpoints.lender.webhookEndpoints).toEqual([{ status: "DISABLED", disabledReason: "LENDER_OFFBOARDED" }]);
    await new Promise(resolve => setTimeout(resolve, 300));
    expect(seenBy(alpha, applicationId)).toHaveLength(before);
    const actions = expectData(await gateway.request(`query($id: ID!) { lender(id: $id) { adminActions(first: 1) { edges { node { action summary } } } } }`, { id: alpha.id }, admin));
    expect(actions.lender.adminActions.edges[0].node.summary).toMatch(/1 webhook endpoints disabled$/);
  });
});
