import { Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";
import { TIMESTAMP } from "./columns";
import { PiiCategory } from "./pii-category";

export enum AccessOutcome {
  GRANTED = "GRANTED",
  DENIED = "DENIED",
}

registerEnumType(AccessOutcome, { name: "AccessOutcome" });

/** One lender read of one identity field: who, when, which application, and the decision. Never the value. */
@ObjectType({ description: "One lender read of an identity field, granted or denied. Holds no identity value." })
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

  @Column({ name: "lender_id", type: "varchar", length: 36 })
  lenderId: string;

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
