import DataLoader from "dataloader";
import { DataSource, In } from "typeorm";
import { groupBy } from "../common/group-by";
import { rowsOfApplicationLoader } from "../common/rows-of-application.loader";
import { Consent } from "../model/consent.entity";
import type { Lead } from "../model/lead.entity";
import { ConsentStatus } from "../model/consent-status";

/**
 * Per-request loaders for consents shown as data (not for decisions: src/privacy/pii-gate.ts
 * reads its own). One query per field of a page; dropped with the request.
 */
export interface ConsentLoaders {
  /** The consent of a lead's (application, lender): the active one, else the latest. */
  consentOfLead: DataLoader<LeadKey, Consent | null, string>;
  /** The consents of an application, oldest first, within the caller's row scope. */
  consentsOfApplication: DataLoader<string, Consent[]>;
}

/** What of a lead names its consent. */
export type LeadKey = Pick<Lead, "applicationId" | "lenderId">;

function consentKey(of: LeadKey): string {
  return `${of.applicationId}\u0000${of.lenderId}`;
}

/**
 * `lenderId`: a lender's row scope (it sees only consents given to it); undefined for everyone
 * else. `now`: the request's instant, which decides which consent is still active.
 */
export function createConsentLoaders(dataSource: DataSource, lenderId: string | undefined, now: Date): ConsentLoaders {
  const consents = dataSource.getRepository(Consent);
  return {
    consentOfLead: new DataLoader(async keys => {
      const applicationIds = [...new Set(keys.map(key => key.applicationId))];
      const lenderIds = [...new Set(keys.map(key => key.lenderId))];
      const rows = await consents.find({
        where: { applicationId: In(applicationIds), lenderId: In(lenderIds) },
        order: { grantedAt: "DESC", id: "ASC" },
      });
      const byPair = groupBy(rows, consentKey);
      return keys.map(key => {
        const own = byPair.get(consentKey(key)) ?? [];
        return own.find(consent => consent.statusAt(now) === ConsentStatus.ACTIVE) ?? own[0] ?? null;
      });
    }, { cacheKeyFn: consentKey }),
    consentsOfApplication: rowsOfApplicationLoader(consents, lenderId, { grantedAt: "ASC", id: "ASC" }),
  };
}
