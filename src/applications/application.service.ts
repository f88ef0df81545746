import { createHmac, randomUUID } from "node:crypto";
import { DataSource, EntityManager } from "typeorm";
import type { Principal } from "../model/principal";
import { BadUserInputError, IdempotencyConflictError } from "../errors/gateway-error";
import { closeApplication } from "../lifecycle/application-closing";
import { LenderEventType } from "../model/webhook-vocabulary";
import { recordLenderEvents } from "../webhooks/outbox";
import { visibleApplication } from "../privacy/row-scope";
import { Lead } from "../model/lead.entity";
import { LeadStatus } from "../model/lead-status";
import { lenderMatches } from "../leads/matching";
import { LenderStatus } from "../model/lender-status";
import { Lender } from "../model/lender.entity";
import type { PiiKeyring } from "../privacy/encryption";
import { ApplicantRecord } from "../model/applicant.entity";
import { type IdentityValues, sealIdentity } from "../privacy/applicant-identity-store";
import { normalizeSubmission } from "./applicant-identity";
import { ApplicationStatus } from "../model/application-enums";
import { Application } from "../model/application.entity";
import type { SubmitApplicationInput } from "./application.inputs";

const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

export class ApplicationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly fingerprintKey: Buffer,
    private readonly keyring: PiiKeyring,
  ) {}

  /**
   * Idempotent per (applicant subject, key): a retry returns the first result; another payload
   * conflicts. Concurrent first attempts are settled by the unique (applicant_subject,
   * idempotency_key) index: the losers roll back, their identity row with them.
   */
  async submit(subject: string, input: SubmitApplicationInput, idempotencyKey: string, now: Date): Promise<Application> {
    if (!IDEMPOTENCY_KEY_PATTERN.test(idempotencyKey)) {
      throw new BadUserInputError("idempotencyKey", "must be 1-128 characters of letters, digits and . _ : -");
    }
    const { submission, derived } = normalizeSubmission(input, now);
    const fingerprint = createHmac("sha256", this.fingerprintKey).update(JSON.stringify(submission)).digest("hex");

    const replay = await this.findReplay(subject, idempotencyKey, fingerprint);
    if (replay) return replay;
    try {
      return await this.dataSource.transaction(async manager => {
        const applicant = await this.insertIdentity(manager, subject, submission, now);
        const application = manager.getRepository(Application).create({
          id: randomUUID(),
          applicantId: applicant.id,
          applicantSubject: subject,
          amount: submission.amount,
          termMonths: submission.termMonths,
          purpose: input.purpose,
          regionCode: derived.regionCode,
          incomeBand: derived.incomeBand,
          ageBand: derived.ageBand,
          status: ApplicationStatus.SUBMITTED,
          idempotencyKey,
          requestFingerprint: fingerprint,
          createdAt: now,
          closedAt: null,
        });
        await manager.getRepository(Application).insert(application);
        const lenders = await manager.getRepository(Lender).findBy({ status: LenderStatus.ACTIVE });
        const leads = lenders
          .filter(lender => lenderMatches(lender, application))
          .map(lender => manager.getRepository(Lead).create({
            id: randomUUID(), applicationId: application.id, lenderId: lender.id, status: LeadStatus.NEW,
            fundedAmount: null, createdAt: now, updatedAt: now, statusChangedAt: now,
          }));
        if (leads.length > 0) await manager.getRepository(Lead).insert(leads);
        await recordLenderEvents(manager, LenderEventType.LEAD_CREATED, leads.map(lead => ({
          lenderId: lead.lenderId, data: { leadId: lead.id, applicationId: lead.applicationId, status: lead.status },
        })), now);
        return application;
      });
    } catch (error) {
      // A concurrent retry with the same key won the unique index: answer as a retry would.
      const raced = await this.findReplay(subject, idempotencyKey, fingerprint);
      if (raced) return raced;
      throw error;
    }
  }

  private async findReplay(subject: string, idempotencyKey: string, fingerprint: string): Promise<Application | null> {
    const existing = await this.dataSource.getRepository(Application).findOneBy({ applicantSubject: subject, idempotencyKey });
    if (!existing) return null;
    if (existing.requestFingerprint !== fingerprint) throw new IdempotencyConflictError();
    return existing;
  }

  /**
   * Every submission's identity is a new row, sealed before it is written (src/privacy/encryption.ts)
   * and bound to that row's id. Never an update of an earlier row: a lender that was given the
   * identity of an earlier application must keep seeing exactly that, not this submission's.
   */
  private async insertIdentity(manager: EntityManager, subject: string, identity: IdentityValues, now: Date): Promise<ApplicantRecord> {
    const repository = manager.getRepository(ApplicantRecord);
    const id = randomUUID();
    const created = repository.create({ id, subject, ...sealIdentity(this.keyring, id, identity), erasedAt: null, createdAt: now, updatedAt: now });
    await repository.insert(created);
    return created;
  }

  /** Withdrawal closes every open lead and terminates every active consent of the application. */
  async withdraw(id: string, principal: Principal, now: Date): Promise<Application> {
    const application = await visibleApplication(this.dataSource, id, principal);
    if (application.status === ApplicationStatus.WITHDRAWN) return application;
    if (application.status !== ApplicationStatus.SUBMITTED) {
      throw new BadUserInputError("id", `an application that is ${application.status} cannot be withdrawn`);
    }
    await this.dataSource.transaction(async manager => {
      // Conditional on the state read above: a FUNDED report (or another withdrawal) that
      // committed since then is not overwritten; the loser is refused with the state it lost to.
      if (await closeApplication(manager, id, { kind: "WITHDRAWN" }, now)) return;
      const current = await manager.getRepository(Application).findOneByOrFail({ id });
      // A concurrent withdrawal did the work: withdrawing stays idempotent.
      if (current.status === ApplicationStatus.WITHDRAWN) return;
      throw new BadUserInputError("id", `an application that is ${current.status} cannot be withdrawn`);
    });
    application.status = ApplicationStatus.WITHDRAWN;
    return application;
  }
}
