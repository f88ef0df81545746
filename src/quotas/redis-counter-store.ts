import Redis from "ioredis";
import { ServiceUnavailableError } from "../errors/gateway-error";
import type { Logger } from "../logging/logger";
import type { CounterStore } from "./counter-store";

/** An unreachable Redis is logged at most this often (ioredis retries, and errs, every few seconds). */
const ERROR_LOG_INTERVAL_MS = 30_000;

/** Counters in Redis (REDIS_URL), shared by every gateway instance; keys carry REDIS_KEY_PREFIX. */
export class RedisCounterStore implements CounterStore {
  private constructor(private readonly redis: Redis, private readonly prefix: string) {}

  static async connect(url: string, prefix: string, logger: Logger): Promise<RedisCounterStore> {
    // No offline queue and one retry: when Redis is away a quota check fails at once (closed),
    // instead of holding requests until it returns. ioredis keeps reconnecting on its own.
    const redis = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    // Without a listener ioredis prints every reconnection error to stderr, outside the log.
    let lastLogged = 0;
    redis.on("error", (error: NodeJS.ErrnoException) => {
      if (Date.now() - lastLogged < ERROR_LOG_INTERVAL_MS) return;
      lastLogged = Date.now();
      logger.warn("quota_store_unreachable", { store: "redis", code: error.code ?? error.name });
    });
    await redis.connect();
    return new RedisCounterStore(redis, prefix);
  }

  async consume(key: string, amount: number, limit: number, ttlMs: number): Promise<number | null> {
    const name = this.prefix + key;
    return available(async () => {
      // The window starts (with its expiry) at the first add; later adds only increment.
      const results = await this.redis.multi().set(name, 0, "PX", ttlMs, "NX").incrby(name, amount).exec();
      const [error, total] = results?.[1] ?? [new Error("no reply from Redis"), 0];
      if (error) throw error;
      if (Number(total) <= limit) return Number(total);
      // Over the limit: take the amount back, so the counter holds only what was admitted.
      await this.redis.decrby(name, amount);
      return null;
    });
  }

  async read(key: string): Promise<number> {
    return available(async () => Number((await this.redis.get(this.prefix + key)) ?? 0));
  }

  async ping(): Promise<void> {
    await available(() => this.redis.ping());
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/**
 * Quotas fail closed, and retryably: while Redis cannot answer, a lender request gets
 * SERVICE_UNAVAILABLE (HTTP 503, like a database outage), not an internal error.
 */
async function available<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch {
    throw new ServiceUnavailableError();
  }
}
