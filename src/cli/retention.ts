import "reflect-metadata";
import { ConfigError, loadConfig } from "../config";
import { openDatabase } from "../database/open-database";
import { runRetention } from "../retention/retention.service";

/** `npm run retention` (compiled: `npm run retention:dist`): one run now; prints its report as one JSON line. */
async function main(): Promise<void> {
  const config = loadConfig();
  const dataSource = await openDatabase(config.database);
  try {
    const report = await runRetention(dataSource, new Date(), config.retentionDays, config.applicationOpenDays);
    process.stdout.write(JSON.stringify({ event: "retention_run", ...report }) + "\n");
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  const message = error instanceof ConfigError ? error.message : error instanceof Error ? error.name : "unknown error";
  process.stderr.write(JSON.stringify({ level: "error", event: "retention_failed", message }) + "\n");
  process.exit(1);
});
