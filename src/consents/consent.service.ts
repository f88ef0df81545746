import { randomUUID } from "node:crypto";
import { DataSource, EntityManager } from "typeorm";
import { ApplicationStatus } from "../model/application-enums";
import { forUpdate } from "../database/row-locks";
import { Application } from "../model/application.entity";
import type { Principal } from "../model/principal";
import { BadUserInputError, NotFoundError } from "../errors/gateway-error";
import { Lead } from "../model/lead.entity";
import { LeadStatus, canMoveLead } from "../model/lead-status";
import { LenderStatus } from "../model/lender-status";
import { Lender } from "../model/lender.entity";
import { consentStanding } from "../privacy/consent-policy";
import { type PiiCategory, encodeCategories } from "../model/pii-category";
import { endConsents } from "../lifecycle/consent-endings";
import { buildConsentNotice } from "./consent-notice";
import type { ConsentNotice } from "../model/consent-notice.type";
import { visibleApplication } from "../privacy/row-scope";
import { ConsentEndReason, ConsentStatus } from "../model/consent-status";
import { Consent, effectiveConsentStatus } from "../model/consent.entity";
import type { ChooseLenderInput } from "./consent.inputs";
import { LenderEventType } from "../model/webhook-vocabulary";
import { recordLenderEvents } from "../webhooks/outbox";

const DAY_MS = 24 * 60 * 60 * 1000;

const LEAD_STATES_THAT_CAN_BE_CHOSEN = Object.values(LeadStatus).filter(status => canMoveLead(status, LeadStatus.CHOSEN));

/**
 * Leads a consent may be granted on: those that can move to CHOSEN, and those already CHOSEN or
 * APPROVED (choosing again after a withdrawal or an expiry). A lead the lender DECLINED, or one
 * FUNDED or CLOSED, takes none: it would stay as it is while its lender reads identity again.
 */
const LEAD_STATES_THAT_TAKE_A_CONSENT: readonly LeadStatus[] = [...LEAD_STATES_THAT_CAN_BE_CHOSEN, LeadStatus.CHOSEN, LeadStatus.APPROVED];

/**
 * `extensions.reason` of the refusals of chooseLender and consentNotice that share a field, so a
 * frontend can tell "you already chose it" from "you cannot choose it".
 */
export enum ChooseLenderRefusal {
  APPLICATION_NOT_OPEN = "APPLICATION_NOT_OPEN",
  LEAD_NOT_CHOOSABLE = "LEAD_NOT_CHOOSABLE",
  LENDER_SUSPENDED = "LENDER_SUSPENDED",
  CONSENT_ALREADY_ACTIVE = "CONSENT_ALREADY_ACTIVE",
  /** On `categories`: a category an admin has not permitted this lender; a consent may not promise it. */
  CATEGORY_NOT_PERMITTED = "CATEGORY_NOT_PERMITTED",
}

function refuseApplication(status: ApplicationStatus): BadUserInputError {
  return new BadUserInputError("applicationId", `the application is ${status}`, ChooseLenderRefusal.APPLICATION_NOT_OPEN);
}

function refuseLead(status: LeadStatus): BadUserInputError {
  return new BadUserInputError("lenderId", `this lender's lead is ${status} and can no longer be chosen`, ChooseLenderRefusal.LEAD_NOT_CHOOSABLE);
}

function refuseSuspendedLender(): BadUserInputError {
  return new BadUserInputError("lenderId", "this lender is suspended", ChooseLenderRefusal.LENDER_SUSPENDED);
}

function refuseCategories(): BadUserInputError {
  return new BadUserInputError("categories", "names a category this lender may not receive; ask consentNotice for the categories it may", ChooseLenderRefusal.CATEGORY_NOT_PERMITTED);
}

/** Whether every category asked for is one the lender is permitted. */
function allPermitted(categories: readonly PiiCategory[], permitted: readonly PiiCategory[]): boolean {
  return categories.every(category => permitted.includes(category));
}

/** Reads a row locked for this transaction where the driver can (MySQL/MariaDB). */
async function lockRow<T extends Application | Lead>(manager: EntityManager, entity: new () => T, id: string): Promise<T> {
  return manager.getRepository(entity).findOneOrFail({ where: { id } as never, ...forUpdate(manager) });
}

