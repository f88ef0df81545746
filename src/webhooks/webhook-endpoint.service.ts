import { randomUUID } from "node:crypto";
import { DataSource } from "typeorm";
import { type Connection, type PageRequest, type CreatedKey, pastCreated, toConnection } from "../common/relay-pagination";
import { BadUserInputError, NotFoundError } from "../errors/gateway-error";
import { LenderEvent, RegisteredWebhookEndpoint, WebhookDelivery, WebhookEndpoint } from "../model/webhook.entity";
import { type LenderEventType, WebhookDeliveryStatus, WebhookDisabledReason, WebhookEndpointStatus, encodeEventTypes } from "../model/webhook-vocabulary";
import type { PiiKeyring } from "../privacy/encryption";
import { disableEndpoint } from "./delivery";
import { sealEndpointSecret } from "../privacy/webhook-secret-store";
import { newDelivery } from "./outbox";
import { generateWebhookSecret } from "./signing";
import { type UrlPolicy, checkWebhookUrl } from "./url-policy";

/** ACTIVE endpoints one lender may have: enough for a primary, a standby and a test receiver each. */
export const MAX_ACTIVE_ENDPOINTS = 10;
/** Longest grace of a rotated secret: 30 days. */
export const MAX_GRACE_HOURS = 720;

/** `extensions.reason` of refusals of the webhook operations. */
export enum WebhookRefusal {
  TOO_MANY_ENDPOINTS = "TOO_MANY_ENDPOINTS",
  ENDPOINT_DISABLED = "ENDPOINT_DISABLED",
  /** A delivery of the same event to the same endpoint is still waiting: one at a time. */
  REDELIVERY_PENDING = "REDELIVERY_PENDING",
}

const HOUR_MS = 60 * 60 * 1000;

/**
 * A lender's webhook endpoints and their deliveries. Every method takes the calling lender's id
 * and touches only its rows: another lender's endpoint or delivery is NOT_FOUND, as if it did not
 * exist. The secret leaves only in a RegisteredWebhookEndpoint, at registration and rotation.
 */
export class WebhookEndpointService {
  constructor(private readonly dataSource: DataSource, private readonly keyring: PiiKeyring) {}

  async register(lenderId: string, rawUrl: string, events: readonly LenderEventType[], policy: UrlPolicy, now: Date): Promise<RegisteredWebhookEndpoint> {
    if (events.length === 0) throw new BadUserInputError("events", "must name at least one event type");
    const url = await checkWebhookUrl(rawUrl, policy);
    const active = await this.dataSource.getRepository(WebhookEndpoint).countBy({ lenderId, status: WebhookEndpointStatus.ACTIVE });
    if (active >= MAX_ACTIVE_ENDPOINTS) {
      throw new BadUserInputError("url", `at most ${MAX_ACTIVE_ENDPOINTS} endpoints may be active; disable one first`, WebhookRefusal.TOO_MANY_ENDPOINTS);
    }
    const id = randomUUID();
    const secret = generateWebhookSecret();
    const endpoint = this.dataSource.getRepository(WebhookEndpoint).create({
      id, lenderId, url: url.href, eventsStored: encodeEventTypes(events), status: WebhookEndpointStatus.ACTIVE,
      secretSealed: sealEndpointSecret(this.keyring, id, secret), previousSecretSealed: null, previousSecretExpiresAt: null,
      createdAt: now, lastSuccessAt: null, lastFailureAt: null, failingSince: null, disabledAt: null, disabledReason: null,
    });
    await this.dataSource.getRepository(WebhookEndpoint).insert(endpoint);
    return { secret, endpoint };
  }

  /** Every endpoint of the lender, disabled ones too (with why), oldest first. */
  list(lenderId: string): Promise<WebhookEndpoint[]> {
    return this.dataSource.getRepository(WebhookEndpoint).find({ where: { lenderId }, order: { createdAt: "ASC", id: "ASC" } });
  }

  async disable(lenderId: string, id: string, now: Date): Promise<WebhookEndpoint> {
    await this.own(lenderId, id);
    // Disabling one already disabled changes nothing (it keeps its first reason).
    await this.dataSource.transaction(manager => disableEndpoint(manager, id, WebhookDisabledReason.BY_LENDER, now));
    return this.own(lenderId, id);
  }

