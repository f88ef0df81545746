import { Field, ID, Int, ObjectType } from "type-graphql";
import { Column, Entity, PrimaryColumn } from "typeorm";
import { TIMESTAMP } from "./columns";
import { LeadStatus } from "./lead-status";

@ObjectType({ description: "One application offered to one lender. Lenders see only their own." })
@Entity("leads")
export class Lead {
  @Field(_type => ID)
  @PrimaryColumn({ type: "varchar", length: 36 })
  id: string;

  @Column({ name: "application_id", type: "varchar", length: 36 })
  applicationId: string;

  @Column({ name: "lender_id", type: "varchar", length: 36 })
  lenderId: string;

  @Field(_type => LeadStatus)
  @Column({ type: "varchar", length: 16 })
  status: LeadStatus;

  @Field(_type => Int, { nullable: true, description: "Whole CNY, once the lender reported FUNDED." })
  @Column({ name: "funded_amount", type: "int", nullable: true })
  fundedAmount: number | null;

  @Field()
  @Column({ name: "created_at", ...TIMESTAMP })
  createdAt: Date;

  @Field({
    description: "When anything its lender sees of this lead last changed: its status, its offer, a consent chosen or ended, " +
      "the application withdrawn, closed or erased. Not moved by time alone: a consent expires at its `expiresAt`. " +
      "Poll with `leads(changedSince:)`.",
  })
  @Column({ name: "updated_at", ...TIMESTAMP })
  updatedAt: Date;

  /**
   * When the lead's status last moved (or its offer was revised): what the referral report dates
   * an outcome by and what the idle-application rule counts as activity. Unlike updatedAt it does
   * not move with consents or the application's end, so an erasure or a suspension neither
   * re-dates a funding nor keeps an application open. Null only in a row an older gateway wrote.
   */
  @Column({ name: "status_changed_at", ...TIMESTAMP, nullable: true })
  statusChangedAt: Date | null;
}