export interface ConsentTerms {
  consentTtlDays: number;
  retentionDays: number;
  applicationOpenDays: number;
}

export class ConsentService {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * The notice for (application, lender, categories), exactly as chooseLender will store it. It
   * lists only the categories asked for that an admin permitted the lender (a notice must not
   * promise what the lender may never receive); if none is, the request is refused.
   */
  async notice(principal: Principal, applicationId: string, lenderId: string, categories: PiiCategory[], terms: ConsentTerms): Promise<ConsentNotice> {
    if (categories.length === 0) throw new BadUserInputError("categories", "must name at least one category");
    const { lender } = await this.choosable(principal, applicationId, lenderId);
    const permitted = categories.filter(category => lender.permittedCategories.includes(category));
    if (permitted.length === 0) throw refuseCategories();
    return this.noticeFor(lender, permitted, terms);
  }

  /**
   * The applicant chooses a lender that has a lead on the application. The consent keeps the
   * notice (recipient, contact, purpose, categories, retention, withdrawal, version) as shown:
   * the notice is built again for this input, and a `noticeVersion` naming another one (other
   * categories, a changed lender or setting) is refused rather than storing what was not shown.
   * A repeat of a choice that is still active with the same categories and notice (a retry after
   * a lost response) returns that consent and writes nothing.
   */
  async choose(principal: Principal, input: ChooseLenderInput, now: Date, terms: ConsentTerms): Promise<Consent> {
    const { application, lead, lender } = await this.choosable(principal, input.applicationId, input.lenderId);
    if (!allPermitted(input.categories, lender.permittedCategories)) throw refuseCategories();
    const notice = this.noticeFor(lender, input.categories, terms);
    if (input.noticeVersion !== undefined && input.noticeVersion !== null && input.noticeVersion !== notice.noticeVersion) {
      throw new BadUserInputError("noticeVersion", "does not match the notice for this choice (it changed, or was shown for other categories); fetch consentNotice again and show it");
    }
    const consent = this.dataSource.getRepository(Consent).create({
      id: randomUUID(),
      applicationId: application.id,
      lenderId: lender.id,
      categoriesStored: encodeCategories(notice.categories),
      storedStatus: ConsentStatus.ACTIVE,
      grantedAt: now,
      expiresAt: new Date(now.getTime() + terms.consentTtlDays * DAY_MS),
      endedAtStored: null,
      endedByStored: null,
      endReasonStored: null,
      noticeVersionStored: notice.noticeVersion,
      noticeStored: { ...notice },
    });
    return this.dataSource.transaction(async manager => {
      // Checked again under a lock of the application row (MySQL; on SQLite one transaction at a
      // time holds the connection, src/common/sqlite-transactions.ts), so a concurrent
      // withdrawal, erasure or second choice cannot leave an ACTIVE consent behind.
      const current = await lockRow(manager, Application, application.id);
      if (current.status !== ApplicationStatus.SUBMITTED) throw refuseApplication(current.status);
      // And the lender, locked: a suspension or a narrowing of its categories in flight either
      // commits first (and is seen here) or waits for this consent (a suspension then terminates
      // it with the others; a narrowing denies its reads from then on). On Galera the write to
      // the row below does this across nodes. An exclusive lock, not a
      // shared one: LOCK IN SHARE MODE is refused by TiDB and routed poorly by Vitess, and FOR
      // SHARE by MariaDB; choices for one lender queue on its row for the few statements below.
      const standing = await manager.getRepository(Lender).findOne({
        where: { id: lender.id }, select: { id: true, status: true, permittedCategoriesStored: true }, ...forUpdate(manager),
      });
      if (standing?.status !== LenderStatus.ACTIVE) throw refuseSuspendedLender();
      if (!allPermitted(input.categories, standing.permittedCategories)) throw refuseCategories();
      // And the lead, locked: a decline in flight either commits first or waits for this choice.
      const currentLead = await lockRow(manager, Lead, lead.id);
      if (!LEAD_STATES_THAT_TAKE_A_CONSENT.includes(currentLead.status)) throw refuseLead(currentLead.status);
      const existing = await manager.getRepository(Consent).findBy({ applicationId: application.id, lenderId: lender.id });
      const { active } = consentStanding(lender.id, existing, now);
      if (active) {
        if (active.categoriesStored === consent.categoriesStored && active.noticeVersion === notice.noticeVersion) return active;
        throw new BadUserInputError(
          "lenderId", "an active consent for this lender exists with other categories or another notice; withdraw it to grant another",
          ChooseLenderRefusal.CONSENT_ALREADY_ACTIVE,
        );
      }
      await manager.getRepository(Consent).insert(consent);
      // A write to the lender's row, not only its lock: on Galera a lock holds on one node, and a
      // suspension or narrowing committed through another node conflicts at certification only
      // with a transaction that wrote the same row; one of the two is then rolled back and re-run.
      await manager.getRepository(Lender).increment({ id: lender.id }, "consentsGranted", 1);
      // A lead chosen again (CHOSEN or APPROVED after a withdrawal) keeps its status; its lender sees the new consent.
      const chosen = LEAD_STATES_THAT_CAN_BE_CHOSEN.includes(currentLead.status) ? { status: LeadStatus.CHOSEN, statusChangedAt: now } : {};
      await manager.getRepository(Lead).update({ id: lead.id, status: currentLead.status }, { ...chosen, updatedAt: now });
      // Also when the lead was CHOSEN before (a choice again after a withdrawal or an expiry):
      // each new consent is news to the lender, whose reads are allowed again.
      await recordLenderEvents(manager, LenderEventType.LEAD_CHOSEN, [{
        lenderId: lender.id,
        data: { leadId: lead.id, applicationId: application.id, consentId: consent.id, categories: notice.categories, expiresAt: consent.expiresAt.toISOString() },
      }], now);
      return consent;
    });
  }

