import { randomUUID } from "node:crypto";
import { DataSource, EntityManager } from "typeorm";
import { ApplicationStatus } from "../model/application-enums";
import { Application } from "../model/application.entity";
import { endConsents } from "../lifecycle/consent-endings";
import { ConsentEndReason } from "../model/consent-status";
import { Consent } from "../model/consent.entity";
import { DenialReason, consentStanding } from "../privacy/consent-policy";
import { BadUserInputError, ForbiddenError } from "../errors/gateway-error";
import { closeApplication } from "../lifecycle/application-closing";
import { ownLead } from "../privacy/row-scope";
import { LenderStatus } from "../model/lender-status";
import type { Lender } from "../model/lender.entity";
import { forUpdate } from "../database/row-locks";
import { Lead } from "../model/lead.entity";
import { LeadOutcome, LeadStatus, canMoveLead } from "../model/lead-status";
import type { MakeOfferInput, ReportOutcomeInput } from "./lead.inputs";
import { Offer } from "../model/offer.entity";

export class LeadService {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * A new offer on the same lead revises the previous one. The lead is read again under a lock
   * (MySQL), so the same offer sent twice at once (a client retry on a NEW lead) is one insert and
   * one revision, never a second insert into the lead's one offer (uq_offers_lead).
   */
  async makeOffer(lender: Lender, input: MakeOfferInput, now: Date): Promise<Offer> {
    if (lender.status !== LenderStatus.ACTIVE) {
      throw new ForbiddenError("A suspended lender cannot make offers", DenialReason.LENDER_SUSPENDED);
    }
    const read = await ownLead(this.dataSource, input.leadId, lender.id);
    if (!canMoveLead(read.status, LeadStatus.OFFERED)) {
      throw new BadUserInputError("leadId", `a lead that is ${read.status} takes no offer`);
    }
    if (input.expiresAt && input.expiresAt.getTime() <= now.getTime()) {
      throw new BadUserInputError("expiresAt", "must lie in the future");
    }
    // Lenders offer what was asked or less; more would be a loan the applicant did not apply for.
    const application = await this.dataSource.getRepository(Application).findOneByOrFail({ id: read.applicationId });
    if (input.amount > application.amount) throw new BadUserInputError("amount", "must be at most the amount applied for");
    const terms = { apr: input.apr, amount: input.amount, termMonths: input.termMonths, expiresAt: input.expiresAt ?? null };
    return this.dataSource.transaction(async manager => {
      const lead = await manager.getRepository(Lead).findOneOrFail({ where: { id: read.id }, ...forUpdate(manager) });
      if (!canMoveLead(lead.status, LeadStatus.OFFERED)) {
        throw new BadUserInputError("leadId", `a lead that is ${lead.status} takes no offer`);
      }
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
   * promised reads stop when the application closes. DECLINED ends the decliner's consents on the
   * application (LENDER_DECLINED): the purpose is over for that lender. APPROVED and FUNDED need
   * an ACTIVE lender holding an active consent, so a lender the applicant walked away from cannot
   * close the application under the lender it chose instead; DECLINED is always accepted.
   * Reporting again the outcome the lead already has (FUNDED: with the same amount), e.g. a retry
   * after a lost response, returns the lead and writes nothing.
   *
   * Everything is decided under locks taken in the order every writer of an application takes
   * them (withdrawApplication, chooseLender, retention): the application, then the lead, then its
   * consents. A withdrawal, another lender's funding or a consent withdrawal in flight either
   * commits first and is seen here, or waits for this report; none deadlocks with it.
   */
  /**
   * The lender passes on a lead it was never chosen for: NEW -> DECLINED. No consent exists to
   * end, and the lead takes no offer or choice from then on (chooseLender refuses a DECLINED lead).
   * Passing again on a lead passed on (DECLINED with no consent ever granted) returns it and
   * writes nothing; a lead in any other status is refused with `LEAD_IS_<STATUS>`.
   */
  async declineLead(lender: Lender, leadId: string, now: Date): Promise<Lead> {
    const read = await ownLead(this.dataSource, leadId, lender.id);
    if (read.status === LeadStatus.DECLINED && !(await this.hadConsent(this.dataSource.manager, read))) return read;
    assertPassable(read);
    return this.dataSource.transaction(async manager => {
      // The lead locked (MySQL): a choice in flight either commits first (and is seen here) or waits and finds it DECLINED.
      const lead = await manager.getRepository(Lead).findOneOrFail({ where: { id: read.id }, ...forUpdate(manager) });
      if (lead.status === LeadStatus.DECLINED && !(await this.hadConsent(manager, lead))) return lead;
      assertPassable(lead);
      await moveLead(manager, lead, LeadStatus.DECLINED, { updatedAt: now });
      return Object.assign(lead, { status: LeadStatus.DECLINED, updatedAt: now });
    });
  }

  /** Whether the applicant ever chose this lead's lender: a DECLINED lead with a consent was declined as an outcome, not passed on. */
  private async hadConsent(manager: EntityManager, lead: Lead): Promise<boolean> {
    return manager.getRepository(Consent).existsBy({ applicationId: lead.applicationId, lenderId: lead.lenderId });
  }

  async reportOutcome(lender: Lender, input: ReportOutcomeInput, now: Date): Promise<Lead> {
    const read = await ownLead(this.dataSource, input.leadId, lender.id);
    const target = OUTCOME_STATUS[input.outcome];
    const fundedAmount = input.fundedAmount ?? null;
    if (input.outcome === LeadOutcome.FUNDED && fundedAmount === null) {
      throw new BadUserInputError("fundedAmount", "is required when the outcome is FUNDED");
    }
    if (input.outcome !== LeadOutcome.FUNDED && fundedAmount !== null) {
      throw new BadUserInputError("fundedAmount", "is only for the FUNDED outcome");
    }
    if (isRepeat(read, target, fundedAmount)) return read;
    assertMayMove(read, target);
    if (target !== LeadStatus.DECLINED && lender.status !== LenderStatus.ACTIVE) {
      throw new ForbiddenError("A suspended lender cannot approve or fund", DenialReason.LENDER_SUSPENDED);
    }
    return this.dataSource.transaction(async manager => {
      const application = await manager.getRepository(Application).findOneOrFail({ where: { id: read.applicationId }, ...forUpdate(manager) });
      const lead = await manager.getRepository(Lead).findOneOrFail({ where: { id: read.id }, ...forUpdate(manager) });
      if (isRepeat(lead, target, fundedAmount)) return lead;
      if (application.status !== ApplicationStatus.SUBMITTED) {
        throw new BadUserInputError("leadId", `the application is ${application.status}`);
      }
      assertMayMove(lead, target);
      if (target !== LeadStatus.DECLINED) await assertConsenting(manager, lender, lead, now);
      if (target === LeadStatus.FUNDED) await assertFundable(manager, application, lead, fundedAmount!);
      await moveLead(manager, lead, target, { fundedAmount, updatedAt: now });
      if (target === LeadStatus.FUNDED) {
        // Under the application's lock, checked SUBMITTED above: the closing cannot lose a race here.
        const closed = await closeApplication(manager, lead.applicationId, { kind: "FUNDED", leadId: lead.id, lenderId: lender.id }, now);
        if (!closed) throw new BadUserInputError("leadId", "the application changed meanwhile; read it again");
      }
      if (target === LeadStatus.DECLINED) {
        await endConsents(manager, { applicationIds: [lead.applicationId], lenderId: lender.id }, ConsentEndReason.LENDER_DECLINED, now);
      }
      return Object.assign(lead, { status: target, fundedAmount, updatedAt: now });
    });
  }
}

/**
 * `extensions.reason` of a refused declineLead: the lead's status, `LEAD_IS_CHOSEN` and so on.
 * Only a NEW lead can be passed on.
 */
export function leadIsReason(status: LeadStatus): string {
  return `LEAD_IS_${status}`;
}

/** The outcome the lead already has (FUNDED: with the same amount): a retry, answered as it is. */
function isRepeat(lead: Lead, target: LeadStatus, fundedAmount: number | null): boolean {
  return lead.status === target && (target !== LeadStatus.FUNDED || lead.fundedAmount === fundedAmount);
}

function assertPassable(lead: Lead): void {
  if (lead.status !== LeadStatus.NEW) {
    throw new BadUserInputError("leadId", `a lead that is ${lead.status} cannot be passed on; only a NEW lead can`, leadIsReason(lead.status));
  }
}

function assertMayMove(lead: Lead, target: LeadStatus): void {
  // Passing on a NEW lead is declineLead's; an outcome is reported on a lead the applicant chose.
  if (lead.status === LeadStatus.NEW && target === LeadStatus.DECLINED) {
    throw new BadUserInputError("outcome", "a lead that is NEW cannot become DECLINED as an outcome; pass on it with declineLead");
  }
  if (lead.status === LeadStatus.FUNDED && target === LeadStatus.FUNDED) {
    throw new BadUserInputError("fundedAmount", "the lead was already reported FUNDED with another amount");
  }
  if (!canMoveLead(lead.status, target)) {
    throw new BadUserInputError("outcome", `a lead that is ${lead.status} cannot become ${target}`);
  }
}

/**
 * The lender's consent, read in the report's transaction under a lock (MySQL): a withdrawal
 * acknowledged before this read is seen, one in flight waits for the report.
 */
async function assertConsenting(manager: EntityManager, lender: Lender, lead: Lead, now: Date): Promise<void> {
  const consents = await manager.getRepository(Consent).find({ where: { applicationId: lead.applicationId, lenderId: lender.id }, ...forUpdate(manager) });
  const standing = consentStanding(lender.id, consents, now);
  if (!standing.active) {
    throw new ForbiddenError("Only a lender the applicant has an active consent with can approve or fund", standing.reason);
  }
}

/** A loan is funded for at most what was offered or, without an offer, what was applied for. */
async function assertFundable(manager: EntityManager, application: Application, lead: Lead, fundedAmount: number): Promise<void> {
  const offer = await manager.getRepository(Offer).findOneBy({ leadId: lead.id });
  if (fundedAmount > (offer?.amount ?? application.amount)) {
    throw new BadUserInputError("fundedAmount", offer ? "must be at most the amount offered" : "must be at most the amount applied for");
  }
}

/**
 * Moves a lead only from the state it was read in: a concurrent change (a withdrawal closing it,
 * another outcome) makes this refuse instead of overwriting it.
 */
async function moveLead(manager: EntityManager, lead: Lead, to: LeadStatus, changes: Partial<Lead> & { updatedAt: Date }): Promise<void> {
  const result = await manager.getRepository(Lead).update({ id: lead.id, status: lead.status }, { ...changes, statusChangedAt: changes.updatedAt, status: to });
  if (!result.affected) throw new BadUserInputError("leadId", "the lead changed meanwhile; read it again");
}

const OUTCOME_STATUS: Record<LeadOutcome, LeadStatus> = {
  [LeadOutcome.APPROVED]: LeadStatus.APPROVED,
  [LeadOutcome.DECLINED]: LeadStatus.DECLINED,
  [LeadOutcome.FUNDED]: LeadStatus.FUNDED,
};
