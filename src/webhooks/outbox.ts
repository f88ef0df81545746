import { randomUUID } from "node:crypto";
import { EntityManager, In } from "typeorm";
import { LenderEvent, WebhookDelivery, WebhookEndpoint } from "../model/webhook.entity";
import { LenderEventType, WIRE_TYPE, WebhookDeliveryStatus, WebhookEndpointStatus, decodeEventTypes } from "../model/webhook-vocabulary";

/** Ids, statuses, categories, reasons and times only: never an identity value, never text an applicant typed. */
export type EventData = Readonly<Record<string, string | number | readonly string[] | null>>;

export interface LenderEventInput {
  lenderId: string;
  data: EventData;
}

/** Rows per INSERT: well under every driver's limit on bound parameters. */
const INSERT_CHUNK = 200;

/** The body every delivery of an event sends, signed as it is. */
export function eventPayload(type: LenderEventType, timestamp: Date, data: EventData): string {
  return JSON.stringify({ type: WIRE_TYPE[type], timestamp: timestamp.toISOString(), data });
}

async function insertChunked<T extends object>(manager: EntityManager, entity: new () => T, rows: T[]): Promise<void> {
  for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
    await manager.getRepository(entity).insert(rows.slice(start, start + INSERT_CHUNK) as never);
  }
}

/**
 * The outbox: records events in the caller's transaction, so an event exists exactly when the
 * change it reports committed (a change that rolls back takes its event with it). Fans out here,
 * at write time, to one delivery per ACTIVE endpoint subscribed to the type: an endpoint
 * registered later does not receive what happened before it, a disabled one receives nothing
 * more, and each delivery is claimed, retried and listed on its own. A lender with no subscribed
 * endpoint gets no row at all, so lenders that poll cost one indexed read per change.
 */
export async function recordLenderEvents(manager: EntityManager, type: LenderEventType, events: readonly LenderEventInput[], now: Date): Promise<void> {
  if (events.length === 0) return;
  const lenderIds = [...new Set(events.map(event => event.lenderId))];
  const endpoints = await manager.getRepository(WebhookEndpoint).find({
    where: { lenderId: In(lenderIds), status: WebhookEndpointStatus.ACTIVE },
    select: { id: true, lenderId: true, eventsStored: true },
  });
  const subscribed = endpoints.filter(endpoint => decodeEventTypes(endpoint.eventsStored).includes(type));
  if (subscribed.length === 0) return;
  const rows: LenderEvent[] = [];
  const deliveries: WebhookDelivery[] = [];
  for (const event of events) {
    const targets = subscribed.filter(endpoint => endpoint.lenderId === event.lenderId);
    if (targets.length === 0) continue;
    const row = manager.getRepository(LenderEvent).create({
      id: randomUUID(), lenderId: event.lenderId, type, payload: eventPayload(type, now, event.data), createdAt: now,
    });
    rows.push(row);
    for (const endpoint of targets) deliveries.push(newDelivery(manager, row, endpoint.id, now));
  }
  await insertChunked(manager, LenderEvent, rows);
  await insertChunked(manager, WebhookDelivery, deliveries);
}

/** A delivery due now; `redeliverWebhook` makes one too, for an event already sent. */
export function newDelivery(manager: EntityManager, event: Pick<LenderEvent, "id" | "lenderId" | "type">, endpointId: string, now: Date): WebhookDelivery {
  return manager.getRepository(WebhookDelivery).create({
    id: randomUUID(),
    eventId: event.id,
    eventType: event.type,
    endpointId,
    lenderId: event.lenderId,
    status: WebhookDeliveryStatus.PENDING,
    attempts: 0,
    nextAttemptAt: now,
    leaseOwner: null,
    leaseUntil: null,
    lastAttemptAt: null,
    lastResponseStatus: null,
    lastFailure: null,
    deliveredAt: null,
    createdAt: now,
  });
}
