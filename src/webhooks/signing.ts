import { randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";

/** Bytes of a signing key: 24 (192 bits), within what the Standard Webhooks specification asks (24 to 64). */
const SECRET_BYTES = 24;

/** A new endpoint secret in the specification's form: `whsec_` and the base64 key. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(SECRET_BYTES).toString("base64")}`;
}

/** The three Standard Webhooks headers of one attempt. */
export interface SignedHeaders {
  "webhook-id": string;
  "webhook-timestamp": string;
  "webhook-signature": string;
}

/**
 * Signs with every secret given (during a rotation's grace, the new one and the old one): their
 * `v1,<base64>` signatures space-separated, as the specification allows, so a receiver verifies
 * with whichever secret it holds. The timestamp is the attempt's own; the id is the event's.
 */
export function signDelivery(secrets: readonly string[], eventId: string, at: Date, payload: string): SignedHeaders {
  const seconds = Math.floor(at.getTime() / 1000);
  const timestamp = new Date(seconds * 1000);
  return {
    "webhook-id": eventId,
    "webhook-timestamp": String(seconds),
    "webhook-signature": secrets.map(secret => new Webhook(secret).sign(eventId, timestamp, payload)).join(" "),
  };
}
