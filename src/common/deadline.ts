import { AsyncLocalStorage } from "node:async_hooks";

export const DEADLINE_PASSED = Symbol("deadline passed");

/**
 * The work's result, or DEADLINE_PASSED if it takes longer than `ms`. The work is not cancelled;
 * a late failure of it is absorbed by the race (no unhandled rejection).
 */
export async function withinDeadline<T>(work: Promise<T>, ms: number): Promise<T | typeof DEADLINE_PASSED> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<typeof DEADLINE_PASSED>(resolve => {
    timer = setTimeout(() => resolve(DEADLINE_PASSED), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** What code deep in a request (a transaction being retried) may know of the request it serves. */
export interface RequestScope {
  /** Epoch milliseconds at which the request is answered SERVICE_UNAVAILABLE whatever happens. */
  readonly deadlineAt: number;
  /** The operation as metrics label it (the root field), read when needed: it is known only once parsed. */
  operation(): string;
}

const requestScope = new AsyncLocalStorage<RequestScope>();

/** Runs a request's work with its scope visible to everything it awaits. */
export function runWithinRequest<T>(scope: RequestScope, work: () => T): T {
  return requestScope.run(scope, work);
}

/** The scope of the request being served; undefined outside one (a background job, a command). */
export function currentRequest(): RequestScope | undefined {
  return requestScope.getStore();
}
