import "reflect-metadata";
import { DataSource } from "typeorm";
import { ApplicantRecord } from "./src/applications/applicant.entity";
import { Application } from "./src/applications/application.entity";
import { PiiAccess } from "./src/audit/pii-access.entity";
import { DatabaseTarget, loadConfig } from "./src/config";
import { Consent } from "./src/consents/consent.entity";
import { Lead } from "./src/leads/lead.entity";
import { Offer } from "./src/leads/offer.entity";
import { ApiKey } from "./src/lenders/api-key.entity";
import { Lender } from "./src/lenders/lender.entity";
import { InitialSchema1764300000000 } from "./migrations/1764300000000-initial-schema";

export const ENTITIES = [Lender, ApiKey, ApplicantRecord, Application, Lead, Offer, Consent, PiiAccess];

/** Listed, not globbed: the same list works under ts-node, ts-jest and compiled JavaScript. */
export const MIGRATIONS = [InitialSchema1764300000000];

export function createDataSource(target: DatabaseTarget): DataSource {
  const common = { entities: ENTITIES, migrations: MIGRATIONS, synchronize: false, logging: false } as const;
  if (target.kind === "sqlite") {
    return new DataSource({ ...common, type: "better-sqlite3", database: target.path });
  }
  // UTC on the wire: DATETIME columns hold UTC whatever the server's time zone.
  return new DataSource({ ...common, type: "mysql", url: target.url, timezone: "Z", charset: "utf8mb4_unicode_ci" });
}

/** The DataSource the TypeORM CLI uses (`npx typeorm-ts-node-commonjs -d ormconfig.ts ...`). */
export const dataSource = createDataSource(loadConfig().database);
