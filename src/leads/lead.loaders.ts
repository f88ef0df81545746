import DataLoader from "dataloader";
import { DataSource, In } from "typeorm";
import { rowsOfApplicationLoader } from "../common/rows-of-application.loader";
import { Lead } from "../model/lead.entity";
import { Offer } from "../model/offer.entity";

/**
 * Per-request loaders for what hangs off leads: one query per field of a page, not one per
 * row. Created with the request and dropped with it, so nothing is cached across requests.
 */
export interface LeadLoaders {
  lead: DataLoader<string, Lead | null>;
  offerOfLead: DataLoader<string, Offer | null>;
  /** The leads of an application, oldest first, within the caller's row scope. */
  leadsOfApplication: DataLoader<string, Lead[]>;
}

/** `lenderId`: a lender's row scope (it sees only its own leads); undefined for everyone else. */
export function createLeadLoaders(dataSource: DataSource, lenderId: string | undefined): LeadLoaders {
  const leads = dataSource.getRepository(Lead);
  return {
    lead: new DataLoader(async ids => {
      const found = new Map((await leads.findBy({ id: In([...ids]) })).map(lead => [lead.id, lead]));
      return ids.map(id => found.get(id) ?? null);
    }),
    offerOfLead: new DataLoader(async leadIds => {
      const offers = await dataSource.getRepository(Offer).findBy({ leadId: In([...leadIds]) });
      const byLead = new Map(offers.map(offer => [offer.leadId, offer]));
      return leadIds.map(leadId => byLead.get(leadId) ?? null);
    }),
    leadsOfApplication: rowsOfApplicationLoader(leads, lenderId, { createdAt: "ASC", id: "ASC" }),
  };
}
