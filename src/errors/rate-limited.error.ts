import { ErrorCode, GatewayError } from "./gateway-error";

/** Which quota refused: the public `extensions.reason` of a RATE_LIMITED error. */
export enum QuotaReason {
  /** Too many requests with one API key in the current minute. */
  REQUEST_RATE = "REQUEST_RATE",
  /** The lender's identity reads for the current UTC day are used up. */
  DAILY_READ_BUDGET = "DAILY_READ_BUDGET",
}

/**
 * `httpStatus` 429 refuses the whole request (the request rate), with `Retry-After`; without it
 * the error is one field's (the daily read budget) in a response that is otherwise answered.
 */
export class RateLimitedError extends GatewayError {
  constructor(readonly reason: QuotaReason, readonly retryAfterSeconds: number, httpStatus?: number) {
    super(ErrorCode.RATE_LIMITED, `Quota exceeded: ${reason}`, { reason, retryAfterSeconds }, httpStatus,
      httpStatus ? { "retry-after": String(retryAfterSeconds) } : undefined);
  }
}
