import { randomUUID } from "node:crypto";
import type { DataSource } from "typeorm";
import { type PassSchedule, schedulePasses } from "../common/pass-schedule";
import type { Logger } from "../logging/logger";
import { transparencyBacklogAge, transparencyLeaves, transparencyMergeDelay, transparencySequencerBusy, transparencySequencerFailures, transparencyUnreadableRecords } from "../metrics/metrics";
import { releaseLease, sequenceOnce } from "./sequencer";
import { databaseErrorCodes } from "../errors/database-availability";

/**
 * Leaves per pass: one transaction. Under load a pass waits its turn for the database behind the
 * requests' statements (on SQLite, one connection), so a pass must carry enough to keep up:
 * measured on SQLite with 5,500 records written a second, passes of 500 came every ~170 ms and
 * fell behind (merge delay p99 10 s); passes of 2,000 keep it under a second. better-sqlite3
 * runs statements synchronously, so such a pass holds the event loop some 80 ms: SQLite keeps
 * 2,000. On MySQL a pass waits on the server, not the event loop, and its fixed costs (the head,
 * the stored root, the commit) are shared by more leaves: passes of 5,000 kept up with 7,600
 * records a second on MariaDB (capacity 10,700 a second, merge delay p99 ≤ 2 s) where 2,000 did
 * not (7,950 at 8,190 written, p99 ≤ 5 s). Measured in bench/README.md.
 */
function sequencerBatch(dataSource: DataSource): number {
  return dataSource.options.type === "mysql" ? 5000 : 2000;
}

/**
 * Runs the sequencer in this instance: a pass every half merge delay, and passes back to back
 * while a full batch was waiting (catching up). Every instance runs it; the lease lets one
 * extend the tree at a time, and another takes over within a lease of it dying (an instance
 * that stops releases it). The lease lasts five merge delays, at least ten seconds. Passes
 * never overlap within an instance, and yield to other work between them while catching up;
 * `stop()` waits for the running one, so the database can be closed after it.
 */
export function scheduleSequencer(dataSource: DataSource, mergeDelayMs: number, logger: Logger): PassSchedule {
  const owner = randomUUID();
  const intervalMs = Math.max(20, Math.floor(mergeDelayMs / 2));
  const leaseMs = Math.max(10_000, mergeDelayMs * 5);
  const batchSize = sequencerBatch(dataSource);
  const passes = schedulePasses(intervalMs, async () => {
    try {
      const started = performance.now();
      const batch = await sequenceOnce(dataSource, owner, new Date(), { leaseMs, batchSize });
      if (batch.leader) transparencyBacklogAge.set(batch.backlogAgeMs / 1000);
      if (batch.appended > 0) {
        transparencySequencerBusy.inc((performance.now() - started) / 1000);
        transparencyLeaves.inc(batch.appended);
        for (const delay of batch.delaysMs) transparencyMergeDelay.observe(delay / 1000);
      }
      if (batch.unreadable > 0) {
        // A record edited behind the gateway's back: its leaf says so, and an operator should know.
        transparencyUnreadableRecords.inc(batch.unreadable);
        logger.error("transparency_unreadable_records", { count: batch.unreadable });
      }
      return { more: batch.appended >= batchSize };
    } catch (error) {
      transparencySequencerFailures.inc();
      logger.error("transparency_sequencer_failed", { errorName: error instanceof Error ? error.name : typeof error, ...databaseErrorCodes(error) });
      return { more: false };
    }
  });
  return {
    async stop() {
      await passes.stop();
      await releaseLease(dataSource, owner).catch(() => undefined);
    },
  };
}
