/**
 * Fixed-window counters shared by every gateway instance that uses the same store. Callers put
 * the window in the key (`reads:<lender>:2026-11-30`); a counter disappears after `ttlMs`.
 */
export interface CounterStore {
  /**
   * Atomically adds `amount` when the total stays within `limit` and answers the new total, read
   * in the same statement (what is left for the RateLimit header costs no second round trip);
   * otherwise counts nothing and answers null.
   */
  consume(key: string, amount: number, limit: number, ttlMs: number, now: Date): Promise<number | null>;
  /** The current total, 0 when the counter does not exist. */
  read(key: string, now: Date): Promise<number>;
  /** Throws when a store outside the database cannot be reached; absent for the database's own. */
  ping?(): Promise<void>;
  close(): Promise<void>;
}
