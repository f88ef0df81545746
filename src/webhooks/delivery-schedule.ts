import { randomUUID } from "node:crypto";
import type { DataSource } from "typeorm";
import { type PassSchedule, schedulePasses } from "../common/pass-schedule";
import type { Logger } from "../logging/logger";
import { webhookDeliveryPassFailures } from "../metrics/metrics";
import type { PiiKeyring } from "../privacy/encryption";
import { DELIVERY_BATCH, type WebhookSettings, deliverDue } from "./delivery";

/**
 * Runs webhook delivery in this instance: a pass every WEBHOOK_POLL_SECONDS, and passes back to back
 * while a full batch was due. Every instance runs it; the per-row lease keeps two instances from
 * attempting one delivery at once. Passes never overlap within an instance; `stop()` waits for
 * the running one (its attempts end within the attempt timeout), so the database can be closed
 * after it. Nothing logged names a lender, a URL or a payload.
 */
export function scheduleWebhookDelivery(dataSource: DataSource, settings: WebhookSettings, keyring: PiiKeyring, logger: Logger): PassSchedule {
  const owner = randomUUID();
  return schedulePasses(settings.pollMs, async () => {
    try {
      const done = await deliverDue(dataSource, owner, settings, keyring, new Date());
      return { more: done.attempted >= DELIVERY_BATCH };
    } catch (error) {
      webhookDeliveryPassFailures.inc();
      logger.error("webhook_delivery_failed", { errorName: error instanceof Error ? error.name : typeof error });
      return { more: false };
    }
  });
}
