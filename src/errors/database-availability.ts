import { ServiceUnavailableError } from "./gateway-error";

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
  // 1047: a Galera node outside the primary component ("WSREP has not yet prepared node for
  // application use") refuses every statement until it rejoins.
  "ER_UNKNOWN_COM_ERROR",
  // 1180: the commit itself failed (a Galera node that lost the primary component mid-commit):
  // like a connection lost at commit, it may or may not have committed; the client retries.
  "ER_ERROR_DURING_COMMIT",
]);

interface ErrorShape {
  code?: unknown;
  fatal?: unknown;
  errno?: unknown;
  sqlState?: unknown;
  driverError?: unknown;
  originalError?: unknown;
  cause?: unknown;
}

/** Walks the wrappers (TypeORM's driverError, GraphQL's originalError, cause) for the first that matches. */
function firstInChain(error: unknown, matches: (shape: ErrorShape, current: object) => boolean): ErrorShape | null {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current !== null && typeof current === "object"; depth += 1) {
    const shape = current as ErrorShape;
    if (matches(shape, current)) return shape;
    current = shape.driverError ?? shape.originalError ?? shape.cause;
  }
  return null;
}

function anyInChain(error: unknown, matches: (shape: ErrorShape, current: object) => boolean): boolean {
  return firstInChain(error, matches) !== null;
}

export function isDatabaseUnavailable(error: unknown): boolean {
  return anyInChain(error, (shape, current) =>
    (typeof shape.code === "string" && UNAVAILABLE_CODES.has(shape.code)) ||
    // mysql2 marks errors after which the connection is unusable as fatal.
    shape.fatal === true ||
    (current instanceof Error && /^Pool is closed|closed state/.test(current.message)));
}

/**
 * InnoDB gave up on a row lock: a deadlock (1213; InnoDB rolled the transaction back) or a lock
 * wait timeout (1205; the transaction wrapper rolls back). Galera reports a certification
 * conflict with a write committed on another node as a deadlock, and a causal read that could
 * not sync in time as a lock-wait timeout. src/database re-runs such transactions a few times
 * before the conflict reaches here. Nothing of that transaction was kept
 * and the same request normally goes through when sent again, so it is retryable like an outage,
 * not an internal error. The gateway's writers lock in one order (the application, then its
 * leads, then its consents) so this stays rare; it can still happen with an outside writer or
 * a range lock, and a client must never see it as a 500. SQLite's SQLITE_BUSY and SQLITE_LOCKED
 * (another process, a command such as `npm run retention`, holding the file past the busy
 * timeout) are the same kind of refusal.
 */
const LOCK_CONFLICT_CODES = new Set(["ER_LOCK_DEADLOCK", "ER_LOCK_WAIT_TIMEOUT", "SQLITE_BUSY", "SQLITE_LOCKED"]);

export function isLockConflict(error: unknown): boolean {
  return anyInChain(error, shape => typeof shape.code === "string" && LOCK_CONFLICT_CODES.has(shape.code));
}

/** Rethrows a database-unreachable error or a lock conflict as SERVICE_UNAVAILABLE (HTTP 503), anything else as it is. */
export function rethrowUnavailable(error: unknown): never {
  throw isDatabaseUnavailable(error) || isLockConflict(error) ? new ServiceUnavailableError() : error;
}

/**
 * What an operator needs to tell one database failure from another, and nothing that could hold a
 * value: the driver's error code (`ER_TRUNCATED_WRONG_VALUE_FOR_FIELD`, `SQLITE_CONSTRAINT_TRIGGER`),
 * MySQL's error number and SQL state. Never the message or the SQL: they echo parameters.
 */
export function databaseErrorCodes(error: unknown): { driverCode?: string; errno?: number; sqlState?: string } {
  const coded = firstInChain(error, shape => typeof shape.code === "string" && /^[A-Z][A-Z0-9_]*$/.test(shape.code));
  if (coded === null) return {};
  return {
    driverCode: coded.code as string,
    ...(typeof coded.errno === "number" ? { errno: coded.errno } : {}),
    ...(typeof coded.sqlState === "string" && /^[0-9A-Z]{5}$/.test(coded.sqlState) ? { sqlState: coded.sqlState } : {}),
  };
}
