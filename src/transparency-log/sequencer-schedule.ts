import { randomUUID } from "node:crypto";
import type { DataSource } from "typeorm";
import type { Logger } from "../logging/logger";
import { transparencyLeaves, transparencyMergeDelay, transparencySequencerBusy } from "../metrics/metrics";
import { sequenceOnce } from "./sequencer";

/** Leaves per pass: one transaction, short enough not to hold SQLite's one connection long. */
export const SEQUENCER_BATCH = 1000;

/**
 * Runs the sequencer in this instance: a pass every half merge delay, and passes back to back
 * while a full batch was waiting (catching up). Every instance runs it; the lease lets one
 * extend the tree at a time, and another takes over within a lease of it stopping. The lease
 * lasts five merge delays, at least ten seconds. Passes never overlap within an instance, and
 * `stop()` waits for the running one, so the database can be closed after it.
 */
export function scheduleSequencer(dataSource: DataSource, mergeDelayMs: number, logger: Logger): { stop(): Promise<void> } {
  const owner = randomUUID();
  const intervalMs = Math.max(20, Math.floor(mergeDelayMs / 2));
  const leaseMs = Math.max(10_000, mergeDelayMs * 5);
  let stopped = false;
  let running: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;

  const pass = async () => {
    try {
      for (;;) {
        const started = performance.now();
        const batch = await sequenceOnce(dataSource, owner, new Date(), { leaseMs, batchSize: SEQUENCER_BATCH });
        if (batch.appended > 0) {
          transparencySequencerBusy.inc((performance.now() - started) / 1000);
          transparencyLeaves.inc(batch.appended);
          for (const delay of batch.delaysMs) transparencyMergeDelay.observe(delay / 1000);
        }
        if (stopped || batch.appended < SEQUENCER_BATCH) return;
      }
    } catch (error) {
      logger.error("transparency_sequencer_failed", { errorName: error instanceof Error ? error.name : typeof error });
    }
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = pass().finally(() => {
        running = null;
        schedule();
      });
    }, intervalMs);
    timer.unref();
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
