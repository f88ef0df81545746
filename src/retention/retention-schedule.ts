import { DataSource } from "typeorm";
import { Logger } from "../logger";
import { runRetention } from "./retention.service";

/**
 * Runs retention every `intervalMinutes` inside the server. Several gateway instances may all
 * run it: an expiry is written only while the consent is still stored ACTIVE, and each erasure
 * first asks again, in its own transaction, whether the subject is still due, so a run does not
 * undo what happened after it selected (a returning applicant's new application). Erasure is
 * idempotent, but two runs erasing the same subject at the same moment may both count it.
 * The timer never keeps the process alive.
 */
export function scheduleRetention(dataSource: DataSource, intervalMinutes: number, retentionDays: number, logger: Logger): { stop(): void } {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      logger.info("retention_run", { ...(await runRetention(dataSource, new Date(), retentionDays)) });
    } catch (error) {
      logger.error("retention_failed", { errorName: error instanceof Error ? error.name : typeof error });
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), intervalMinutes * 60_000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
