import { randomUUID } from "node:crypto";
import { DataSource, EntityManager, In, Not } from "typeorm";
import { ApplicationStatus } from "../applications/application-enums";
import { Application } from "../applications/application.entity";
import { endConsents } from "../consents/consent-lifecycle";
import { ConsentEndReason } from "../consents/consent-status";
import { Consent } from "../consents/consent.entity";
import { DenialReason, consentStanding } from "../privacy/consent-policy";
import { BadUserInputError, ForbiddenError, NotFoundError } from "../errors";
import { LenderStatus } from "../lenders/lender-status";
import { Lender } from "../lenders/lender.entity";
import { Lead } from "./lead.entity";
import { LeadOutcome, LeadStatus, canMoveLead } from "./lead-status";
import { MakeOfferInput, ReportOutcomeInput } from "./lead.inputs";
import { Offer } from "./offer.entity";

export class LeadService {
  constructor(private readonly dataSource: DataSource) {}

  /** Row scope for lenders: another lender's lead does not exist for you. */
  async getOwn(id: string, lenderId: string): Promise<Lead> {
    const lead = await this.dataSource.getRepository(Lead).findOneBy({ id, lenderId });
    if (!lead) throw new NotFoundError("Lead");
    return lead;
  }

  /** A new offer on the same lead revises the previous one. */
  async makeOffer(lender: Lender, input: MakeOfferInput, now: Date): Promise<Offer> {
    if (lender.status !== LenderStatus.ACTIVE) {
      throw new ForbiddenError("A suspended lender cannot make offers", DenialReason.LENDER_SUSPENDED);
    }
    const lead = await this.getOwn(input.leadId, lender.id);
    if (!canMoveLead(lead.status, LeadStatus.OFFERED)) {
      throw new BadUserInputError("leadId", `a lead that is ${lead.status} takes no offer`);
    }
    if (input.expiresAt && input.expiresAt.getTime() <= now.getTime()) {
      throw new BadUserInputError("expiresAt", "must lie in the future");
    }
    const terms = { apr: input.apr, amount: input.amount, termMonths: input.termMonths, expiresAt: input.expiresAt ?? null };
    return this.dataSource.transaction(async manager => {
      const offers = manager.getRepository(Offer);
      const existing = await offers.findOneBy({ leadId: lead.id });
      const offer = existing ? Object.assign(existing, terms) : offers.create({ id: randomUUID(), leadId: lead.id, ...terms, createdAt: now });
      if (existing) await offers.update({ id: existing.id }, terms);
      else await offers.insert(offer);
      await moveLead(manager, lead, LeadStatus.OFFERED, { updatedAt: now });
      return offer;
    });
  }

  /**
   * FUNDED closes the application and every other open lead on it, and ends every consent on
   * it: the purpose the applicant agreed to (assess and offer the loan) is met, and the notice
   * promised reads stop when the application closes. APPROVED and FUNDED need an ACTIVE lender
   * holding an active consent, so a lender the applicant walked away from cannot close the
   * application under the lender it chose instead; DECLINED is always accepted.
   */
  async reportOutcome(lender: Lender, input: ReportOutcomeInput, now: Date): Promise<Lead> {
    const lead = await this.getOwn(input.leadId, lender.id);
    const target = OUTCOME_STATUS[input.outcome];
    if (!canMoveLead(lead.status, target)) {
      throw new BadUserInputError("outcome", `a lead that is ${lead.status} cannot become ${target}`);
    }
    const fundedAmount = input.fundedAmount ?? null;
    if (input.outcome === LeadOutcome.FUNDED && fundedAmount === null) {
      throw new BadUserInputError("fundedAmount", "is required when the outcome is FUNDED");
    }
    if (input.outcome !== LeadOutcome.FUNDED && fundedAmount !== null) {
      throw new BadUserInputError("fundedAmount", "is only for the FUNDED outcome");
    }
    if (input.outcome !== LeadOutcome.DECLINED) await this.assertMayAdvance(lender, lead, now);
    await this.dataSource.transaction(async manager => {
      await moveLead(manager, lead, target, { fundedAmount, updatedAt: now });
      if (target === LeadStatus.FUNDED) {
        await manager.getRepository(Application).update({ id: lead.applicationId }, { status: ApplicationStatus.CLOSED, closedAt: now });
        await manager.getRepository(Lead).update(
          { applicationId: lead.applicationId, id: Not(lead.id), status: In([LeadStatus.NEW, LeadStatus.OFFERED, LeadStatus.CHOSEN, LeadStatus.APPROVED]) },
          { status: LeadStatus.CLOSED, updatedAt: now },
        );
        await endConsents(manager, { applicationIds: [lead.applicationId], exceptLenderId: lender.id }, ConsentEndReason.FUNDED_BY_ANOTHER_LENDER, now);
        await endConsents(manager, { applicationIds: [lead.applicationId], lenderId: lender.id }, ConsentEndReason.APPLICATION_CLOSED, now);
      }
    });
    return Object.assign(lead, { status: target, fundedAmount, updatedAt: now });
  }

  private async assertMayAdvance(lender: Lender, lead: Lead, now: Date): Promise<void> {
    if (lender.status !== LenderStatus.ACTIVE) {
      throw new ForbiddenError("A suspended lender cannot approve or fund", DenialReason.LENDER_SUSPENDED);
    }
    const consents = await this.dataSource.getRepository(Consent).findBy({ applicationId: lead.applicationId, lenderId: lender.id });
    const standing = consentStanding(lender.id, consents, now);
    if (!standing.active) {
      throw new ForbiddenError("Only a lender the applicant has an active consent with can approve or fund", standing.reason);
    }
  }
}

/**
 * Moves a lead only from the state it was read in: a concurrent change (a withdrawal closing it,
 * another outcome) makes this refuse instead of overwriting it.
 */
async function moveLead(manager: EntityManager, lead: Lead, to: LeadStatus, changes: Partial<Lead>): Promise<void> {
  const result = await manager.getRepository(Lead).update({ id: lead.id, status: lead.status }, { ...changes, status: to });
  if (!result.affected) throw new BadUserInputError("leadId", "the lead changed meanwhile; read it again");
}

const OUTCOME_STATUS: Record<LeadOutcome, LeadStatus> = {
  [LeadOutcome.APPROVED]: LeadStatus.APPROVED,
  [LeadOutcome.DECLINED]: LeadStatus.DECLINED,
  [LeadOutcome.FUNDED]: LeadStatus.FUNDED,
};
