import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { print } from "graphql";
import type { Credentials } from "./credentials";

/** One entry of a GraphQL response's `errors`: the kit reads `extensions.code` and `reason`, never the message. */
export interface GatewayError {
  message: string;
  path?: ReadonlyArray<string | number>;
  extensions?: { code?: string; reason?: string; field?: string; retryAfterSeconds?: number };
}

/** A request the gateway refused as a whole (no data), after any retries: its `extensions.code` and reason. */
export class GatewayRequestError extends Error {
  constructor(readonly code: string, readonly reason: string | undefined, readonly httpStatus: number, readonly field?: string) {
    super(`gateway refused the request: ${code}${reason ? ` (${reason})` : ""}${field ? ` on ${field}` : ""}`);
  }
}

export interface GatewayClientOptions {
  /** `http(s)://host:port/graphql`. */
  graphqlUrl: string;
  credentials: Credentials;
  /** Tries of one request refused as RATE_LIMITED or SERVICE_UNAVAILABLE, the first included. Default 4. */
  maxAttempts?: number;
  /** The longest single wait, in seconds, whatever Retry-After asks. Default 60. */
  maxWaitSeconds?: number;
  /** How to wait (seconds); replaceable so a caller can observe or shorten the waits. */
  sleep?: (seconds: number) => Promise<void>;
}

/** Codes after which the same request may succeed later: a quota per minute, an outage, the request deadline. */
const RETRYABLE = new Set(["RATE_LIMITED", "SERVICE_UNAVAILABLE"]);

const defaultSleep = (seconds: number) => new Promise<void>(resolve => setTimeout(resolve, seconds * 1000));

/**
 * Sends typed operations (src/generated/graphql.ts) to the gateway. A response with data is
 * returned with its field errors (a denied identity field is one: the rest of the page is
 * good); a refusal of the whole request throws GatewayRequestError, after waiting and retrying
 * when the gateway says to come back (HTTP 429 or 503: its `Retry-After` header, else the
 * error's `retryAfterSeconds`, else a doubling backoff).
 */
export class GatewayClient {
  private readonly maxAttempts: number;
  private readonly maxWaitSeconds: number;
  private readonly sleep: (seconds: number) => Promise<void>;

  constructor(private readonly options: GatewayClientOptions) {
    this.maxAttempts = options.maxAttempts ?? 4;
    this.maxWaitSeconds = options.maxWaitSeconds ?? 60;
    this.sleep = options.sleep ?? defaultSleep;
  }

  async execute<Result, Variables extends Record<string, unknown>>(
    document: TypedDocumentNode<Result, Variables>, variables: Variables,
  ): Promise<{ data: Result; errors: GatewayError[] }> {
    const query = print(document);
    for (let attempt = 1; ; attempt++) {
      const response = await fetch(this.options.graphqlUrl, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${await this.options.credentials.bearer()}` },
        body: JSON.stringify({ query, variables }),
      });
      const body = await response.json() as { data?: Result | null; errors?: GatewayError[] };
      const errors = body.errors ?? [];
      if (body.data) return { data: body.data, errors };
      const first = errors[0]?.extensions ?? {};
      const code = first.code ?? `HTTP_${response.status}`;
      if (!RETRYABLE.has(code) || attempt >= this.maxAttempts) {
        throw new GatewayRequestError(code, first.reason, response.status, first.field);
      }
      await this.sleep(this.waitSeconds(response.headers.get("retry-after"), first.retryAfterSeconds, attempt));
    }
  }

  /** As `execute`, for operations where any error means the operation did not happen: throws the first. */
  async request<Result, Variables extends Record<string, unknown>>(
    document: TypedDocumentNode<Result, Variables>, variables: Variables,
  ): Promise<Result> {
    const { data, errors } = await this.execute(document, variables);
    if (errors.length > 0) {
      const first = errors[0].extensions ?? {};
      throw new GatewayRequestError(first.code ?? "UNKNOWN", first.reason, 200, first.field);
    }
    return data;
  }

  private waitSeconds(header: string | null, fromError: number | undefined, attempt: number): number {
    const asked = header !== null && /^\d+$/.test(header) ? Number(header) : fromError ?? 2 ** (attempt - 1);
    return Math.min(Math.max(asked, 0), this.maxWaitSeconds);
  }
}
