import { DataSource } from "typeorm";
import type { Logger } from "../logging/logger";
import type { RunningGateway } from "../server";

/** Milliseconds allowed for closing the database pool once the HTTP server has drained. */
const POOL_CLOSE_TIMEOUT_MS = 5000;

export interface ShutdownParts {
  gateway: RunningGateway;
  dataSource: DataSource;
  logger: Logger;
  /** SHUTDOWN_GRACE_SECONDS: how long in-flight requests may take to finish. */
  graceSeconds: number;
  /** Other work to stop before the pool closes (timers, jobs). */
  beforePoolClose?: () => Promise<void> | void;
}

function bounded(work: Promise<unknown>, ms: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([work, new Promise(resolve => (timer = setTimeout(resolve, ms)))]).finally(() => clearTimeout(timer));
}

/**
 * SIGTERM/SIGINT: /readyz turns red, the server stops accepting, in-flight requests finish
 * (bounded by the grace period), the pool closes, the process exits 0. A second signal while
 * draining exits at once with 1, for an operator who does not want to wait.
 */
export function installGracefulShutdown(parts: ShutdownParts): void {
  let stopping = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (stopping) {
      parts.logger.warn("gateway_forced_stop", { signal });
      process.exit(1);
    }
    stopping = true;
    parts.logger.info("gateway_stopping", { signal, graceSeconds: parts.graceSeconds });
    try {
      await parts.gateway.stop(parts.graceSeconds * 1000);
      await parts.beforePoolClose?.();
      await bounded(parts.dataSource.destroy(), POOL_CLOSE_TIMEOUT_MS);
      parts.logger.info("gateway_stopped", { signal });
      process.exit(0);
    } catch (error) {
      parts.logger.error("gateway_stop_failed", { errorName: error instanceof Error ? error.name : typeof error });
      process.exit(1);
    }
  };
  process.on("SIGTERM", signal => void shutdown(signal));
  process.on("SIGINT", signal => void shutdown(signal));
}
