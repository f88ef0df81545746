import { IncomingHttpHeaders, Server, createServer } from "node:http";
import { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";

/** One request the receiver got. */
export interface ReceivedWebhook {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** performance.now() when it arrived. */
  at: number;
}

/** What the receiver answers; `delayMs` holds the answer back (a slow receiver). */
export interface ReceiverAnswer {
  status: number;
  headers?: Record<string, string>;
  delayMs?: number;
}

/**
 * A lender's webhook receiver: a real HTTP server on a loopback port that records every request
 * and answers as `respond` says (200 by default).
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  respond: (request: ReceivedWebhook) => ReceiverAnswer = () => ({ status: 200 });
  private server: Server | null = null;
  private port = 0;

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        const entry = { path: request.url ?? "/", headers: request.headers, body: Buffer.concat(chunks).toString("utf8"), at: performance.now() };
        this.received.push(entry);
        const answer = this.respond(entry);
        const send = () => {
          if (response.destroyed) return;
          response.writeHead(answer.status, answer.headers ?? {});
          response.end("ok");
        };
        if (answer.delayMs) setTimeout(send, answer.delayMs).unref();
        else send();
      });
    });
    await new Promise<void>(resolve => this.server!.listen(0, "127.0.0.1", () => resolve()));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  url(path = "/hooks"): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  on(path: string): ReceivedWebhook[] {
    return this.received.filter(entry => entry.path === path);
  }

  /** Waits until `count` requests reached `path` (or any path), failing after `timeoutMs`. */
  async waitFor(count: number, path?: string, timeoutMs = 10_000): Promise<ReceivedWebhook[]> {
    const started = Date.now();
    for (;;) {
      const got = path === undefined ? this.received : this.on(path);
      if (got.length >= count) return got;
      if (Date.now() - started > timeoutMs) throw new Error(`the receiver got ${got.length} of ${count} webhooks in ${timeoutMs} ms`);
      await new Promise(resolve => setTimeout(resolve, 20));
    }
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>(resolve => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** Verifies a delivery with the standardwebhooks package, as a lender's receiver would; returns the parsed payload. */
export function verified(secret: string, delivery: ReceivedWebhook): { type: string; timestamp: string; data: Record<string, unknown> } {
  const headers: Record<string, string> = {
    "webhook-id": String(delivery.headers["webhook-id"]),
    "webhook-timestamp": String(delivery.headers["webhook-timestamp"]),
    "webhook-signature": String(delivery.headers["webhook-signature"]),
  };
  return new Webhook(secret).verify(delivery.body, headers) as { type: string; timestamp: string; data: Record<string, unknown> };
}

export const WEBHOOK_DOCUMENTS = {
  REGISTER: `mutation($url: String!, $events: [LenderEventType!]!) { registerWebhookEndpoint(url: $url, events: $events) {
    secret endpoint { id url events status createdAt } } }`,
  LIST: `query { webhookEndpoints { id url events status createdAt lastSuccessAt lastFailureAt disabledAt disabledReason } }`,
  DISABLE: `mutation($id: ID!) { disableWebhookEndpoint(id: $id) { id status disabledReason } }`,
  ROTATE: `mutation($id: ID!, $grace: Int!) { rotateWebhookSecret(id: $id, graceHours: $grace) { secret endpoint { id status } } }`,
  DELIVERIES: `query($id: ID!, $status: WebhookDeliveryStatus, $first: Int, $after: String) {
    webhookDeliveries(endpointId: $id, status: $status, first: $first, after: $after) {
      edges { cursor node { id eventId eventType endpointId status attempts lastResponseStatus lastFailure deliveredAt createdAt } }
      pageInfo { hasNextPage endCursor } } }`,
  REDELIVER: `mutation($id: ID!) { redeliverWebhook(deliveryId: $id) { id eventId status attempts } }`,
  ALL_EVENTS: ["LEAD_CREATED", "LEAD_CHOSEN", "CONSENT_ENDED", "LEAD_CLOSED", "PERMISSIONS_CHANGED"],
} as const;

/** Polls `done` every 30 ms until it holds; fails naming `what` after `timeoutMs`. */
export async function waitUntil(done: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!(await done())) {
    if (Date.now() - started > timeoutMs) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise(resolve => setTimeout(resolve, 30));
  }
}
