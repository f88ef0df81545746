import DataLoader from "dataloader";
import { DataSource } from "typeorm";
import type { AccessRecordDraft, AccessRecordWriter } from "./access-log-writer";
import type { FieldRead as RecordedRead } from "../model/access-record.entity";
import { AccessOutcome, ReaderKind } from "../model/pii-access.type";
import type { Principal } from "../model/principal";
import type { Consent } from "../model/consent.entity";
import { isDatabaseUnavailable, isLockConflict } from "../errors/database-availability";
import { ErrorCode, ForbiddenError, GatewayError, ServiceUnavailableError } from "../errors/gateway-error";
import type { Lender } from "../model/lender.entity";
import { countIdentityReads, identityAuditFailures } from "../metrics/metrics";
import type { DenialReason } from "./consent-policy";
import { type Disclosure, type FieldDecision, type PiiSubject, decideFieldAccess } from "./field-access";
import { consentsForDecision } from "./decision-consents";
import type { PiiCategory } from "../model/pii-category";
import { RateLimitedError } from "../errors/rate-limited.error";

/**
 * A lender's daily budget of granted identity reads (src/quotas implements it; the server hands
 * it in). Rejects with RateLimitedError when `reads` do not fit in what is left today.
 */
export interface IdentityReadBudget {
  chargeIdentityReads(lender: Lender, reads: number, now: Date): Promise<void>;
}

type LenderPrincipal = Extract<Principal, { kind: "lender" }>;

interface FieldRead {
  subject: PiiSubject;
  field: string;
  category: PiiCategory;
}

/**
 * One per request. The identity reads of one response are decided together: for a lender, one
 * query for the consents of every application on the page; for every reader, one multi-row
 * insert of access records (one per application read, listing its fields), awaited before any
 * value is released. Nothing outlives the request, so a withdrawal is
 * seen by the next request.
 */
export class PiiGate {
  private readonly reads: DataLoader<FieldRead, FieldDecision, string>;

  /** `budget`: null only where no quotas run (a gateway always hands its quota service in). */
  constructor(
    private readonly dataSource: DataSource,
    private readonly accessLog: AccessRecordWriter,
    principal: Principal,
    private readonly requestId: string,
    private readonly now: Date,
    private readonly budget: IdentityReadBudget | null,
  ) {
    this.reads = new DataLoader<FieldRead, FieldDecision, string>(
      reads => (principal.kind === "lender" ? this.decideAndAudit(principal, reads) : this.decideAndAuditOwnOrStaff(principal, reads)),
      { cacheKeyFn: read => `${read.subject.applicationId}\u0000${read.field}` },
    );
  }

  /**
   * Forgets the decisions made so far in this request. A mutation can end a consent (a DECLINED
   * outcome, a withdrawal): identity read after it, in the same request, is decided again.
   */
  forgetDecisions(): void {
    this.reads.clearAll();
  }

  /**
   * Resolves how the value may be disclosed, or throws FORBIDDEN with the reason. The rule is
   * field-access.ts; the reads of one response are batched, decided there and audited here,
   * whoever reads: a lender, the applicant itself, or staff.
   */
  async authorize(subject: PiiSubject, field: string, category: PiiCategory): Promise<Disclosure> {
    // Rejects with RATE_LIMITED when a lender read is past the lender's daily budget.
    const decision = await this.reads.load({ subject, field, category });
    if (decision.allowed) return decision.disclosure;
    throw deniedError(decision.reason);
  }

  /**
   * The applicant's reads of its own values and staff reads (masked) are decided without
   * consents and logged like a lender's, before any value leaves: the applicant's access log
   * shows every read of its data, and nobody at the operator reads identity unrecorded.
   */
  private async decideAndAuditOwnOrStaff(principal: Exclude<Principal, LenderPrincipal>, reads: readonly FieldRead[]): Promise<FieldDecision[]> {
    const decisions = reads.map(read => decideFieldAccess(principal, read.subject, read.category, [], this.now));
    const reader = { readerKind: principal.kind === "admin" ? ReaderKind.ADMIN : ReaderKind.APPLICANT, lenderId: null, readerSubject: principal.subject, credentialId: null };
    await this.audit(reader, reads, reads.map((read, index) => {
      const decision = decisions[index];
      return recorded(read, decision.allowed ? AccessOutcome.GRANTED : AccessOutcome.DENIED, decision.allowed ? null : decision.reason, null);
    }));
    return decisions;
  }

