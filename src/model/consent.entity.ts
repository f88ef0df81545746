import { Field, ID, ObjectType } from "type-graphql";
import { Column, Entity, PrimaryColumn } from "typeorm";
import { TIMESTAMP, jsonText } from "./columns";
import { PiiCategory, decodeCategories } from "./pii-category";
import { ConsentEndReason, ConsentEndedBy, ConsentStatus } from "./consent-status";
import { ConsentNotice } from "./consent-notice.type";

/** Stored notice: consents granted before the notice grew hold only the first five fields. */
export type StoredConsentNotice = Pick<ConsentNotice, "recipientLegalName" | "recipientContact" | "purpose" | "categories" | "noticeVersion">
  & Partial<Pick<ConsentNotice, "retention" | "howToWithdraw" | "text">>;

@ObjectType({ description: "An applicant's consent that one lender may read some identity categories for one application." })
@Entity("consents")
export class Consent {
  @Field(_type => ID)
  @PrimaryColumn({ type: "varchar", length: 36 })
  id: string;

  @Column({ name: "application_id", type: "varchar", length: 36 })
  applicationId: string;

  @Column({ name: "lender_id", type: "varchar", length: 36 })
  lenderId: string;

  @Column({ name: "categories", type: "varchar", length: 100 })
  categoriesStored: string;

  /** Stored state; an ACTIVE consent past `expiresAt` reads as EXPIRED (see `status`). */
  @Column({ name: "status", type: "varchar", length: 16 })
  storedStatus: ConsentStatus;

  @Field()
  @Column({ name: "granted_at", ...TIMESTAMP })
  grantedAt: Date;

  @Field()
  @Column({ name: "expires_at", ...TIMESTAMP })
  expiresAt: Date;

  @Column({ name: "ended_at", ...TIMESTAMP, nullable: true })
  endedAtStored: Date | null;

  @Column({ name: "ended_by", type: "varchar", length: 16, nullable: true })
  endedByStored: ConsentEndedBy | null;

  @Column({ name: "end_reason", type: "varchar", length: 32, nullable: true })
  endReasonStored: ConsentEndReason | null;

  @Column({ name: "notice_version", type: "varchar", length: 32, nullable: true })
  noticeVersionStored: string | null;

  @Column({ name: "notice", type: "text", transformer: jsonText })
  noticeStored: StoredConsentNotice;

  @Field(_type => [PiiCategory])
  get categories(): PiiCategory[] {
    return decodeCategories(this.categoriesStored);
  }

  /**
   * The state at `now` (the request's instant, so one response tells one story): an ACTIVE
   * consent past `expiresAt` reads as EXPIRED before the retention job records it.
   */
  statusAt(now: Date): ConsentStatus {
    return effectiveConsentStatus(this, now);
  }

  /** How it ended as seen at `now`; an expiry not yet recorded ended at its expiry time, by the system. */
  endingAt(now: Date): { endedAt: Date | null; endedBy: ConsentEndedBy | null; endReason: ConsentEndReason | null } {
    const lazilyExpired = this.storedStatus === ConsentStatus.ACTIVE && effectiveConsentStatus(this, now) === ConsentStatus.EXPIRED;
    return {
      endedAt: this.endedAtStored ?? (lazilyExpired ? this.expiresAt : null),
      endedBy: this.endedByStored ?? (lazilyExpired ? ConsentEndedBy.SYSTEM : null),
      endReason: this.endReasonStored ?? (lazilyExpired ? ConsentEndReason.TTL_ELAPSED : null),
    };
  }

  @Field({ description: "The notice version the applicant was shown." })
  get noticeVersion(): string {
    return this.noticeVersionStored ?? this.noticeStored.noticeVersion;
  }

  @Field(_type => ConsentNotice, { description: "The notice as the applicant was shown it." })
  get notice(): ConsentNotice {
    return Object.assign(new ConsentNotice(), { retention: "", howToWithdraw: "", text: "", ...this.noticeStored });
  }
}

export function effectiveConsentStatus(consent: Pick<Consent, "storedStatus" | "expiresAt">, now: Date): ConsentStatus {
  if (consent.storedStatus === ConsentStatus.ACTIVE && consent.expiresAt.getTime() <= now.getTime()) {
    return ConsentStatus.EXPIRED;
  }
  return consent.storedStatus;
}
