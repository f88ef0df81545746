import type { LookupFunction } from "node:net";
import { lookup as dnsLookup } from "node:dns";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { WebhookAttemptFailure } from "../model/webhook-vocabulary";
import type { SignedHeaders } from "./signing";
import { classifyAddress, literalAddress } from "./url-policy";

export type AttemptResult =
  | { delivered: true; status: number }
  | { delivered: false; failure: WebhookAttemptFailure; status: number | null; retryAfterMs: number | null };

class AddressRefused extends Error {
  constructor() {
    super("the webhook URL resolved to an address the policy refuses");
    this.name = "AddressRefused";
  }
}

class AttemptTimedOut extends Error {}

/** Longest Retry-After honoured: a day. */
const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000;

/**
 * A `lookup` for the request that refuses non-public addresses: the address checked is the one
 * the socket then connects to, so a name that resolves to a public address at registration and
 * to 127.0.0.1 now (DNS rebinding) is refused here.
 */
function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, options, (error, address, family) => {
      if (error) return callback(error, address as never, family);
      const addresses = Array.isArray(address) ? address.map(entry => entry.address) : [address];
      if (!allowPrivate && addresses.some(candidate => classifyAddress(candidate) !== "public")) {
        return callback(new AddressRefused() as NodeJS.ErrnoException, address as never, family);
      }
      callback(null, address as never, family);
    });
  };
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3); null if absent or unreadable. */
export function retryAfterMs(header: string | string[] | undefined, now: Date): number | null {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === "") return null;
  const trimmed = value.trim();
  const ms = /^\d+$/.test(trimmed) ? Number(trimmed) * 1000 : Date.parse(trimmed) - now.getTime();
  if (Number.isNaN(ms)) return null;
  return Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS);
}

/**
 * One POST of a signed payload. 2xx is delivered; anything else, a redirect included (never
 * followed: a receiver moved is a receiver to register again), is a failure with its reason.
 * `timeoutMs` bounds the whole attempt: connecting, sending and the response's head.
 */
export function attemptDelivery(
  url: string, payload: string, headers: SignedHeaders, options: { timeoutMs: number; allowPrivate: boolean; now: Date },
): Promise<AttemptResult> {
  const target = new URL(url);
  // An endpoint registered while private URLs were allowed keeps its http URL: refused here too.
  if (!options.allowPrivate && target.protocol !== "https:") {
    return Promise.resolve({ delivered: false, failure: WebhookAttemptFailure.ADDRESS_REFUSED, status: null, retryAfterMs: null });
  }
  const literal = literalAddress(target);
  // A literal address is connected to without a lookup, so it is checked here.
  if (literal !== null && !options.allowPrivate && classifyAddress(literal) !== "public") {
    return Promise.resolve({ delivered: false, failure: WebhookAttemptFailure.ADDRESS_REFUSED, status: null, retryAfterMs: null });
  }
  const body = Buffer.from(payload, "utf8");
  const send = target.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise(resolve => {
    let settled = false;
    const finish = (result: AttemptResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const request = send(target, {
      method: "POST",
      // A connection of its own: no pooled socket is shared between lenders' receivers.
      agent: false,
      ...(literal === null ? { lookup: guardedLookup(options.allowPrivate) } : {}),
      headers: { ...headers, "content-type": "application/json", "content-length": String(body.length), "user-agent": "lead-referral-gateway-webhooks" },
    }, response => {
      const status = response.statusCode ?? 0;
      // The answer is the status line and its headers. The body is never read and the connection
      // (ours alone) is closed at once: a receiver that drips a body after its status must not
      // hold a socket of the gateway's for as long as it likes.
      response.on("error", () => undefined);
      response.destroy();
      if (status >= 200 && status < 300) return finish({ delivered: true, status });
      const failure = status >= 300 && status < 400 ? WebhookAttemptFailure.REDIRECT : WebhookAttemptFailure.HTTP_STATUS;
      const wait = status === 429 || status === 503 ? retryAfterMs(response.headers["retry-after"], options.now) : null;
      finish({ delivered: false, failure, status, retryAfterMs: wait });
    });
    const timer = setTimeout(() => request.destroy(new AttemptTimedOut()), options.timeoutMs);
    request.on("error", error => {
      const failure = error instanceof AttemptTimedOut ? WebhookAttemptFailure.TIMEOUT
        : error instanceof AddressRefused ? WebhookAttemptFailure.ADDRESS_REFUSED
          : WebhookAttemptFailure.CONNECTION_FAILED;
      finish({ delivered: false, failure, status: null, retryAfterMs: null });
    });
    request.end(body);
  });
}

