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

/** Every error the gateway throws on purpose; `formatError` passes these through, hides the rest. */
export class GatewayError extends GraphQLError {
  constructor(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}, httpStatus?: number) {
    super(message, {
      extensions: { ...extensions, code, ...(httpStatus ? { http: { status: httpStatus } } : {}) },
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
    super(ErrorCode.SERVICE_UNAVAILABLE, "The service is temporarily unavailable; retry later", {}, 503);
  }
}
