import { DataSource } from "typeorm";
import { DEADLINE_PASSED, withinDeadline } from "../common/deadline";
import { databaseUnavailable } from "../metrics/metrics";

/** Milliseconds a readiness probe waits for the database before calling it unreachable. */
export const READINESS_TIMEOUT_MS = 2000;

/**
 * The MySQL settings without which a committed transaction can be lost in a crash: the redo log
 * flushed at every commit, and the binary log synced at every commit.
 */
export interface DurabilityReport {
  ok: boolean;
  innodbFlushLogAtTrxCommit: string;
  syncBinlog: string;
}

export interface ReadinessReport {
  status: "ready" | "unavailable" | "draining";
  database: "reachable" | "unreachable" | "unknown";
  migrations: "applied" | "pending" | "unknown";
  /** MySQL only; present and `ok: false` when the settings above are not 1. */
  durability?: DurabilityReport;
  /** Only with REDIS_URL: the quota counters' store. Lender requests fail while it is unreachable. */
  quotaStore?: "reachable" | "unreachable";
}

/** The quota counters' store as readiness sees it (src/quotas' service, handed in by the server). */
export interface QuotaStoreProbe {
  /** True when the counters live outside the database (Redis): then they are probed too. */
  readonly usesExternalStore: boolean;
  /** Throws when that store cannot be reached. */
  checkStore(): Promise<void>;
}

/** Rejects when `work` takes longer than `ms`: a probe that does not answer counts as unreachable. */
async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  const result = await withinDeadline(work, ms);
  if (result === DEADLINE_PASSED) throw new Error("readiness probe timed out");
  return result;
}

async function durability(dataSource: DataSource): Promise<DurabilityReport> {
  const [row] = (await dataSource.query(
    "SELECT @@GLOBAL.innodb_flush_log_at_trx_commit AS flushLog, @@GLOBAL.sync_binlog AS syncBinlog",
  )) as Array<{ flushLog: unknown; syncBinlog: unknown }>;
  const innodbFlushLogAtTrxCommit = String(row.flushLog);
  const syncBinlog = String(row.syncBinlog);
  return { ok: innodbFlushLogAtTrxCommit === "1" && syncBinlog === "1", innodbFlushLogAtTrxCommit, syncBinlog };
}

/**
 * Answers /readyz: may a load balancer send this instance traffic? Red while the database (or,
 * with REDIS_URL, the quota store) is unreachable or migrations are pending, and once shutdown
 * has begun. Weak durability settings are reported, not made red: the data already written is
 * no safer with the instance out.
 */
export function createReadinessCheck(dataSource: DataSource, isDraining: () => boolean, quotas: QuotaStoreProbe | null) {
  // Applied migrations stay applied; once seen, only reachability is probed.
  let migrationsApplied = false;
  return async function checkReadiness(): Promise<ReadinessReport> {
    if (isDraining()) return { status: "draining", database: "unknown", migrations: "unknown" };
    try {
      return await withTimeout((async (): Promise<ReadinessReport> => {
        await dataSource.query("SELECT 1");
        if (!migrationsApplied) migrationsApplied = !(await dataSource.showMigrations());
        const report: ReadinessReport = {
          status: migrationsApplied ? "ready" : "unavailable",
          database: "reachable",
          migrations: migrationsApplied ? "applied" : "pending",
        };
        if (dataSource.options.type === "mysql") report.durability = await durability(dataSource);
        if (quotas?.usesExternalStore) {
          try {
            await quotas.checkStore();
            report.quotaStore = "reachable";
          } catch {
            report.quotaStore = "unreachable";
            report.status = "unavailable";
          }
        }
        return report;
      })(), READINESS_TIMEOUT_MS);
    } catch {
      databaseUnavailable.inc();
      return { status: "unavailable", database: "unreachable", migrations: migrationsApplied ? "applied" : "unknown" };
    }
  };
}