  /**
   * Decides every read of the batch, then charges the lender's daily budget (src/quotas) with
   * the reads that would be granted: a denied read reveals nothing, so it costs nothing (it is
   * audited, and probing shows in `lenderAnomalies`). When the granted reads do not fit in what
   * is left of the budget, each of them is refused instead (RATE_LIMITED, logged DENIED with
   * reason DAILY_READ_BUDGET); the other reads keep their own reasons. Every row is written
   * before any value leaves.
   */
  private async decideAndAudit({ lender, credential }: LenderPrincipal, reads: readonly FieldRead[]): Promise<Array<FieldDecision | RateLimitedError>> {
    const applicationIds = [...new Set(reads.map(read => read.subject.applicationId))];
    // Only what the rule reads: not the notice shown to the applicant (a JSON text per consent,
    // most of the bytes of this statement on a page of 100).
    const consents = await consentsForDecision(this.dataSource, lender.id, applicationIds);
    // Grouped once: a page of 100 leads is 400 reads, and filtering the consents per read was quadratic.
    const consentsOf = new Map<string, Consent[]>();
    for (const consent of consents) {
      // Decoded once, not at each of the consent's four reads; these objects live for this batch only.
      Object.defineProperty(consent, "categories", { value: consent.categories });
      const own = consentsOf.get(consent.applicationId);
      if (own) own.push(consent);
      else consentsOf.set(consent.applicationId, [consent]);
    }
    // The categories decoded once for the batch, not at each of its reads.
    const deciding = { kind: "lender" as const, lender: { id: lender.id, status: lender.status, permittedCategories: lender.permittedCategories } };
    const decisions = reads.map(read =>
      decideFieldAccess(deciding, read.subject, read.category, consentsOf.get(read.subject.applicationId) ?? [], this.now),
    );
    const overBudget = await this.chargeGranted(lender, decisions.filter(decision => decision.allowed).length);
    const reader = { readerKind: ReaderKind.LENDER, lenderId: lender.id, readerSubject: null, credentialId: credential.id };
    await this.audit(reader, reads, reads.map((read, index) => {
      const decision = decisions[index];
      if (!decision.allowed) return recorded(read, AccessOutcome.DENIED, decision.reason, decision.consentId);
      if (overBudget) return recorded(read, AccessOutcome.DENIED, overBudget.reason, decision.consentId);
      return recorded(read, AccessOutcome.GRANTED, null, decision.consentId);
    }));
    countIdentityReads(reads.map((read, index) => {
      const decision = decisions[index];
      return decision.allowed && overBudget ? { category: read.category, allowed: false, reason: overBudget.reason } : { category: read.category, ...decision };
    }));
    // DataLoader rejects the load of a key whose result is an Error: those fields get RATE_LIMITED.
    return decisions.map(decision => (decision.allowed && overBudget ? overBudget : decision));
  }

  /** Null when `granted` reads fit in the lender's budget (and are now counted), else the refusal. */
  private async chargeGranted(lender: Lender, granted: number): Promise<RateLimitedError | null> {
    try {
      await this.budget?.chargeIdentityReads(lender, granted, this.now);
      return null;
    } catch (error) {
      if (error instanceof RateLimitedError) return error;
      throw error;
    }
  }

  /**
   * Fail closed: a read that cannot be audited does not happen. One record per application of
   * the batch, listing its reads in the order they were asked for.
   */
  private async audit(reader: Pick<AccessRecordDraft, "readerKind" | "lenderId" | "readerSubject" | "credentialId">, reads: readonly FieldRead[], decided: RecordedRead[]): Promise<void> {
    const byApplication = new Map<string, AccessRecordDraft>();
    reads.forEach((read, index) => {
      const own = byApplication.get(read.subject.applicationId);
      if (own) own.reads.push(decided[index]);
      else {
        byApplication.set(read.subject.applicationId, {
          at: this.now, requestId: this.requestId, ...reader,
          applicantId: read.subject.applicantId, applicationId: read.subject.applicationId, reads: [decided[index]],
        });
      }
    });
    try {
      await this.accessLog.write([...byApplication.values()]);
    } catch (error) {
      identityAuditFailures.inc();
      if (isDatabaseUnavailable(error) || isLockConflict(error)) throw new ServiceUnavailableError();
      throw new GatewayError(ErrorCode.INTERNAL_SERVER_ERROR, "The read could not be audited, so the value was withheld");
    }
  }
}

function recorded(read: FieldRead, outcome: AccessOutcome, reason: string | null, consentId: string | null): RecordedRead {
  return { field: read.field, category: read.category, outcome, reason, consentId };
}

function deniedError(reason: DenialReason): ForbiddenError {
  return new ForbiddenError(`Identity field not available: ${reason}`, reason);
}
