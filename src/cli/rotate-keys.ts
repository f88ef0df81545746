import "reflect-metadata";
import { ConfigError, loadConfig } from "../config";
import { openDatabase } from "../database/open-database";
import { DecryptionError } from "../privacy/encryption";
import { rotateKeys } from "../privacy/key-rotation";
import { rotateWebhookSecrets } from "../privacy/webhook-secret-store";

/**
 * `npm run rotate-keys [-- --after <applicantId>] [--batch-size N]`: re-seals every identity
 * value, then every webhook signing secret, under PII_ENCRYPTION_KEY; the previous keys must be listed in PII_ENCRYPTION_KEYS_OLD.
 * Prints a JSON line per batch (counts and the last id, never values) and a final report.
 */
function argument(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index === -1 ? undefined : process.argv[index + 1];
}

async function main(): Promise<void> {
  const config = loadConfig();
  const batchSize = Number(argument("--batch-size") ?? 200);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) throw new ConfigError("--batch-size must be 1 to 10000");
  const dataSource = await openDatabase(config.database);
  try {
    const report = await rotateKeys(dataSource, config.piiKeyring, {
      batchSize,
      after: argument("--after") ?? null,
      onBatch: progress => process.stdout.write(JSON.stringify({ event: "rotate_keys_batch", ...progress }) + "\n"),
    });
    process.stdout.write(JSON.stringify({ event: "rotate_keys_done", ...report }) + "\n");
    // Webhook signing secrets are sealed with the same keys: moved too, or they would be lost with the old key.
    const webhooks = await rotateWebhookSecrets(dataSource, config.piiKeyring);
    process.stdout.write(JSON.stringify({ event: "rotate_keys_webhook_secrets_done", ...webhooks }) + "\n");
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  // Decryption errors name the problem (unknown key), never the value.
  const message = error instanceof DecryptionError || error instanceof ConfigError ? error.message : error instanceof Error ? error.name : "unknown error";
  process.stderr.write(JSON.stringify({ level: "error", event: "rotate_keys_failed", message }) + "\n");
  process.exit(1);
});
