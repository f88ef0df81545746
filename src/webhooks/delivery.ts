import { DataSource, EntityManager, IsNull, LessThanOrEqual } from "typeorm";
import { LenderEvent, WebhookDelivery, WebhookEndpoint } from "../model/webhook.entity";
import { WebhookAttemptFailure, WebhookDeliveryStatus, WebhookDisabledReason, WebhookEndpointStatus } from "../model/webhook-vocabulary";
import type { PiiKeyring } from "../privacy/encryption";
import { webhookDeliveriesFailed, webhookDeliveryAttempts, webhookQueueAge } from "../metrics/metrics";
import { type AttemptResult, attemptDelivery } from "./delivery-attempt";
import { signDelivery } from "./signing";
import { openEndpointSecret } from "../privacy/webhook-secret-store";

/** How deliveries are made; from WEBHOOK_RETRY_SCHEDULE, WEBHOOK_TIMEOUT_SECONDS, WEBHOOK_ALLOW_PRIVATE_URLS. */
export interface WebhookSettings {
  /**
   * One entry per attempt: the first is 0 (the first attempt is made at once), each next one the
   * milliseconds from the previous attempt's failure to it. Its length is the number of attempts.
   */
  readonly retryScheduleMs: readonly number[];
  /** Milliseconds an attempt may take. */
  readonly timeoutMs: number;
  /** http URLs and non-public addresses allowed (local development). */
  readonly allowPrivateUrls: boolean;
  /** Milliseconds between an instance's passes when nothing was due: the longest a new event waits. */
  readonly pollMs: number;
}

/** Failing without a success this long disables an endpoint. */
export const DISABLE_AFTER_FAILING_MS = 5 * 24 * 60 * 60 * 1000;

/** Deliveries one pass of one instance attempts at most (in parallel). */
export const DELIVERY_BATCH = 20;

/** What a pass did, for the schedule and the tests. */
export interface DeliveryPass {
  attempted: number;
  /** Seconds the oldest due delivery had waited past its due time (0: none). */
  queueAgeSeconds: number;
}

/**
 * One pass: the due PENDING deliveries, oldest first; each claimed with a lease by a conditional
 * UPDATE (its affected-rows count says whether this instance won it), then attempted. Another
 * instance skips a leased row; a lease outlives the attempt's timeout, and a row whose holder
 * died is taken again when its lease ends (at least once, never dropped).
 */
export async function deliverDue(dataSource: DataSource, owner: string, settings: WebhookSettings, keyring: PiiKeyring, now: Date): Promise<DeliveryPass> {
  // Rows another instance holds are left out here, not after: a pass full of rows leased
  // elsewhere (slow receivers) would otherwise claim nothing while others' deliveries wait.
  const dueNow = { status: WebhookDeliveryStatus.PENDING, nextAttemptAt: LessThanOrEqual(now) };
  const due = await dataSource.getRepository(WebhookDelivery).find({
    where: [{ ...dueNow, leaseUntil: IsNull() }, { ...dueNow, leaseUntil: LessThanOrEqual(now) }],
    select: { id: true, nextAttemptAt: true, leaseUntil: true },
    order: { nextAttemptAt: "ASC", id: "ASC" },
    take: DELIVERY_BATCH,
  });
  const queueAgeSeconds = due.length === 0 ? 0 : Math.max(0, now.getTime() - due[0].nextAttemptAt.getTime()) / 1000;
  webhookQueueAge.set(queueAgeSeconds);
  const leaseMs = settings.timeoutMs + 30_000;
  const claimed: string[] = [];
  for (const row of due) {
    if (row.leaseUntil !== null && row.leaseUntil.getTime() > now.getTime()) continue;
    if (await claim(dataSource, row.id, owner, now, leaseMs)) claimed.push(row.id);
  }
  // Each delivery on its own: one the gateway cannot make (a secret sealed under a key no longer
  // configured) is recorded as a GATEWAY_ERROR attempt and moves on its schedule, so that such
  // rows cannot fill every pass; one whose record fails too (the database) keeps its lease until
  // it runs out. The pass reports the first failure either way.
  const outcomes = await Promise.allSettled(claimed.map(id =>
    deliverOne(dataSource, id, owner, settings, keyring).catch(async error => {
      await recordGatewayError(dataSource, id, owner, settings).catch(() => undefined);
      throw error;
    })));
  const failed = outcomes.find(outcome => outcome.status === "rejected");
  if (failed) throw failed.reason;
  return { attempted: claimed.length, queueAgeSeconds };
}

