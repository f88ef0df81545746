import { Field, ID, ObjectType } from "type-graphql";
import { Column, Entity, PrimaryColumn } from "typeorm";
import { TIMESTAMP, jsonText } from "../common/columns";
import { PiiCategory, decodeCategories } from "../privacy/pii-category";
import { ConsentStatus } from "./consent-status";

/** What the applicant was shown when they chose the lender, kept word for word. */
export interface ConsentNotice {
  recipientLegalName: string;
  recipientContact: string;
  purpose: string;
  categories: PiiCategory[];
  noticeVersion: string;
}

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

  @Field(_type => Date, { nullable: true })
  @Column({ name: "ended_at", ...TIMESTAMP, nullable: true })
  endedAt: Date | null;

  @Column({ type: "text", transformer: jsonText })
  notice: ConsentNotice;

  @Field(_type => [PiiCategory])
  get categories(): PiiCategory[] {
    return decodeCategories(this.categoriesStored);
  }

  @Field(_type => ConsentStatus)
  get status(): ConsentStatus {
    return effectiveConsentStatus(this, new Date());
  }
}

export function effectiveConsentStatus(consent: Pick<Consent, "storedStatus" | "expiresAt">, now: Date): ConsentStatus {
  if (consent.storedStatus === ConsentStatus.ACTIVE && consent.expiresAt.getTime() <= now.getTime()) {
    return ConsentStatus.EXPIRED;
  }
  return consent.storedStatus;
}
