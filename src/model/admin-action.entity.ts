import { SafeIntResolver } from "graphql-scalars";
import { Field, ID, ObjectType } from "type-graphql";
import { Column, Entity, PrimaryColumn } from "typeorm";
import { BIGINT_NUMBER, TIMESTAMP } from "./columns";

/**
 * One privileged act of a staff member: a change to a lender, a decision on another admin's
 * change, a read of an application. Written in the same transaction as the act, so an act
 * without its record cannot happen. Holds ids and a summary, never an identity value.
 */
@ObjectType({ description: "A privileged action of an admin, recorded with the act itself. Holds no identity value." })
@Entity("admin_actions")
export class AdminAction {
  @Field(_type => ID)
  @PrimaryColumn({ type: "varchar", length: 36 })
  id: string;

  @Field()
  @Column({ ...TIMESTAMP })
  at: Date;

  @Field({ description: "The admin who acted: the `sub` of its token, a person. Admins only: FORBIDDEN to a lender reading Lender.adminActions." })
  @Column({ type: "varchar", length: 128 })
  actor: string;

  @Field({ description: "What was done: the operation's name, e.g. `setFieldPermissions`, `approveAdminChange`, `readApplication`." })
  @Column({ type: "varchar", length: 64 })
  action: string;

  @Field(_type => ID, { nullable: true })
  @Column({ name: "lender_id", type: "varchar", length: 36, nullable: true })
  lenderId: string | null;

  @Field(_type => ID, { nullable: true })
  @Column({ name: "application_id", type: "varchar", length: 36, nullable: true })
  applicationId: string | null;

  @Column({ type: "varchar", length: 500 })
  summary: string;

  @Field({ description: "The request that did it, as in the gateway's log line of that request (`x-request-id`)." })
  @Column({ name: "request_id", type: "varchar", length: 36 })
  requestId: string;

  @Field(_type => SafeIntResolver, { nullable: true, description: "This record's leaf in the transparency log (GET /transparency/leaves/{logIndex}); null until sequenced, within TRANSPARENCY_MERGE_DELAY_SECONDS." })
  @Column({ name: "log_index", ...BIGINT_NUMBER, nullable: true })
  logIndex: number | null;
}
