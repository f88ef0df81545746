import { DataSource } from "typeorm";
import type { Principal } from "../model/principal";
import type { SecurityConfig } from "../config";
import type { Lender } from "../model/lender.entity";
import type { Logger } from "../logging/logger";
import type { CounterStore } from "./counter-store";
import { DatabaseCounterStore } from "./database-counter-store";
import { QuotaReason, RateLimitedError } from "../errors/rate-limited.error";
import { RedisCounterStore } from "./redis-counter-store";

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** `2026-11-30`: read budgets are per UTC day. */
function utcDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/** A lender key's request quota in the current window, as the RateLimit header fields state it. */
export interface RequestQuota {
  /** Requests per window (LENDER_REQUESTS_PER_MINUTE). */
  limit: number;
  windowSeconds: number;
  /** Requests left in this window after this one. */
  remaining: number;
  /** Seconds until the window ends and the quota is whole again. */
  resetSeconds: number;
}

/**
 * The RateLimit-Policy and RateLimit header fields (IETF httpapi draft "RateLimit header fields
 * for HTTP", structured-field lists of quota policy items): one policy, a fixed window per key.
 */
export function rateLimitHeaders(quota: RequestQuota): Record<string, string> {
  return {
    "ratelimit-policy": `"lender";q=${quota.limit};w=${quota.windowSeconds}`,
    ratelimit: `"lender";r=${quota.remaining};t=${quota.resetSeconds}`,
  };
}

/**
 * Per-lender quotas: a request rate per API key and a daily budget of granted identity reads
 * per lender, counted per applicant field read (one per application and field in a response),
 * so neither aliases nor batching nor several keys of one lender stretch it.
 */
export class QuotaService {
  private constructor(
    private readonly store: CounterStore,
    private readonly security: SecurityConfig,
    private readonly logger: Logger,
  ) {}

  static async start(security: SecurityConfig, dataSource: DataSource, logger: Logger): Promise<QuotaService> {
    const store = security.redisUrl
      ? await RedisCounterStore.connect(security.redisUrl, security.redisKeyPrefix, logger)
      : new DatabaseCounterStore(dataSource);
    return new QuotaService(store, security, logger);
  }

  /**
   * Counts one request of a lender key; refuses it (HTTP 429) past the per-minute rate. Answers
   * the key's quota after this request (null for other principals), from the same statement that
   * counted it, for the RateLimit header fields.
   */
  async admitRequest(principal: Principal, now: Date): Promise<RequestQuota | null> {
    if (principal.kind !== "lender") return null;
    const window = Math.floor(now.getTime() / MINUTE_MS);
    const limit = this.security.lenderRequestsPerMinute;
    const resetSeconds = Math.ceil(((window + 1) * MINUTE_MS - now.getTime()) / 1000);
    const used = await this.store.consume(`rate:${principal.credential.id}:${window}`, 1, limit, 2 * MINUTE_MS, now);
    if (used === null) {
      this.logger.warn("rate_limited", { reason: QuotaReason.REQUEST_RATE, lenderId: principal.lender.id, credential: principal.credential.kind, credentialId: principal.credential.id });
      throw new RateLimitedError(QuotaReason.REQUEST_RATE, resetSeconds, 429);
    }
    return { limit, windowSeconds: MINUTE_MS / 1000, remaining: Math.max(0, limit - used), resetSeconds };
  }

  /** The quota of a key whose request was just refused: nothing left until the window ends. */
  exhaustedRequestQuota(error: RateLimitedError): RequestQuota {
    return { limit: this.security.lenderRequestsPerMinute, windowSeconds: MINUTE_MS / 1000, remaining: 0, resetSeconds: error.retryAfterSeconds };
  }

  /** The lender's budget: its own when an admin set one, else the default. */
  dailyBudgetOf(lender: Pick<Lender, "dailyReadBudget">): number {
    return lender.dailyReadBudget ?? this.security.defaultDailyReadBudget;
  }

  /**
   * Charges `reads` identity reads the access rule would grant, before any is released. A batch
   * that does not fit in what is left of the budget is refused whole and not counted.
   */
  async chargeIdentityReads(lender: Pick<Lender, "id" | "dailyReadBudget">, reads: number, now: Date): Promise<void> {
    if (reads === 0) return;
    const key = `reads:${lender.id}:${utcDay(now)}`;
    const budget = this.dailyBudgetOf(lender);
    if ((await this.store.consume(key, reads, budget, 2 * DAY_MS, now)) === null) {
      this.logger.warn("rate_limited", { reason: QuotaReason.DAILY_READ_BUDGET, lenderId: lender.id, budget, refusedReads: reads });
      const nextDay = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
      throw new RateLimitedError(QuotaReason.DAILY_READ_BUDGET, Math.ceil((nextDay - now.getTime()) / 1000));
    }
  }

  /** A lender found by the anomaly query: logged, so log-based alerting sees it. */
  noteAnomaly(anomaly: { lender: { id: string }; deniedReads: number; applications: number }): void {
    this.logger.warn("lender_anomaly", { lenderId: anomaly.lender.id, deniedReads: anomaly.deniedReads, applications: anomaly.applications });
  }

  /** True with REDIS_URL: the counters live outside the database, and readiness checks them too. */
  get usesExternalStore(): boolean {
    return this.store.ping !== undefined;
  }

  /** Throws when the counter store cannot be reached (Redis); the database's own is checked with it. */
  async checkStore(): Promise<void> {
    await this.store.ping?.();
  }

  readsToday(lenderId: string, now: Date): Promise<number> {
    return this.store.read(`reads:${lenderId}:${utcDay(now)}`, now);
  }

  close(): Promise<void> {
    return this.store.close();
  }
}
