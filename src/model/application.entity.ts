import { Field, ID, Int, ObjectType } from "type-graphql";
import { Column, Entity, PrimaryColumn } from "typeorm";
import { TIMESTAMP } from "./columns";
import { ApplicationStatus, LoanPurpose } from "./application-enums";
import type { AgeBand, IncomeBand } from "./bands";

@ObjectType({ description: "A loan application, submitted by an applicant through the supermarket." })
@Entity("applications")
export class Application {
  @Field(_type => ID)
  @PrimaryColumn({ type: "varchar", length: 36 })
  id: string;

  /** The identity submitted with this application (one applicants row per application, never shared). */
  @Column({ name: "applicant_id", type: "varchar", length: 36 })
  applicantId: string;

  /**
   * The token subject of the person who submitted it (pseudonymous, not identity): row scope,
   * and with `idempotencyKey` the unique index that makes submission idempotent per person.
   */
  @Column({ name: "applicant_subject", type: "varchar", length: 128 })
  applicantSubject: string;

  @Field(_type => Int, { description: "Whole CNY." })
  @Column({ type: "int" })
  amount: number;

  @Field(_type => Int)
  @Column({ name: "term_months", type: "int" })
  termMonths: number;

  @Field(_type => LoanPurpose)
  @Column({ type: "varchar", length: 32 })
  purpose: LoanPurpose;

  /**
   * The applicant's city as its six-digit GB/T 2260 code (src/regions), never the text typed:
   * lenders see this without consent, so it holds a closed vocabulary only. `000000` is the
   * unknown region (a city stored before names were checked that named no division).
   */
  @Column({ name: "city", type: "varchar", length: 64 })
  regionCode: string;

  /**
   * The only trace of the monthly income: the exact figure is used to compute this band at
   * submission and is not stored (data minimisation; lenders see the band).
   */
  @Column({ name: "income_band", type: "varchar", length: 16 })
  incomeBand: IncomeBand;

  /** Derived from the birth date inside the ID number at submission; the date is not kept. */
  @Column({ name: "age_band", type: "varchar", length: 16 })
  ageBand: AgeBand;

  @Field(_type => ApplicationStatus)
  @Column({ type: "varchar", length: 16 })
  status: ApplicationStatus;

  @Column({ name: "idempotency_key", type: "varchar", length: 128 })
  idempotencyKey: string;

  /** HMAC of the submitted payload: detects a reused key with another payload without keeping it. */
  @Column({ name: "request_fingerprint", type: "varchar", length: 64 })
  requestFingerprint: string;

  @Field()
  @Column({ name: "created_at", ...TIMESTAMP })
  createdAt: Date;

  /** When it was withdrawn, funded or closed for inactivity; the retention period counts from here. */
  @Column({ name: "closed_at", ...TIMESTAMP, nullable: true })
  closedAt: Date | null;
}
