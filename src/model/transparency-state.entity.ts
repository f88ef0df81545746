import { Column, Entity, PrimaryColumn } from "typeorm";
import { BIGINT_NUMBER, TIMESTAMP } from "./columns";

/** The one row of the transparency log's head: its size and root, and who may extend it until when. */
@Entity("transparency_state")
export class TransparencyState {
  /** Always 1. */
  @PrimaryColumn({ type: "int" })
  id: number;

  @Column({ name: "tree_size", ...BIGINT_NUMBER })
  treeSize: number;

  /** The RFC 9162 root hash at `treeSize`, base64. */
  @Column({ name: "root_hash", type: "varchar", length: 44 })
  rootHash: string;

  /** The gateway instance that sequences now; another takes over once `leaseUntil` has passed. */
  @Column({ name: "lease_owner", type: "varchar", length: 64, nullable: true })
  leaseOwner: string | null;

  @Column({ name: "lease_until", ...TIMESTAMP, nullable: true })
  leaseUntil: Date | null;
}

/** The hash of one complete subtree of the log: leaves [index·2^level, (index+1)·2^level). */
@Entity("transparency_nodes")
export class TransparencyNode {
  @PrimaryColumn({ type: "int" })
  level: number;

  @PrimaryColumn({ name: "node_index", ...BIGINT_NUMBER })
  index: number;

  /** SHA-256, base64. */
  @Column({ type: "varchar", length: 44 })
  hash: string;
}
