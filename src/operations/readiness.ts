import { DataSource } from "typeorm";
import { DEADLINE_PASSED, withinDeadline } from "../common/deadline";
import { isGaleraNode } from "../common/galera-node";
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
  /** Galera only: the node's part in the cluster, and whether this instance's sessions read causally. */
  cluster?: ClusterReport;
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

/**
 * A Galera node decides nothing unless it is in the primary component, synced and accepting
 * queries: a node cut off from the majority, or still catching up after a restart, is not ready.
 * `causalReads` is what the probe's own pooled session holds (bit 1 of `wsrep_sync_wait`, set
 * by the gateway), so the report shows the setting every request runs with, not a configuration.
 */
export interface ClusterReport {
  ok: boolean;
  /** wsrep_cluster_status: `Primary` when this node is part of the majority. */
  clusterStatus: string;
  /** wsrep_local_state_comment: `Synced` when it has applied the cluster's writes. */
  localState: string;
  /** wsrep_ready: ON when the node accepts queries. */
  ready: string;
  causalReads: boolean;
}

async function clusterState(dataSource: DataSource): Promise<ClusterReport | undefined> {
  // SHOW statements are exempt from the causal wait, so these answer on a node that cannot sync.
  if (!(await isGaleraNode(dataSource))) return undefined;
  const rows = (await dataSource.query(
    "SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_cluster_status', 'wsrep_local_state_comment', 'wsrep_ready')",
  )) as Array<{ Variable_name: string; Value: unknown }>;
  const status = new Map(rows.map(row => [row.Variable_name.toLowerCase(), String(row.Value)]));
  const report = {
    clusterStatus: status.get("wsrep_cluster_status") ?? "unknown",
    localState: status.get("wsrep_local_state_comment") ?? "unknown",
    ready: status.get("wsrep_ready") ?? "unknown",
  };
  const ok = report.clusterStatus === "Primary" && report.localState === "Synced" && report.ready === "ON";
  // Only a node that can sync answers this (a SELECT waits for causality).
  const [wait] = ok ? (await dataSource.query("SELECT @@SESSION.wsrep_sync_wait AS syncWait")) as Array<{ syncWait: unknown }> : [{ syncWait: 0 }];
  return { ok, ...report, causalReads: (Number(wait.syncWait) & 1) === 1 };
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
 * with REDIS_URL, the quota store) is unreachable or migrations are pending, on a Galera node
 * outside the primary component or not synced, and once shutdown has begun. Weak durability settings are reported, not made red: the data already written is
 * no safer with the instance out.
 */
export function createReadinessCheck(dataSource: DataSource, isDraining: () => boolean, quotas: QuotaStoreProbe | null) {
  // Applied migrations stay applied; once seen, only reachability is probed.
  let migrationsApplied = false;
  return async function checkReadiness(): Promise<ReadinessReport> {
    if (isDraining()) return { status: "draining", database: "unknown", migrations: "unknown" };
    try {
      return await withTimeout((async (): Promise<ReadinessReport> => {
        const cluster = dataSource.options.type === "mysql" ? await clusterState(dataSource) : undefined;
        if (cluster && !cluster.ok) return { status: "unavailable", database: "reachable", migrations: migrationsApplied ? "applied" : "unknown", cluster };
        await dataSource.query("SELECT 1");
        if (!migrationsApplied) migrationsApplied = !(await dataSource.showMigrations());
        const report: ReadinessReport = {
          status: migrationsApplied ? "ready" : "unavailable",
          database: "reachable",
          migrations: migrationsApplied ? "applied" : "pending",
        };
        if (dataSource.options.type === "mysql") report.durability = await durability(dataSource);
        if (cluster) report.cluster = cluster;
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
