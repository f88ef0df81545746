import DataLoader from "dataloader";
import { DataSource, In } from "typeorm";
import { groupBy } from "../common/group-by";
import { rowsOfApplicationLoader } from "../common/rows-of-application.loader";
import { Consent } from "../model/consent.entity";
import { ConsentStatus } from "../model/consent-status";

/**
 * Per-request loaders for consents shown as data (not for decisions: src/privacy/pii-gate.ts
 * reads its own). One query per field of a page; dropped with the request.
 */
export interface ConsentLoaders {
  /** Keyed by `consentKey(applicationId, lenderId)`: the active consent, else the latest. */
  consentOfLead: DataLoader<string, Consent | null>;
  /** The consents of an application, oldest first, within the caller's row scope. */
  consentsOfApplication: DataLoader<string, Consent[]>;
}

export function consentKey(applicationId: string, lenderId: string): string {
  return `${applicationId}\u0000${lenderId}`;
}

/** `lenderId`: a lender's row scope (it sees only consents given to it); undefined for everyone else. */
export function createConsentLoaders(dataSource: DataSource, lenderId: string | undefined): ConsentLoaders {
  const consents = dataSource.getRepository(Consent);
  return {
    consentOfLead: new DataLoader(async keys => {
      const pairs = keys.map(key => key.split("\u0000"));
      const applicationIds = [...new Set(pairs.map(pair => pair[0]))];
      const lenderIds = [...new Set(pairs.map(pair => pair[1]))];
      const rows = await consents.find({
        where: { applicationId: In(applicationIds), lenderId: In(lenderIds) },
        order: { grantedAt: "DESC", id: "ASC" },
      });
      const byPair = groupBy(rows, consent => consentKey(consent.applicationId, consent.lenderId));
      return keys.map(key => {
        const own = byPair.get(key) ?? [];
        return own.find(consent => consent.status === ConsentStatus.ACTIVE) ?? own[0] ?? null;
      });
    }),
    consentsOfApplication: rowsOfApplicationLoader(consents, lenderId, { grantedAt: "ASC", id: "ASC" }),
  };
}