  /**
   * A new secret; the one it replaces keeps signing beside it for `graceHours` (0: stops at once),
   * so the lender can deploy the new one without a delivery failing verification. A secret still
   * in an earlier rotation's grace stops now: only the two latest sign.
   */
  async rotate(lenderId: string, id: string, graceHours: number, now: Date): Promise<RegisteredWebhookEndpoint> {
    if (!Number.isInteger(graceHours) || graceHours < 0 || graceHours > MAX_GRACE_HOURS) {
      throw new BadUserInputError("graceHours", `must be a whole number of hours from 0 to ${MAX_GRACE_HOURS}`);
    }
    const endpoint = await this.own(lenderId, id);
    if (endpoint.status !== WebhookEndpointStatus.ACTIVE) throw new BadUserInputError("id", "the endpoint is disabled; register a new one", WebhookRefusal.ENDPOINT_DISABLED);
    const secret = generateWebhookSecret();
    const changes = {
      secretSealed: sealEndpointSecret(this.keyring, id, secret),
      previousSecretSealed: graceHours > 0 ? endpoint.secretSealed : null,
      previousSecretExpiresAt: graceHours > 0 ? new Date(now.getTime() + graceHours * HOUR_MS) : null,
    };
    // Conditional on the secret read: of two rotations at once, the second is refused rather than
    // dropping the first one's secret, which its caller is about to deploy.
    const written = await this.dataSource.getRepository(WebhookEndpoint).update({ id, secretSealed: endpoint.secretSealed }, changes);
    if (written.affected !== 1) throw new BadUserInputError("id", "was rotated by another request at the same time; list the endpoints and rotate again if needed");
    return { secret, endpoint: await this.own(lenderId, id) };
  }

  /** An endpoint's deliveries, newest first, optionally of one status. */
  async deliveries(lenderId: string, endpointId: string, status: WebhookDeliveryStatus | null, page: PageRequest<CreatedKey, CreatedKey>): Promise<Connection<WebhookDelivery>> {
    await this.own(lenderId, endpointId);
    const filter = { endpointId, lenderId, ...(status ? { status } : {}) };
    const rows = await this.dataSource.getRepository(WebhookDelivery).find({
      where: page.after ? pastCreated(page.after, "DESC").map(part => ({ ...filter, ...part })) : filter,
      order: { createdAt: "DESC", id: "DESC" },
      take: page.take + 1,
    });
    return toConnection(rows, page);
  }

  /**
   * Sends a delivery's event to its endpoint again, now: a new delivery with the same event, so
   * the same `webhook-id` (a receiver that processed it already recognises it). The endpoint must
   * be ACTIVE.
   */
  async redeliver(lenderId: string, deliveryId: string, now: Date): Promise<WebhookDelivery> {
    const delivery = await this.dataSource.getRepository(WebhookDelivery).findOneBy({ id: deliveryId, lenderId });
    if (!delivery) throw new NotFoundError("Webhook delivery");
    const endpoint = await this.own(lenderId, delivery.endpointId);
    if (endpoint.status !== WebhookEndpointStatus.ACTIVE) {
      throw new BadUserInputError("deliveryId", "its endpoint is disabled; register a new one", WebhookRefusal.ENDPOINT_DISABLED);
    }
    // One waiting delivery of an event per endpoint: redelivering again and again cannot pile up
    // attempts that hold the delivery passes every lender shares.
    const waiting = await this.dataSource.getRepository(WebhookDelivery).existsBy({ eventId: delivery.eventId, endpointId: endpoint.id, status: WebhookDeliveryStatus.PENDING });
    if (waiting) {
      throw new BadUserInputError("deliveryId", "a delivery of this event to this endpoint is still pending; it is retried on its schedule", WebhookRefusal.REDELIVERY_PENDING);
    }
    const event = await this.dataSource.getRepository(LenderEvent).findOneByOrFail({ id: delivery.eventId });
    const again = newDelivery(this.dataSource.manager, event, endpoint.id, now);
    await this.dataSource.getRepository(WebhookDelivery).insert(again);
    return again;
  }

  private async own(lenderId: string, id: string): Promise<WebhookEndpoint> {
    const endpoint = await this.dataSource.getRepository(WebhookEndpoint).findOneBy({ id, lenderId });
    if (!endpoint) throw new NotFoundError("Webhook endpoint");
    return endpoint;
  }
}