async function claim(dataSource: DataSource, id: string, owner: string, now: Date, leaseMs: number): Promise<boolean> {
  const result = await dataSource.createQueryBuilder()
    .update(WebhookDelivery)
    .set({ leaseOwner: owner, leaseUntil: new Date(now.getTime() + leaseMs) })
    .where("id = :id AND status = :pending AND next_attempt_at <= :now", { id, pending: WebhookDeliveryStatus.PENDING, now })
    .andWhere("(lease_until IS NULL OR lease_until <= :now)", { now })
    .execute();
  return result.affected === 1;
}

/** The secrets that sign now: the current one, and the one a rotation replaced while its grace lasts. */
function signingSecrets(keyring: PiiKeyring, endpoint: WebhookEndpoint, at: Date): string[] {
  const secrets = [openEndpointSecret(keyring, endpoint.id, endpoint.secretSealed)];
  if (endpoint.previousSecretSealed !== null && endpoint.previousSecretExpiresAt !== null && endpoint.previousSecretExpiresAt.getTime() > at.getTime()) {
    secrets.push(openEndpointSecret(keyring, endpoint.id, endpoint.previousSecretSealed));
  }
  return secrets;
}

async function deliverOne(dataSource: DataSource, id: string, owner: string, settings: WebhookSettings, keyring: PiiKeyring): Promise<void> {
  const delivery = await dataSource.getRepository(WebhookDelivery).findOneByOrFail({ id });
  const endpoint = await dataSource.getRepository(WebhookEndpoint).findOneByOrFail({ id: delivery.endpointId });
  const at = new Date();
  let result: AttemptResult;
  if (endpoint.status !== WebhookEndpointStatus.ACTIVE) {
    result = { delivered: false, failure: WebhookAttemptFailure.ENDPOINT_DISABLED, status: null, retryAfterMs: null };
  } else {
    const event = await dataSource.getRepository(LenderEvent).findOneByOrFail({ id: delivery.eventId });
    const headers = signDelivery(signingSecrets(keyring, endpoint, at), event.id, at, event.payload);
    result = await attemptDelivery(endpoint.url, event.payload, headers, { timeoutMs: settings.timeoutMs, allowPrivate: settings.allowPrivateUrls, now: at });
  }
  webhookDeliveryAttempts.inc({ outcome: result.delivered ? "delivered" : result.failure.toLowerCase() });
  const finished = new Date();
  const gaveUp = await dataSource.transaction(manager => recordAttempt(manager, delivery, endpoint.id, owner, result, settings, finished));
  // Counted once the transaction committed: a re-run of it must not count the failure twice.
  if (gaveUp) webhookDeliveriesFailed.inc();
}

async function recordGatewayError(dataSource: DataSource, id: string, owner: string, settings: WebhookSettings): Promise<void> {
  const delivery = await dataSource.getRepository(WebhookDelivery).findOneBy({ id });
  if (!delivery) return;
  webhookDeliveryAttempts.inc({ outcome: WebhookAttemptFailure.GATEWAY_ERROR.toLowerCase() });
  const result: AttemptResult = { delivered: false, failure: WebhookAttemptFailure.GATEWAY_ERROR, status: null, retryAfterMs: null };
  const gaveUp = await dataSource.transaction(manager => recordAttempt(manager, delivery, delivery.endpointId, owner, result, settings, new Date()));
  if (gaveUp) webhookDeliveriesFailed.inc();
}

/** Where the delivery goes after a failed attempt: its next attempt's time, or null to give up. */
function nextAttempt(attempts: number, result: AttemptResult & { delivered: false }, settings: WebhookSettings, at: Date): Date | null {
  if (result.failure === WebhookAttemptFailure.ENDPOINT_DISABLED || result.status === 410) return null;
  if (attempts >= settings.retryScheduleMs.length) return null;
  const wait = Math.max(settings.retryScheduleMs[attempts], result.retryAfterMs ?? 0);
  return new Date(at.getTime() + wait);
}

