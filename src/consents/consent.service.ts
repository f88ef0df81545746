import { randomUUID } from "node:crypto";
import { DataSource } from "typeorm";
import { ApplicationStatus } from "../applications/application-enums";
import { ApplicationService } from "../applications/application.service";
import { Principal } from "../auth/principal";
import { BadUserInputError, NotFoundError } from "../errors";
import { Lead } from "../leads/lead.entity";
import { LeadStatus, canMoveLead } from "../leads/lead-status";
import { LenderStatus } from "../lenders/lender-status";
import { Lender } from "../lenders/lender.entity";
import { PiiCategory, encodeCategories } from "../privacy/pii-category";
import { CONSENT_NOTICE_VERSION, CONSENT_PURPOSE, ConsentStatus } from "./consent-status";
import { Consent, effectiveConsentStatus } from "./consent.entity";
import { ChooseLenderInput } from "./consent.inputs";

const DAY_MS = 24 * 60 * 60 * 1000;

export class ConsentService {
  constructor(private readonly dataSource: DataSource, private readonly applications: ApplicationService) {}

  /**
   * The applicant chooses a lender that has a lead on the application. The consent keeps a
   * snapshot of the notice (recipient, contact, purpose, categories, version) as shown.
   */
  async choose(principal: Principal, input: ChooseLenderInput, now: Date, ttlDays: number): Promise<Consent> {
    const application = await this.applications.getVisible(input.applicationId, principal);
    if (application.status !== ApplicationStatus.SUBMITTED) {
      throw new BadUserInputError("applicationId", `the application is ${application.status}`);
    }
    const categories = [...new Set(input.categories)].sort() as PiiCategory[];
    const lead = await this.dataSource.getRepository(Lead).findOneBy({ applicationId: application.id, lenderId: input.lenderId });
    if (!lead) throw new NotFoundError("Lead for this lender on this application");
    const lender = await this.dataSource.getRepository(Lender).findOneByOrFail({ id: input.lenderId });
    if (lender.status !== LenderStatus.ACTIVE) throw new BadUserInputError("lenderId", "this lender is suspended");
    const existing = await this.dataSource.getRepository(Consent).findBy({ applicationId: application.id, lenderId: lender.id });
    if (existing.some(consent => effectiveConsentStatus(consent, now) === ConsentStatus.ACTIVE)) {
      throw new BadUserInputError("lenderId", "an active consent for this lender exists; withdraw it to grant another");
    }
    const consent = this.dataSource.getRepository(Consent).create({
      id: randomUUID(),
      applicationId: application.id,
      lenderId: lender.id,
      categoriesStored: encodeCategories(categories),
      storedStatus: ConsentStatus.ACTIVE,
      grantedAt: now,
      expiresAt: new Date(now.getTime() + ttlDays * DAY_MS),
      endedAt: null,
      notice: {
        recipientLegalName: lender.legalName,
        recipientContact: lender.contactEmail,
        purpose: CONSENT_PURPOSE,
        categories,
        noticeVersion: CONSENT_NOTICE_VERSION,
      },
    });
    await this.dataSource.transaction(async manager => {
      await manager.getRepository(Consent).insert(consent);
      if (canMoveLead(lead.status, LeadStatus.CHOSEN)) {
        await manager.getRepository(Lead).update({ id: lead.id }, { status: LeadStatus.CHOSEN, updatedAt: now });
      }
    });
    return consent;
  }

  /** As easy as granting: one call. Withdrawing an ended consent changes nothing and returns it. */
  async withdraw(principal: Principal, consentId: string, now: Date): Promise<Consent> {
    const consent = await this.dataSource.getRepository(Consent).findOneBy({ id: consentId });
    if (!consent) throw new NotFoundError("Consent");
    try {
      await this.applications.getVisible(consent.applicationId, principal);
    } catch {
      throw new NotFoundError("Consent");
    }
    if (effectiveConsentStatus(consent, now) !== ConsentStatus.ACTIVE) return consent;
    await this.dataSource.getRepository(Consent).update(
      { id: consent.id, storedStatus: ConsentStatus.ACTIVE },
      { storedStatus: ConsentStatus.WITHDRAWN, endedAt: now },
    );
    return Object.assign(consent, { storedStatus: ConsentStatus.WITHDRAWN, endedAt: now });
  }
}

