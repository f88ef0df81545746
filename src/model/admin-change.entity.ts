import { Field, ID, ObjectType } from "type-graphql";
import { Column, Entity, PrimaryColumn } from "typeorm";
import { AdminChangeKind, AdminChangeStatus } from "./admin-change-status";
import { BIGINT_NUMBER, TIMESTAMP, jsonText } from "./columns";
import type { PiiCategory } from "./pii-category";

/**
 * What a change will do, and the state it was requested against: an approval applies it only if
 * that state still holds, so a change made stale by a later narrowing is refused.
 */
export type AdminChangePayload = (
  | { kind: AdminChangeKind.PERMIT_CATEGORIES; add: PiiCategory[]; basis: PiiCategory[] }
  | { kind: AdminChangeKind.REACTIVATE_LENDER }
  | { kind: AdminChangeKind.RAISE_READ_BUDGET; budget: number | null; basis: number | null }
  | { kind: AdminChangeKind.REGISTER_LENDER_KEY; publicKeyId: string }
) & {
  /** The lender's `accessVersion` when the change was requested. */
  basisVersion: number;
};

@ObjectType({ description: "A change one admin requested that widens what a lender may receive; it applies when a different admin approves it." })
@Entity("admin_changes")
export class AdminChange {
  @Field(_type => ID)
  @PrimaryColumn({ type: "varchar", length: 36 })
  id: string;

  @Field(_type => AdminChangeKind)
  @Column({ type: "varchar", length: 32 })
  kind: AdminChangeKind;

  @Column({ name: "lender_id", type: "varchar", length: 36 })
  lenderId: string;

  @Field({ description: "What it will do, in words, e.g. `permit NAME, PHONE`." })
  @Column({ type: "varchar", length: 500 })
  summary: string;

  @Column({ type: "text", transformer: jsonText })
  payload: AdminChangePayload;

  @Field({ description: "The admin who requested it (`sub` of its token). Admins only: FORBIDDEN to the lender reading its own pending changes." })
  @Column({ name: "requested_by", type: "varchar", length: 128 })
  requestedBy: string;

  @Field()
  @Column({ name: "requested_at", ...TIMESTAMP })
  requestedAt: Date;

  /** Stored state; a PENDING change past `expiresAt` reads as EXPIRED (see `statusAt`). */
  @Column({ name: "status", type: "varchar", length: 16 })
  storedStatus: AdminChangeStatus;

  @Field(_type => String, { nullable: true, description: "The admin who approved or rejected it. Admins only, as requestedBy." })
  @Column({ name: "decided_by", type: "varchar", length: 128, nullable: true })
  decidedBy: string | null;

  @Field(_type => Date, { nullable: true })
  @Column({ name: "decided_at", ...TIMESTAMP, nullable: true })
  decidedAt: Date | null;

  @Field()
  @Column({ name: "expires_at", ...TIMESTAMP })
  expiresAt: Date;

  /** The change's leaf in the transparency log, as requested; null until sequenced. */
  @Column({ name: "log_index", ...BIGINT_NUMBER, nullable: true })
  logIndex: number | null;

  statusAt(now: Date): AdminChangeStatus {
    return this.storedStatus === AdminChangeStatus.PENDING && this.expiresAt.getTime() <= now.getTime()
      ? AdminChangeStatus.EXPIRED
      : this.storedStatus;
  }
}
