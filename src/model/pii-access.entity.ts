import { Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";
import { TIMESTAMP } from "./columns";
import { PiiCategory } from "./pii-category";

export enum AccessOutcome {
  GRANTED = "GRANTED",
  DENIED = "DENIED",
}

registerEnumType(AccessOutcome, { name: "AccessOutcome" });

/** Who read: a lender (under consent), the applicant itself, or a staff member (masked). */
export enum ReaderKind {
  LENDER = "LENDER",
  APPLICANT = "APPLICANT",
  ADMIN = "ADMIN",
}

registerEnumType(ReaderKind, {
  name: "ReaderKind",
  description: "Who read an identity field: a LENDER (its value under consent), the APPLICANT itself, or an ADMIN (masked).",
});

/**
 * One read of one identity field, by a lender, the applicant or a staff member: who, when, with
 * which credential, which application, and the decision. Never the value.
 */
@ObjectType({ description: "One read of an identity field, granted or denied, by a lender, the applicant or staff. Holds no identity value." })
@Entity("pii_access_log")
export class PiiAccess {
  /** Insertion order, internal only: shown, it would tell how many reads the gateway logged in all. */
  @PrimaryGeneratedColumn({ type: "int" })
  seq: number;

  /** A random UUID given at insert (src/privacy/access-log-writer.ts): says nothing about other rows. */
  @Field(_type => ID, { description: "Opaque (a random UUID): it says nothing about other rows or how many there are." })
  @Column({ type: "varchar", length: 36 })
  id: string;

  @Field()
  @Column({ ...TIMESTAMP })
  at: Date;

  @Field(_type => ReaderKind)
  @Column({ name: "reader_kind", type: "varchar", length: 16, default: ReaderKind.LENDER })
  readerKind: ReaderKind;

  /** The lender that read; null for the applicant's and staff reads. */
  @Column({ name: "lender_id", type: "varchar", length: 36, nullable: true })
  lenderId: string | null;

  /**
   * The staff member (`sub`) or applicant subject that read; null for lenders (named by
   * `lenderId`). Not a field: the applicant sees that staff read, not who.
   */
  @Column({ name: "reader_subject", type: "varchar", length: 128, nullable: true })
  readerSubject: string | null;

  @Field(_type => ID, { nullable: true, description: "The lender credential that read: its API key id or public key id; null for applicant and staff reads." })
  @Column({ name: "credential_id", type: "varchar", length: 36, nullable: true })
  credentialId: string | null;

  @Column({ name: "applicant_id", type: "varchar", length: 36 })
  applicantId: string;

  @Field(_type => ID)
  @Column({ name: "application_id", type: "varchar", length: 36 })
  applicationId: string;

  @Field({ description: "The GraphQL field read, e.g. `phone`." })
  @Column({ type: "varchar", length: 64 })
  field: string;

  @Field(_type => PiiCategory)
  @Column({ type: "varchar", length: 16 })
  category: PiiCategory;

  @Field(_type => AccessOutcome)
  @Column({ type: "varchar", length: 8 })
  outcome: AccessOutcome;

  @Field(_type => String, { nullable: true, description: "Why a read was denied, e.g. NO_CONSENT." })
  @Column({ type: "varchar", length: 32, nullable: true })
  reason: string | null;

  @Field(_type => ID, { nullable: true })
  @Column({ name: "consent_id", type: "varchar", length: 36, nullable: true })
  consentId: string | null;
}
