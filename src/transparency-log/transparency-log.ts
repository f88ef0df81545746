import { DataSource } from "typeorm";
import { AccessRecord } from "../model/access-record.entity";
import { AdminAction } from "../model/admin-action.entity";
import { AdminChange } from "../model/admin-change.entity";
import { TransparencyState } from "../model/transparency-state.entity";
import { formatCheckpoint } from "../transparency/checkpoint";
import { signNote } from "../transparency/signed-note";
import { storedConsistencyProof, storedInclusionProof } from "../transparency/stored-tree";
import { type NoteSigner, signerFromSeed } from "../transparency/verifier-key";
import { type LeafKind, accessLeaf, adminActionLeaf, adminChangeLeaf } from "./leaf-encoding";
import { NodeTable } from "./node-table";
import { HEAD_ID } from "./sequencer";

/** What configures the log: its name and signing key, and how soon a record must become a leaf. */
export interface TransparencySettings {
  /** The checkpoint's first line and the signing key's name. */
  readonly origin: string;
  /** The 32-byte Ed25519 seed of TRANSPARENCY_SIGNING_KEY. */
  readonly signingSeed: Buffer;
  /** TRANSPARENCY_MERGE_DELAY_SECONDS in milliseconds: the longest a record waits for its leaf. */
  readonly mergeDelayMs: number;
}

export interface TreeHead {
  size: number;
  rootHash: Buffer;
}

/** One leaf with the record it was made from. */
export type LeafRecord =
  | { kind: "access"; index: number; leaf: Buffer; record: AccessRecord }
  | { kind: "admin-action"; index: number; leaf: Buffer; record: AdminAction }
  | { kind: "admin-change"; index: number; leaf: Buffer; record: AdminChange };

/** A refused proof or leaf request, with the message the caller sees (no value of any record). */
export class LogRequestError extends Error {}

/**
 * The read side of the transparency log: the signed checkpoint, proofs from the stored nodes,
 * and single leaves. Every instance serves it; only the sequencer writes.
 */
export class TransparencyLog {
  readonly signer: NoteSigner;

  constructor(private readonly dataSource: DataSource, readonly settings: TransparencySettings) {
    this.signer = signerFromSeed(settings.origin, settings.signingSeed);
  }

  async head(): Promise<TreeHead> {
    const head = await this.dataSource.getRepository(TransparencyState).findOneBy({ id: HEAD_ID });
    if (!head) throw new Error("the transparency log has no head row");
    return { size: head.treeSize, rootHash: Buffer.from(head.rootHash, "base64") };
  }

  /** The latest checkpoint as a signed note (C2SP tlog-checkpoint). Ed25519 is deterministic: every instance serves the same bytes for one head. */
  async signedCheckpoint(): Promise<string> {
    const head = await this.head();
    return signNote(formatCheckpoint({ origin: this.settings.origin, size: head.size, rootHash: head.rootHash }), this.signer);
  }

  async inclusionProof(index: number, size: number): Promise<Buffer[]> {
    const head = await this.head();
    if (size < 1 || size > head.size) throw new LogRequestError(`size must be from 1 to the log's size, ${head.size}`);
    if (index >= size) throw new LogRequestError(`index must be less than size (${size})`);
    return storedInclusionProof(new NodeTable(this.dataSource.manager), index, size);
  }

  async consistencyProof(from: number, to: number): Promise<Buffer[]> {
    const head = await this.head();
    if (to < 1 || to > head.size) throw new LogRequestError(`to must be from 1 to the log's size, ${head.size}`);
    if (from < 1 || from > to) throw new LogRequestError(`from must be from 1 to to (${to})`);
    return storedConsistencyProof(new NodeTable(this.dataSource.manager), from, to);
  }

  /** The record at leaf `index` and its leaf bytes, rebuilt from the stored record; null when no record holds that index. */
  async leafAt(index: number): Promise<LeafRecord | null> {
    const [record, action, change] = await Promise.all([
      this.dataSource.getRepository(AccessRecord).findOneBy({ logIndex: index }),
      this.dataSource.getRepository(AdminAction).findOneBy({ logIndex: index }),
      this.dataSource.getRepository(AdminChange).findOneBy({ logIndex: index }),
    ]);
    if (record) return { kind: "access", index, leaf: accessLeaf(record), record };
    if (action) return { kind: "admin-action", index, leaf: adminActionLeaf(action), record: action };
    if (change) return { kind: "admin-change", index, leaf: adminChangeLeaf(change), record: change };
    return null;
  }
}

export type { LeafKind };
