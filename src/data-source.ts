import "reflect-metadata";
import { DataSource } from "typeorm";
import { InitialSchema1764300000000 } from "../migrations/1764300000000-initial-schema";
import { ApplicantRecord } from "./applications/applicant.entity";
import { Application } from "./applications/application.entity";
import { PiiAccess } from "./audit/pii-access.entity";
import { DatabaseTarget } from "./config";
import { Consent } from "./consents/consent.entity";
import { Lead } from "./leads/lead.entity";
import { Offer } from "./leads/offer.entity";
import { ApiKey } from "./lenders/api-key.entity";
import { Lender } from "./lenders/lender.entity";

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
