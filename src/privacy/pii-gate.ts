import DataLoader from "dataloader";
import { DataSource } from "typeorm";
import { AccessRecord, writeAccessLog } from "../audit/access-log-writer";
import { AccessOutcome } from "../audit/pii-access.entity";
import { Principal } from "../auth/principal";
import { Consent } from "../consents/consent.entity";
import { isDatabaseUnavailable } from "../common/database-availability";
import { ErrorCode, ForbiddenError, GatewayError, ServiceUnavailableError } from "../errors";
import { Lender } from "../lenders/lender.entity";
import { countIdentityReads, identityAuditFailures } from "../metrics/metrics";
import { AccessDecision, DenialReason, decideLenderAccess } from "./consent-policy";
import { consentsForDecision } from "./decision-consents";
import { PiiCategory } from "./pii-category";
import { quotaServiceFor } from "../quotas/quota-registry";
import { RateLimitedError } from "../quotas/rate-limited.error";

/** What the gate needs to know about the object whose @pii field is being read. */
export interface PiiSubject {
  applicantId: string;
  applicationId: string;
  applicantSubject: string;
}

/** How a permitted value leaves the server. */
export type Disclosure = "plain" | "masked";

interface LenderRead {
  subject: PiiSubject;
  field: string;
  category: PiiCategory;
}

/**
 * One per request. Lender reads of one response are decided together: one query for the
 * consents of every application on the page, one multi-row insert into the access log,
 * awaited before any value is released. Nothing outlives the request, so a withdrawal is
 * seen by the next request.
 */
export class PiiGate {
  private readonly lenderReads: DataLoader<LenderRead, AccessDecision, string> | null;

  constructor(private readonly dataSource: DataSource, private readonly principal: Principal, private readonly now: Date) {
    this.lenderReads =
      principal.kind === "lender"
        ? new DataLoader(reads => this.decideAndAudit(principal.lender, reads), {
            cacheKeyFn: read => `${read.subject.applicationId}\u0000${read.field}`,
          })
        : null;
  }

  /** Resolves how the value may be disclosed, or throws FORBIDDEN with the reason. */
  async authorize(subject: PiiSubject, field: string, category: PiiCategory): Promise<Disclosure> {
    const principal = this.principal;
    switch (principal.kind) {
      case "applicant":
        if (principal.subject === subject.applicantSubject) return "plain";
        throw deniedError(DenialReason.NOT_OWNER);
      case "admin":
        return "masked";
      case "lender": {
        const decision = await this.lenderReads!.load({ subject, field, category });
        if (decision.allowed) return "plain";
        throw deniedError(decision.reason);
      }
      default: {
        const unreachable: never = principal;
        return unreachable;
      }
    }
  }

  private async decideAndAudit(lender: Lender, reads: readonly LenderRead[]): Promise<AccessDecision[]> {
    // The daily read budget (src/quotas): past it, RATE_LIMITED at every field of the batch.
    // Refused reads are reads too: each is logged DENIED (reason DAILY_READ_BUDGET) before the
    // refusal leaves, so the applicant and the auditor see the attempt.
    try {
      await quotaServiceFor(this.dataSource)?.chargeIdentityReads(lender, reads.length, this.now);
    } catch (error) {
      if (!(error instanceof RateLimitedError)) throw error;
      await this.audit(reads.map(read => this.record(lender, read, { outcome: AccessOutcome.DENIED, reason: error.reason, consentId: null })));
      throw error;
    }
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
    const deciding = { id: lender.id, status: lender.status, permittedCategories: lender.permittedCategories };
    const decisions = reads.map(read =>
      decideLenderAccess(deciding, read.category, consentsOf.get(read.subject.applicationId) ?? [], this.now),
    );
    await this.audit(reads.map((read, index) => {
      const decision = decisions[index];
      return decision.allowed
        ? this.record(lender, read, { outcome: AccessOutcome.GRANTED, reason: null, consentId: decision.consentId })
        : this.record(lender, read, { outcome: AccessOutcome.DENIED, reason: decision.reason, consentId: decision.consentId });
    }));
    countIdentityReads(reads.map((read, index) => ({ category: read.category, ...decisions[index] })));
    return decisions;
  }

  private record(lender: Lender, read: LenderRead, decided: Pick<AccessRecord, "outcome" | "reason" | "consentId">): AccessRecord {
    return {
      at: this.now,
      lenderId: lender.id,
      applicantId: read.subject.applicantId,
      applicationId: read.subject.applicationId,
      field: read.field,
      category: read.category,
      ...decided,
    };
  }

  /** Fail closed: a read that cannot be audited does not happen. */
  private async audit(records: AccessRecord[]): Promise<void> {
    try {
      await writeAccessLog(this.dataSource, records);
    } catch (error) {
      identityAuditFailures.inc();
      if (isDatabaseUnavailable(error)) throw new ServiceUnavailableError();
      throw new GatewayError(ErrorCode.INTERNAL_SERVER_ERROR, "The read could not be audited, so the value was withheld");
    }
  }
}

function deniedError(reason: DenialReason): ForbiddenError {
  return new ForbiddenError(`Identity field not available: ${reason}`, reason);
}
