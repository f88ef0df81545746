import "reflect-metadata";
import { DataSource, Logger as TypeOrmLogger } from "typeorm";
import { DatabaseUtf8mb41764200000000 } from "../../migrations/1764200000000-database-utf8mb4";
import { InitialSchema1764300000000 } from "../../migrations/1764300000000-initial-schema";
import { EncryptIdentity1764400000000 } from "../../migrations/1764400000000-encrypt-identity";
import { QuotasAndKeyLifecycle1764500000000 } from "../../migrations/1764500000000-quotas-and-key-lifecycle";
import { IdentityPerApplication1764600000000 } from "../../migrations/1764600000000-identity-per-application";
import { ExactSubjectComparison1764700000000 } from "../../migrations/1764700000000-exact-subject-comparison";
import { LenderCitiesFit1764800000000 } from "../../migrations/1764800000000-lender-cities-fit";
import { DropExactIncome1764900000000 } from "../../migrations/1764900000000-drop-exact-income";
import { ApiKeySuccessor1765000000000 } from "../../migrations/1765000000000-api-key-successor";
import { AccessLogOpaqueId1765100000000 } from "../../migrations/1765100000000-access-log-opaque-id";
import { RegionCodes1765200000000 } from "../../migrations/1765200000000-region-codes";
import { AdminActionsAndChanges1765300000000 } from "../../migrations/1765300000000-admin-actions-and-changes";
import { LenderPublicKeys1765400000000 } from "../../migrations/1765400000000-lender-public-keys";
import { AccessLogReaders1765500000000 } from "../../migrations/1765500000000-access-log-readers";
import { LenderAccessVersion1765600000000 } from "../../migrations/1765600000000-lender-access-version";
import { AccessRecords1765700000000 } from "../../migrations/1765700000000-access-records";
import { TransparencyLog1765800000000 } from "../../migrations/1765800000000-transparency-log";
import { AccessRecordLeafHash1765850000000 } from "../../migrations/1765850000000-access-record-leaf-hash";
import { TablesUtf8mb41765860000000 } from "../../migrations/1765860000000-tables-utf8mb4";
import { Webhooks1765900000000 } from "../../migrations/1765900000000-webhooks";
import { LeadChanges1765950000000 } from "../../migrations/1765950000000-lead-changes";
import { LenderConsentsGranted1766000000000 } from "../../migrations/1766000000000-lender-consents-granted";
import { TransparencyNode, TransparencyState } from "../model/transparency-state.entity";
import { ApplicantRecord } from "../model/applicant.entity";
import { Application } from "../model/application.entity";
import { AccessRecord } from "../model/access-record.entity";
import type { DatabaseTarget } from "../config";
import { Consent } from "../model/consent.entity";
import { Lead } from "../model/lead.entity";
import { Offer } from "../model/offer.entity";
import { ApiKey } from "../model/api-key.entity";
import { Lender } from "../model/lender.entity";
import { QuotaCounter } from "../model/quota-counter.entity";
import { AdminAction } from "../model/admin-action.entity";
import { AdminChange } from "../model/admin-change.entity";
import { ClientAssertionJti, LenderAccessToken } from "../model/lender-access-token.entity";
import { LenderPublicKey } from "../model/lender-public-key.entity";
import { LenderEvent, WebhookDelivery, WebhookEndpoint } from "../model/webhook.entity";

export const ENTITIES = [Lender, ApiKey, ApplicantRecord, Application, Lead, Offer, Consent, AccessRecord, QuotaCounter, AdminAction, AdminChange, LenderPublicKey, LenderAccessToken, ClientAssertionJti, TransparencyState, TransparencyNode, WebhookEndpoint, LenderEvent, WebhookDelivery];

/** Listed, not globbed: the same list works under ts-node, ts-jest and compiled JavaScript. */
export const MIGRATIONS = [DatabaseUtf8mb41764200000000, InitialSchema1764300000000, EncryptIdentity1764400000000, QuotasAndKeyLifecycle1764500000000, IdentityPerApplication1764600000000, ExactSubjectComparison1764700000000, LenderCitiesFit1764800000000, DropExactIncome1764900000000, ApiKeySuccessor1765000000000, AccessLogOpaqueId1765100000000, RegionCodes1765200000000, AdminActionsAndChanges1765300000000, LenderPublicKeys1765400000000, AccessLogReaders1765500000000, LenderAccessVersion1765600000000, AccessRecords1765700000000, TransparencyLog1765800000000, AccessRecordLeafHash1765850000000, TablesUtf8mb41765860000000, Webhooks1765900000000, LeadChanges1765950000000, LenderConsentsGranted1766000000000];

/**
 * `logger`: only tests and the benchmark pass one (a statement counter); production uses none.
 * `readOnly`: a SQLite file is opened read-only and must exist (a verifier's connection).
 */
export function createDataSource(target: DatabaseTarget, logger?: TypeOrmLogger, options: { readOnly?: boolean } = {}): DataSource {
  const common = { entities: ENTITIES, migrations: MIGRATIONS, synchronize: false, logging: false, ...(logger ? { logger } : {}) } as const;
  if (target.kind === "sqlite") {
    // WAL: a commit (every lender page writes its access-log rows) costs one sync of the log
    // instead of a rollback journal's several. synchronous = FULL explicitly (better-sqlite3
    // would default a WAL database to NORMAL), so an acknowledged audit row survives a power
    // cut. Measured in bench/README.md.
    return new DataSource({
      ...common,
      type: "better-sqlite3",
      database: target.path,
      ...(options.readOnly ? { readonly: true, fileMustExist: true } : {}),
      enableWAL: true,
      prepareDatabase: (connection: { pragma(source: string): unknown }) => void connection.pragma("synchronous = FULL"),
    });
  }
  // UTC on the wire: DATETIME columns hold UTC whatever the server's time zone.
  return new DataSource({ ...common, type: "mysql", url: target.url, timezone: "Z", charset: "utf8mb4_unicode_ci" });
}
