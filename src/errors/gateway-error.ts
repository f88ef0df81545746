import { GraphQLError } from "graphql";

/** The public error codes: clients branch on `extensions.code`, never on message text. */
export enum ErrorCode {
  UNAUTHENTICATED = "UNAUTHENTICATED",
  FORBIDDEN = "FORBIDDEN",
  BAD_USER_INPUT = "BAD_USER_INPUT",
  NOT_FOUND = "NOT_FOUND",
  IDEMPOTENCY_CONFLICT = "IDEMPOTENCY_CONFLICT",
  RATE_LIMITED = "RATE_LIMITED",
  /** The database is unreachable; retry (a submission with the same idempotency key). */
  SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE",
  INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR",
}

/** Seconds a client waits before retrying a SERVICE_UNAVAILABLE answer (its `Retry-After`). */
export const SERVICE_UNAVAILABLE_RETRY_SECONDS = 1;

/**
 * Every error the gateway throws on purpose; `formatError` passes these through, hides the rest.
 * `httpStatus` and `httpHeaders` become the response's (Apollo reads `extensions.http` of every
 * error, whether thrown while building the context or by a resolver, and removes it from the body).
 */
export class GatewayError extends GraphQLError {
  constructor(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}, httpStatus?: number, httpHeaders?: Record<string, string>) {
    const headers = httpHeaders ? { headers: new Map(Object.entries(httpHeaders)) } : {};
    super(message, {
      extensions: { ...extensions, code, ...(httpStatus ? { http: { status: httpStatus, ...headers } } : {}) },
    });
  }
}

export class UnauthenticatedError extends GatewayError {
  constructor(message = "Missing or invalid credentials") {
    super(ErrorCode.UNAUTHENTICATED, message, {}, 401);
  }
}

export class ForbiddenError extends GatewayError {
  constructor(message = "Not allowed", reason?: string) {
    super(ErrorCode.FORBIDDEN, message, reason ? { reason } : {});
  }
}

/**
 * A bad input: names the field, never echoes its value (it may be personal data). `reason`
 * tells apart refusals that share a field (chooseLender's `lenderId`: already chosen, suspended).
 */
export class BadUserInputError extends GatewayError {
  /** `fields` is always set, as on every other BAD_USER_INPUT (README): `[field]`, or the list given. */
  constructor(field: string | readonly string[], problem: string, reason?: string) {
    const fields = typeof field === "string" ? [field] : [...field];
    super(ErrorCode.BAD_USER_INPUT, `${fields.join(", ")}: ${problem}`, { field: fields[0], fields, ...(reason ? { reason } : {}) });
  }
}

export class NotFoundError extends GatewayError {
  constructor(what: string) {
    super(ErrorCode.NOT_FOUND, `${what} not found`);
  }
}

export class IdempotencyConflictError extends GatewayError {
  constructor() {
    super(
      ErrorCode.IDEMPOTENCY_CONFLICT,
      "This idempotencyKey was already used with a different payload",
    );
  }
}

/** The database could not be reached: fail fast with a code clients can retry on. */
export class ServiceUnavailableError extends GatewayError {
  constructor() {
    super(ErrorCode.SERVICE_UNAVAILABLE, "The service is temporarily unavailable; retry later", {}, 503, { "retry-after": String(SERVICE_UNAVAILABLE_RETRY_SECONDS) });
  }
}
