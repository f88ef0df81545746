import Redis from "ioredis";
import { CounterStore } from "./counter-store";

/** Counters in Redis (REDIS_URL), shared by every gateway instance; keys carry REDIS_KEY_PREFIX. */
export class RedisCounterStore implements CounterStore {
  private constructor(private readonly redis: Redis, private readonly prefix: string) {}

  static async connect(url: string, prefix: string): Promise<RedisCounterStore> {
    // No offline queue and one retry: when Redis is away a quota check fails at once (closed),
    // instead of holding requests until it returns.
    const redis = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    await redis.connect();
    return new RedisCounterStore(redis, prefix);
  }

  async consume(key: string, amount: number, limit: number, ttlMs: number): Promise<boolean> {
    const name = this.prefix + key;
    // The window starts (with its expiry) at the first add; later adds only increment.
    const results = await this.redis.multi().set(name, 0, "PX", ttlMs, "NX").incrby(name, amount).exec();
    const [error, total] = results?.[1] ?? [new Error("no reply from Redis"), 0];
    if (error) throw error;
    if (Number(total) <= limit) return true;
    // Over the limit: take the amount back, so the counter holds only what was admitted.
    await this.redis.decrby(name, amount);
    return false;
  }

  async read(key: string): Promise<number> {
    return Number((await this.redis.get(this.prefix + key)) ?? 0);
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
