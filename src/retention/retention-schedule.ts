import { DataSource } from "typeorm";
import type { Logger } from "../logging/logger";
import { runRetention } from "./retention.service";

export interface RetentionScheduleSettings {
  /** Minutes between runs. */
  intervalMinutes: number;
  retentionDays: number;
  applicationOpenDays: number;
  /**
   * Milliseconds from start to the first run; default a random 0–60 s, so instances started
   * together do not all run at the same moment.
   */
  firstRunDelayMs?: number;
}

const MAX_FIRST_RUN_DELAY_MS = 60_000;

/**
 * Runs retention shortly after start and then every `intervalMinutes` inside the server. The
 * first run matters: with an interval of a day and deploys more often than that, an interval
 * alone would never fire. Several gateway instances may all run it: an expiry is written only
 * while the consent is still stored ACTIVE, a closing only while the application is still
 * SUBMITTED and idle, and each erasure first asks again, in its own transaction, whether the
 * subject is still due, so a run does not undo what happened after it selected (a returning
 * applicant's new application). Erasure is idempotent, but two runs erasing the same subject at
 * the same moment may both count it. The timers never keep the process alive.
 */
export function scheduleRetention(dataSource: DataSource, settings: RetentionScheduleSettings, logger: Logger): { stop(): void } {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const report = await runRetention(dataSource, new Date(), settings.retentionDays, settings.applicationOpenDays);
      logger.info("retention_run", { ...report });
    } catch (error) {
      logger.error("retention_failed", { errorName: error instanceof Error ? error.name : typeof error });
    } finally {
      running = false;
    }
  };
  const firstRunDelayMs = settings.firstRunDelayMs ?? Math.floor(Math.random() * MAX_FIRST_RUN_DELAY_MS);
  const firstRun = setTimeout(() => void tick(), firstRunDelayMs);
  firstRun.unref();
  const timer = setInterval(() => void tick(), settings.intervalMinutes * 60_000);
  timer.unref();
  return {
    stop: () => {
      clearTimeout(firstRun);
      clearInterval(timer);
    },
  };
}
