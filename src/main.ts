import "reflect-metadata";
import { ConfigError, loadConfig } from "./config";
import { openDatabase } from "./database/open-database";
import { createLogger } from "./logging/logger";
import { installGracefulShutdown } from "./operations/graceful-shutdown";
import { scheduleRetention } from "./retention/retention-schedule";
import { buildGatewaySchema } from "./schema";
import { startGateway } from "./server";

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  if (config.usesGeneratedSecrets) logger.warn("using_generated_development_secrets", { file: ".dev-secrets.json" });
  const dataSource = await openDatabase(config.database);
  const schema = await buildGatewaySchema();
  const gateway = await startGateway(config, dataSource, schema, logger);
  logger.info("gateway_started", { port: gateway.port, database: config.database.kind, nodeEnv: config.nodeEnv });
  const retention = config.retentionIntervalMinutes === null
    ? null
    : scheduleRetention(dataSource, {
      intervalMinutes: config.retentionIntervalMinutes, retentionDays: config.retentionDays, applicationOpenDays: config.applicationOpenDays,
    }, logger);

  installGracefulShutdown({
    gateway, dataSource, logger, graceSeconds: config.shutdownGraceSeconds, beforePoolClose: () => retention?.stop(),
  });
}

main().catch((error: unknown) => {
  // Configuration errors are ours and carry no secrets; anything else is reported by name only.
  const message = error instanceof ConfigError ? error.message : error instanceof Error ? error.name : "unknown error";
  process.stderr.write(JSON.stringify({ level: "error", event: "gateway_failed_to_start", message }) + "\n");
  if (!(error instanceof ConfigError) && error instanceof Error && error.stack) process.stderr.write(error.stack + "\n");
  process.exit(1);
});