/**
 * Writes the attempt, only while this instance still holds the lease (else another instance has
 * taken the row and its own attempt counts), and what it says of the endpoint: a success clears
 * its failing streak; a 410 or five days of failures disable it, and its pending deliveries fail.
 * True when this attempt gave the delivery up (FAILED).
 */
async function recordAttempt(
  manager: EntityManager, delivery: WebhookDelivery, endpointId: string, owner: string, result: AttemptResult, settings: WebhookSettings, at: Date,
): Promise<boolean> {
  const attempts = delivery.attempts + 1;
  const common = { attempts, lastAttemptAt: at, lastResponseStatus: result.status, leaseOwner: null, leaseUntil: null };
  const mine = { id: delivery.id, leaseOwner: owner, status: WebhookDeliveryStatus.PENDING };
  const deliveries = manager.getRepository(WebhookDelivery);
  const endpoints = manager.getRepository(WebhookEndpoint);
  if (result.delivered) {
    const written = await deliveries.update(mine, { ...common, status: WebhookDeliveryStatus.DELIVERED, deliveredAt: at, lastFailure: null });
    if (written.affected === 1) await endpoints.update({ id: endpointId }, { lastSuccessAt: at, failingSince: null });
    return false;
  }
  const next = nextAttempt(attempts, result, settings, at);
  const written = await deliveries.update(mine, next === null
    ? { ...common, status: WebhookDeliveryStatus.FAILED, lastFailure: result.failure }
    : { ...common, nextAttemptAt: next, lastFailure: result.failure });
  if (written.affected !== 1) return false;
  const gaveUp = next === null;
  if (result.failure === WebhookAttemptFailure.ENDPOINT_DISABLED || result.failure === WebhookAttemptFailure.GATEWAY_ERROR) return gaveUp;
  // The streak's start as the row holds it now, not as it was read before the attempt: a success
  // running beside this failure may have ended the streak (then this failure starts a new one).
  await endpoints.update({ id: endpointId, failingSince: IsNull() }, { failingSince: at });
  await endpoints.update({ id: endpointId }, { lastFailureAt: at });
  const failingSince = (await endpoints.findOne({ where: { id: endpointId }, select: { id: true, failingSince: true } }))?.failingSince ?? at;
  const disabledReason = result.status === 410 ? WebhookDisabledReason.GONE
    : at.getTime() - failingSince.getTime() >= DISABLE_AFTER_FAILING_MS ? WebhookDisabledReason.FAILING : null;
  if (disabledReason !== null) await disableEndpoint(manager, endpointId, disabledReason, at);
  return gaveUp;
}

/** Disables every ACTIVE endpoint of a lender (offboarding); returns how many. */
export async function disableEndpointsOfLender(manager: EntityManager, lenderId: string, reason: WebhookDisabledReason, at: Date): Promise<number> {
  const active = await manager.getRepository(WebhookEndpoint).find({ where: { lenderId, status: WebhookEndpointStatus.ACTIVE }, select: { id: true } });
  let disabled = 0;
  for (const endpoint of active) if (await disableEndpoint(manager, endpoint.id, reason, at)) disabled += 1;
  return disabled;
}

/** Disables an ACTIVE endpoint and gives up its pending deliveries; false when it was not ACTIVE. */
export async function disableEndpoint(manager: EntityManager, endpointId: string, reason: WebhookDisabledReason, at: Date): Promise<boolean> {
  const disabled = await manager.getRepository(WebhookEndpoint).update(
    { id: endpointId, status: WebhookEndpointStatus.ACTIVE },
    { status: WebhookEndpointStatus.DISABLED, disabledAt: at, disabledReason: reason },
  );
  if (disabled.affected !== 1) return false;
  // A row another attempt holds fails too; that attempt's result is then not written.
  await manager.getRepository(WebhookDelivery).update(
    { endpointId, status: WebhookDeliveryStatus.PENDING },
    { status: WebhookDeliveryStatus.FAILED, lastFailure: WebhookAttemptFailure.ENDPOINT_DISABLED, leaseOwner: null, leaseUntil: null },
  );
  return true;
}