  /** As easy as granting: one call. Withdrawing an ended consent changes nothing and returns it. */
  async withdraw(principal: Principal, consentId: string, now: Date): Promise<Consent> {
    const consent = await this.dataSource.getRepository(Consent).findOneBy({ id: consentId });
    if (!consent) throw new NotFoundError("Consent");
    try {
      await visibleApplication(this.dataSource, consent.applicationId, principal);
    } catch (error) {
      // Only "not yours" becomes NOT_FOUND; a database outage must stay retryable.
      if (error instanceof NotFoundError) throw new NotFoundError("Consent");
      throw error;
    }
    if (effectiveConsentStatus(consent, now) !== ConsentStatus.ACTIVE) return consent;
    await this.dataSource.transaction(manager => endConsents(manager, { ids: [consent.id] }, ConsentEndReason.APPLICANT_WITHDREW, now));
    return (await this.dataSource.getRepository(Consent).findOneBy({ id: consent.id }))!;
  }

  private async choosable(principal: Principal, applicationId: string, lenderId: string): Promise<{ application: Application; lead: Lead; lender: Lender }> {
    const application = await visibleApplication(this.dataSource, applicationId, principal);
    if (application.status !== ApplicationStatus.SUBMITTED) throw refuseApplication(application.status);
    const lead = await this.dataSource.getRepository(Lead).findOneBy({ applicationId: application.id, lenderId });
    if (!lead) throw new NotFoundError("Lead for this lender on this application");
    if (!LEAD_STATES_THAT_TAKE_A_CONSENT.includes(lead.status)) throw refuseLead(lead.status);
    const lender = await this.dataSource.getRepository(Lender).findOneByOrFail({ id: lenderId });
    if (lender.status !== LenderStatus.ACTIVE) throw refuseSuspendedLender();
    return { application, lead, lender };
  }

  private noticeFor(lender: Lender, categories: PiiCategory[], terms: ConsentTerms): ConsentNotice {
    return buildConsentNotice({
      recipientLegalName: lender.legalName,
      recipientContact: lender.contactEmail,
      categories,
      consentTtlDays: terms.consentTtlDays,
      retentionDays: terms.retentionDays,
      applicationOpenDays: terms.applicationOpenDays,
    });
  }
}
