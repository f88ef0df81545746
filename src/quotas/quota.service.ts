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

  /** Counts one request of a lender key; refuses it (HTTP 429) past the per-minute rate. */
  async admitRequest(principal: Principal, now: Date): Promise<void> {
    if (principal.kind !== "lender") return;
    const window = Math.floor(now.getTime() / MINUTE_MS);
    const admitted = await this.store.consume(`rate:${principal.credential.id}:${window}`, 1, this.security.lenderRequestsPerMinute, 2 * MINUTE_MS, now);
    if (!admitted) {
      this.logger.warn("rate_limited", { reason: QuotaReason.REQUEST_RATE, lenderId: principal.lender.id, credential: principal.credential.kind, credentialId: principal.credential.id });
      throw new RateLimitedError(QuotaReason.REQUEST_RATE, Math.ceil(((window + 1) * MINUTE_MS - now.getTime()) / 1000), 429);
    }
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
    if (!(await this.store.consume(key, reads, budget, 2 * DAY_MS, now))) {
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
