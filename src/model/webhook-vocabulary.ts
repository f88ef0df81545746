import { registerEnumType } from "type-graphql";

/** What a lender can subscribe a webhook endpoint to; each has one wire name (`type` in the payload). */
export enum LenderEventType {
  LEAD_CREATED = "LEAD_CREATED",
  LEAD_CHOSEN = "LEAD_CHOSEN",
  CONSENT_ENDED = "CONSENT_ENDED",
  LEAD_CLOSED = "LEAD_CLOSED",
  PERMISSIONS_CHANGED = "PERMISSIONS_CHANGED",
}

registerEnumType(LenderEventType, {
  name: "LenderEventType",
  description: "An event pushed to a lender's webhook endpoints; on the wire `lead.created`, `lead.chosen`, `consent.ended`, `lead.closed`, `lender.permissions_changed`.",
  valuesConfig: {
    LEAD_CREATED: { description: "`lead.created`: a new application matched this lender." },
    LEAD_CHOSEN: { description: "`lead.chosen`: the applicant chose this lender (a consent was granted)." },
    CONSENT_ENDED: { description: "`consent.ended`: a consent given to this lender ended (withdrawn, terminated or expired)." },
    LEAD_CLOSED: { description: "`lead.closed`: an open lead of this lender closed because its application ended." },
    PERMISSIONS_CHANGED: { description: "`lender.permissions_changed`: the identity categories this lender may receive changed." },
  },
});

/** The Standard Webhooks `type` of each event. */
export const WIRE_TYPE: Record<LenderEventType, string> = {
  [LenderEventType.LEAD_CREATED]: "lead.created",
  [LenderEventType.LEAD_CHOSEN]: "lead.chosen",
  [LenderEventType.CONSENT_ENDED]: "consent.ended",
  [LenderEventType.LEAD_CLOSED]: "lead.closed",
  [LenderEventType.PERMISSIONS_CHANGED]: "lender.permissions_changed",
};

export enum WebhookEndpointStatus {
  ACTIVE = "ACTIVE",
  DISABLED = "DISABLED",
}

registerEnumType(WebhookEndpointStatus, { name: "WebhookEndpointStatus", description: "ACTIVE endpoints receive events; DISABLED ones receive nothing more." });

export enum WebhookDisabledReason {
  /** The lender disabled it (disableWebhookEndpoint). */
  BY_LENDER = "BY_LENDER",
  /** The endpoint answered 410 Gone. */
  GONE = "GONE",
  /** Every attempt failed for 5 days in a row. */
  FAILING = "FAILING",
  /** The lender was offboarded. */
  LENDER_OFFBOARDED = "LENDER_OFFBOARDED",
}

registerEnumType(WebhookDisabledReason, {
  name: "WebhookDisabledReason",
  description: "Why an endpoint was disabled: BY_LENDER (disableWebhookEndpoint), GONE (it answered 410), FAILING (every delivery failed for 5 days), LENDER_OFFBOARDED.",
});

export enum WebhookDeliveryStatus {
  /** Waiting for its next attempt (the first one, or a retry). */
  PENDING = "PENDING",
  DELIVERED = "DELIVERED",
  /** Given up: the retry schedule ran out, or the endpoint was disabled. */
  FAILED = "FAILED",
}

registerEnumType(WebhookDeliveryStatus, { name: "WebhookDeliveryStatus", description: "PENDING until an attempt got a 2xx (DELIVERED) or the retries ran out or the endpoint was disabled (FAILED)." });

/** Why the last attempt of a delivery failed; also the metric's outcome label. */
export enum WebhookAttemptFailure {
  /** A status outside 2xx (see lastResponseStatus). */
  HTTP_STATUS = "HTTP_STATUS",
  /** A 3xx: redirects are not followed. */
  REDIRECT = "REDIRECT",
  TIMEOUT = "TIMEOUT",
  CONNECTION_FAILED = "CONNECTION_FAILED",
  /** The URL resolved to an address the policy refuses (loopback, private, …). */
  ADDRESS_REFUSED = "ADDRESS_REFUSED",
  /** The endpoint was disabled before the delivery was made. */
  ENDPOINT_DISABLED = "ENDPOINT_DISABLED",
  /**
   * The gateway could not make the attempt (its signing secret could not be opened, a row it
   * needs was gone): counted, so the delivery moves on its schedule instead of holding the head
   * of the queue; not held against the receiver.
   */
  GATEWAY_ERROR = "GATEWAY_ERROR",
}

registerEnumType(WebhookAttemptFailure, { name: "WebhookAttemptFailure", description: "Why a delivery attempt failed." });

/** The stored form of an endpoint's events: the enum names, sorted, comma-separated. */
export function encodeEventTypes(types: readonly LenderEventType[]): string {
  return [...new Set(types)].sort().join(",");
}

export function decodeEventTypes(stored: string): LenderEventType[] {
  const known = new Set<string>(Object.values(LenderEventType));
  return stored.split(",").filter(name => known.has(name)) as LenderEventType[];
}
