import type DataLoader from "dataloader";
import type { DataSource } from "typeorm";
import type { ConsentLoaders } from "./consents/consent.loaders";
import type { LeadLoaders } from "./leads/lead.loaders";
import type { ApplicantRecord } from "./model/applicant.entity";
import type { Application } from "./model/application.entity";
import type { Lender } from "./model/lender.entity";
import type { Principal } from "./model/principal";
import type { PiiKeyring } from "./privacy/encryption";
import type { PiiGate } from "./privacy/pii-gate";
import type { QuotaService } from "./quotas/quota.service";
import type { TransparencyLog } from "./transparency-log/transparency-log";
import type { UrlPolicy } from "./webhooks/url-policy";

/*
 * What every resolver receives. Types only: a domain imports this shape, never the code that
 * builds it (src/request-context.ts), so the domains stay below the wiring.
 */

/** Per-request loaders: they batch within one request and are dropped with it (no cross-request cache). */
export interface Loaders extends LeadLoaders, ConsentLoaders {
  lender: DataLoader<string, Lender | null>;
  application: DataLoader<string, Application | null>;
  applicant: DataLoader<string, ApplicantRecord | null>;
}

export interface GatewayContext {
  requestId: string;
  principal: Principal;
  dataSource: DataSource;
  loaders: Loaders;
  piiGate: PiiGate;
  /** The request's start: every time-based decision in it uses this instant. */
  now: Date;
  consentTtlDays: number;
  /** Days after an application closes before its applicant's identity is erased (shown in consent notices). */
  retentionDays: number;
  /** Days without activity after which retention closes an application (shown in consent notices). */
  applicationOpenDays: number;
  /** HMAC key for submission fingerprints (idempotency). */
  fingerprintKey: Buffer;
  /** Seals identity values on write; opens them only inside @pii fields, after the gate. */
  piiKeyring: PiiKeyring;
  /** Platform-issued lender API keys may be issued or rotated: outside production only. */
  platformIssuedKeys: boolean;
  /** Hours an admin change waits for a second admin (ADMIN_CHANGE_TTL_HOURS). */
  adminChangeTtlHours: number;
  /** This gateway's quotas: budgets and counters that admins read. */
  quotas: QuotaService;
  /** The transparency log: its signed checkpoint (Query.transparencyCheckpoint). */
  transparency: TransparencyLog;
  /** Which webhook URLs a lender may register (WEBHOOK_ALLOW_PRIVATE_URLS). */
  webhookUrlPolicy: UrlPolicy;
}
