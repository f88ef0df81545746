import { SafeIntResolver } from "graphql-scalars";
import { Field, ID, ObjectType, registerEnumType } from "type-graphql";
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
 * which credential, which application, and the decision. Never the value. Not a table: each is
 * one field of an access record (access-record.entity.ts), shown as its own row.
 */
@ObjectType({ description: "One read of an identity field, granted or denied, by a lender, the applicant or staff. Holds no identity value." })
export class PiiAccess {
  /** Derived from the record's random id and the field's place in it (src/audit/access-log-view.ts): says nothing about other rows. */
  @Field(_type => ID, { description: "Opaque (a random UUID): it says nothing about other rows or how many there are." })
  id: string;

  @Field()
  at: Date;

  @Field(_type => ReaderKind)
  readerKind: ReaderKind;

  /** The record this read belongs to and the read's place in it (internal: cursors name them). */
  recordId: string;
  position: number;

  // SafeInt, not Int: GraphQL's Int stops at 2^31 - 1 leaves, which a busy log passes within a year.
  @Field(_type => SafeIntResolver, {
    nullable: true,
    description: "The leaf of this read's record in the transparency log (GET /transparency/leaves/{logIndex} shows it to you, " +
      "GET /transparency/proof/inclusion proves it is in a checkpoint); the reads of one request and application, read together, share it. Null until sequenced.",
  })
  logIndex: number | null;

  /** The lender that read; null for the applicant's and staff reads. */
  lenderId: string | null;

  /**
   * The staff member (`sub`) or applicant subject that read; null for lenders (named by
   * `lenderId`). Not a field: the applicant sees that staff read, not who.
   */
  readerSubject: string | null;

  @Field(_type => ID, { nullable: true, description: "The lender credential that read: its API key id or public key id; null for applicant and staff reads." })
  credentialId: string | null;

  applicantId: string;

  @Field(_type => ID)
  applicationId: string;

  @Field({ description: "The GraphQL field read, e.g. `phone`." })
  field: string;

  @Field(_type => PiiCategory)
  category: PiiCategory;

  @Field(_type => AccessOutcome)
  outcome: AccessOutcome;

  @Field(_type => String, { nullable: true, description: "Why a read was denied, e.g. NO_CONSENT." })
  reason: string | null;

  @Field(_type => ID, { nullable: true })
  consentId: string | null;
}
