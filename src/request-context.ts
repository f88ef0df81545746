import DataLoader from "dataloader";
import { DataSource, In, ObjectLiteral, Repository } from "typeorm";
import { createConsentLoaders } from "./consents/consent.loaders";
import type { GatewayConfig } from "./config";
import type { GatewayContext } from "./context";
import { createLeadLoaders } from "./leads/lead.loaders";
import { ApplicantRecord } from "./model/applicant.entity";
import { Application } from "./model/application.entity";
import { Lender } from "./model/lender.entity";
import type { Principal } from "./model/principal";
import { PiiGate } from "./privacy/pii-gate";
import type { AccessRecordWriter } from "./privacy/access-log-writer";
import { lenderScopeOf } from "./privacy/row-scope";
import type { QuotaService } from "./quotas/quota.service";
import type { TransparencyLog } from "./transparency-log/transparency-log";

function byIdLoader<T extends ObjectLiteral & { id: string }>(repository: Repository<T>): DataLoader<string, T | null> {
  return new DataLoader(async ids => {
    const rows = await repository.findBy({ id: In([...ids]) } as never);
    const found = new Map(rows.map(row => [row.id, row]));
    return ids.map(id => found.get(id) ?? null);
  });
}

/** What the server holds once and hands every request: quotas, the transparency log, the access log's writer. */
export interface ServerServices {
  quotas: QuotaService;
  transparency: TransparencyLog;
  accessLog: AccessRecordWriter;
}

/** Builds one request's context: its principal, its instant, its loaders and its identity gate. */
export function createContext(
  dataSource: DataSource,
  principal: Principal,
  requestId: string,
  now: Date,
  config: Pick<GatewayConfig, "consentTtlDays" | "requestFingerprintKey" | "piiKeyring" | "retentionDays" | "applicationOpenDays" | "adminChangeTtlHours" | "nodeEnv" | "webhooks">,
  { quotas, transparency, accessLog }: ServerServices,
): GatewayContext {
  const scope = lenderScopeOf(principal);
  return {
    requestId,
    principal,
    dataSource,
    now,
    consentTtlDays: config.consentTtlDays,
    retentionDays: config.retentionDays,
    applicationOpenDays: config.applicationOpenDays,
    adminChangeTtlHours: config.adminChangeTtlHours,
    platformIssuedKeys: config.nodeEnv !== "production",
    fingerprintKey: config.requestFingerprintKey,
    piiKeyring: config.piiKeyring,
    quotas,
    transparency,
    webhookUrlPolicy: { allowPrivate: config.webhooks.allowPrivateUrls },
    piiGate: new PiiGate(dataSource, accessLog, principal, requestId, now, quotas),
    loaders: {
      lender: byIdLoader(dataSource.getRepository(Lender)),
      application: byIdLoader(dataSource.getRepository(Application)),
      applicant: byIdLoader(dataSource.getRepository(ApplicantRecord)),
      ...createLeadLoaders(dataSource, scope),
      ...createConsentLoaders(dataSource, scope, now),
    },
  };
}
