import DataLoader from "dataloader";
import { DataSource, In, ObjectLiteral, Repository } from "typeorm";
import { ApplicantRecord } from "./model/applicant.entity";
import { Application } from "./model/application.entity";
import { Principal } from "./model/principal";
import { GatewayConfig } from "./config";
import { ConsentLoaders, createConsentLoaders } from "./consents/consent.loaders";
import { LeadLoaders, createLeadLoaders } from "./leads/lead.loaders";
import { Lender } from "./model/lender.entity";
import { PiiKeyring } from "./privacy/encryption";
import { PiiGate } from "./privacy/pii-gate";

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
}

function byIdLoader<T extends ObjectLiteral & { id: string }>(repository: Repository<T>): DataLoader<string, T | null> {
  return new DataLoader(async ids => {
    const rows = await repository.findBy({ id: In([...ids]) } as never);
    const found = new Map(rows.map(row => [row.id, row]));
    return ids.map(id => found.get(id) ?? null);
  });
}

/** A lender sees only its own rows beneath an application; applicants and admins see all. */
function lenderScopeOf(principal: Principal): string | undefined {
  return principal.kind === "lender" ? principal.lender.id : undefined;
}

export function createContext(
  dataSource: DataSource,
  principal: Principal,
  requestId: string,
  now: Date,
  config: Pick<GatewayConfig, "consentTtlDays" | "requestFingerprintKey" | "piiKeyring" | "retentionDays" | "applicationOpenDays">,
): GatewayContext {
  return {
    requestId,
    principal,
    dataSource,
    now,
    consentTtlDays: config.consentTtlDays,
    retentionDays: config.retentionDays,
    applicationOpenDays: config.applicationOpenDays,
    fingerprintKey: config.requestFingerprintKey,
    piiKeyring: config.piiKeyring,
    piiGate: new PiiGate(dataSource, principal, now),
    loaders: {
      lender: byIdLoader(dataSource.getRepository(Lender)),
      application: byIdLoader(dataSource.getRepository(Application)),
      applicant: byIdLoader(dataSource.getRepository(ApplicantRecord)),
      ...createLeadLoaders(dataSource, lenderScopeOf(principal)),
      ...createConsentLoaders(dataSource, lenderScopeOf(principal)),
    },
  };
}
