import type { IncomingMessage, ServerResponse } from "node:http";
import { Webhook, WebhookVerificationError } from "standardwebhooks";

/**
 * An event the gateway pushes: `{ type, timestamp, data }`. Thin by design: ids, statuses,
 * categories and reasons, never an identity value (read identity through `readIdentity`, which
 * the applicant's access log records).
 */
export interface LenderEvent {
  type: string;
  timestamp: string;
  data: Record<string, unknown>;
}

/** Remembers which deliveries were handled. In production, a table with `webhook-id` as its primary key. */
export interface HandledDeliveries {
  has(webhookId: string): Promise<boolean>;
  add(webhookId: string): Promise<void>;
}

export function inMemoryHandledDeliveries(): HandledDeliveries {
  const ids = new Set<string>();
  return { has: async id => ids.has(id), add: async id => void ids.add(id) };
}

export interface WebhookReceiverOptions {
  /** The endpoint's `whsec_…` secret, shown once when the endpoint was registered. */
  secret: string;
  /** Does the work of an event; a throw answers 500, and the gateway delivers it again later. */
  onEvent: (event: LenderEvent, webhookId: string) => Promise<void>;
  handled?: HandledDeliveries;
}

/** A delivery is small; anything larger is not the gateway's. */
const MAX_BODY_BYTES = 256 * 1024;

/**
 * A Node HTTP handler for the gateway's webhooks (Standard Webhooks): verifies `webhook-id`,
 * `webhook-timestamp` and `webhook-signature` over the raw body with the `standardwebhooks`
 * library (which also refuses a timestamp more than five minutes off), and handles each
 * `webhook-id` once: delivery is at least once, and a retry carries the same id.
 *
 * `registerWebhook` (register-webhook.ts) returns the secret to pass here; mount the handler at
 * the URL registered (`http.createServer(createWebhookHandler(...))`).
 */
export function createWebhookHandler(options: WebhookReceiverOptions): (request: IncomingMessage, response: ServerResponse) => void {
  const verifier = new Webhook(options.secret);
  const handled = options.handled ?? inMemoryHandledDeliveries();
  // Two copies of one delivery arriving together run the work once.
  const inFlight = new Map<string, Promise<void>>();

  async function receive(request: IncomingMessage): Promise<number> {
    if (request.method !== "POST") return 405;
    const body = await readBody(request);
    if (body === null) return 413;
    let event: LenderEvent;
    try {
      event = verifier.verify(body, headersOf(request)) as LenderEvent;
    } catch (error) {
      if (error instanceof WebhookVerificationError) return 401;
      throw error;
    }
    const webhookId = String(request.headers["webhook-id"]);
    if (await handled.has(webhookId)) return 200;
    let work = inFlight.get(webhookId);
    if (!work) {
      work = options.onEvent(event, webhookId).then(() => handled.add(webhookId)).finally(() => inFlight.delete(webhookId));
      inFlight.set(webhookId, work);
    }
    await work;
    return 200;
  }

  return (request, response) => {
    receive(request).then(
      status => response.writeHead(status).end(),
      () => response.writeHead(500).end(),
    );
  };
}

function headersOf(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) if (typeof value === "string") headers[name] = value;
  return headers;
}

async function readBody(request: IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}
