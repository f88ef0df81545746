import { DataSource, LessThan, MoreThan } from "typeorm";
import type { CounterStore } from "./counter-store";
import { QuotaCounter } from "../model/quota-counter.entity";
import { isDatabaseUnavailable, isLockConflict } from "../errors/database-availability";

/** Milliseconds between sweeps of ended windows. */
const SWEEP_INTERVAL_MS = 10 * 60_000;

/**
 * Counters in the `quota_counters` table, the default. The common case is one statement: a
 * conditional `UPDATE … SET count = count + :amount WHERE key AND count + :amount <= :limit`,
 * atomic on both drivers. When it changes nothing, the window is new (the INSERT succeeds) or
 * full (the INSERT collides, and a retried UPDATE tells a full counter from a racing insert).
 */
export class DatabaseCounterStore implements CounterStore {
  private readonly sweeper: NodeJS.Timeout;
  private conditionalAddSql: string | undefined;

  constructor(private readonly dataSource: DataSource) {
    // Ended windows are deleted in the background, not on a request's bill.
    this.sweeper = setInterval(() => void this.sweep(), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  async consume(key: string, amount: number, limit: number, ttlMs: number, now: Date): Promise<number | null> {
    const added = await this.conditionalAdd(key, amount, limit);
    if (added !== null) return added;
    if (amount > limit) return null;
    try {
      await this.repository().insert({ key, count: amount, expiresAt: new Date(now.getTime() + ttlMs) });
      return amount;
    } catch (error) {
      // A collision means another request (or another Galera node) made the window's row: add
      // to it. A conflict or an outage is not "full": answering 429 for it would be a lie.
      if (isLockConflict(error) || isDatabaseUnavailable(error)) throw error;
      return this.conditionalAdd(key, amount, limit);
    }
  }

  /** Deletes counters whose window has ended; the next sweep retries a failed one. */
  async sweep(now = new Date()): Promise<void> {
    await this.repository().delete({ expiresAt: LessThan(now) }).catch(() => undefined);
  }

  async read(key: string, now: Date): Promise<number> {
    const row = await this.repository().findOneBy({ key, expiresAt: MoreThan(now) });
    return row?.count ?? 0;
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
  }

  private repository() {
    return this.dataSource.getRepository(QuotaCounter);
  }

  /**
   * The new total when the add fitted, else null; one statement either way. SQLite answers the
   * total with RETURNING; MySQL and MariaDB (no RETURNING on UPDATE) through LAST_INSERT_ID(expr),
   * which the server hands back in the statement's OK packet as its insert id.
   */
  private async conditionalAdd(key: string, amount: number, limit: number): Promise<number | null> {
    const mysql = this.dataSource.options.type === "mysql";
    // Plain SQL with bound parameters, built once: TypeORM's update builder cost more than the
    // statement on every lender request (profiled with `npm run bench`).
    this.conditionalAddSql ??= (() => {
      const metadata = this.dataSource.getMetadata(QuotaCounter);
      const escape = (name: string) => this.dataSource.driver.escape(name);
      const count = escape(metadata.findColumnWithPropertyName("count")!.databaseName);
      const key = escape(metadata.findColumnWithPropertyName("key")!.databaseName);
      const added = mysql ? `LAST_INSERT_ID(${count} + ?)` : `${count} + ?`;
      return `UPDATE ${escape(metadata.tableName)} SET ${count} = ${added} WHERE ${key} = ? AND ${count} + ? <= ?` + (mysql ? "" : ` RETURNING ${count} AS total`);
    })();
    const runner = this.dataSource.createQueryRunner();
    try {
      const result = await runner.query(this.conditionalAddSql, [amount, key, amount, limit], true);
      if (mysql) return (result.affected ?? 0) > 0 ? Number((result.raw as { insertId: number | string }).insertId) : null;
      const rows = (result.records ?? []) as Array<{ total: number | string }>;
      return rows.length > 0 ? Number(rows[0].total) : null;
    } finally {
      await runner.release();
    }
  }
}
