import { ServiceUnavailableError } from "../errors";

/**
 * Driver errors that mean "the database cannot be reached" rather than "this statement was
 * wrong": the server is down, restarting, refusing connections, or the connection died.
 * Such a request fails fast with SERVICE_UNAVAILABLE and may be retried; the pool reconnects
 * on its own once the server is back, so the gateway recovers without a restart.
 */
const UNAVAILABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "PROTOCOL_CONNECTION_LOST",
  "PROTOCOL_SEQUENCE_TIMEOUT",
  "PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR",
  "PROTOCOL_ENQUEUE_AFTER_QUIT",
  "ER_SERVER_SHUTDOWN",
  "ER_CON_COUNT_ERROR",
  "ER_CONNECTION_KILLED",
  "ER_NORMAL_SHUTDOWN",
  "ER_CANT_CONNECT_TO_SERVER",
]);

interface ErrorShape {
  code?: unknown;
  fatal?: unknown;
  driverError?: unknown;
  originalError?: unknown;
  cause?: unknown;
}

/** Walks the wrappers (TypeORM's driverError, GraphQL's originalError, cause) looking for one. */
export function isDatabaseUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current !== null && typeof current === "object"; depth += 1) {
    const shape = current as ErrorShape;
    if (typeof shape.code === "string" && UNAVAILABLE_CODES.has(shape.code)) return true;
    // mysql2 marks errors after which the connection is unusable as fatal.
    if (shape.fatal === true) return true;
    if (current instanceof Error && /^Pool is closed|closed state/.test(current.message)) return true;
    current = shape.driverError ?? shape.originalError ?? shape.cause;
  }
  return false;
}

/** Rethrows a database-unreachable error as SERVICE_UNAVAILABLE (HTTP 503), anything else as it is. */
export function rethrowUnavailable(error: unknown): never {
  throw isDatabaseUnavailable(error) ? new ServiceUnavailableError() : error;
}
