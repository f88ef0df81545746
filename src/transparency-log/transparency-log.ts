import { DataSource } from "typeorm";
import { AccessRecord } from "../model/access-record.entity";
import { AdminAction } from "../model/admin-action.entity";
import { AdminChange } from "../model/admin-change.entity";
import { TransparencyState } from "../model/transparency-state.entity";
import { formatCheckpoint } from "../transparency/checkpoint";
import { signNote } from "../transparency/signed-note";
import { storedConsistencyProof, storedInclusionProof, storedRoot } from "../transparency/stored-tree";
import { verifyConsistency } from "../transparency/proof-verification";
import { type NoteSigner, signerFromSeed } from "../transparency/verifier-key";
import { type LeafKind, leafOf } from "./leaf-encoding";
import { NodeTable } from "./node-table";
import { HEAD_ID, TreeHeadMismatchError } from "./sequencer";

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
/** How long a signed checkpoint is served again without reading the head: polling witnesses and clients cost one read a second at most. */
const CHECKPOINT_REUSE_MS = 1000;

export class TransparencyLog {
  readonly signer: NoteSigner;
  /** The last head this instance signed, and the note: every later head must extend it. */
  private lastSigned: { size: number; rootHash: Buffer; note: string; at: number } | null = null;

  constructor(private readonly dataSource: DataSource, readonly settings: TransparencySettings) {
    this.signer = signerFromSeed(settings.origin, settings.signingSeed);
  }

  async head(): Promise<TreeHead> {
    const head = await this.dataSource.getRepository(TransparencyState).findOneBy({ id: HEAD_ID });
    if (!head) throw new Error("the transparency log has no head row");
    return { size: head.treeSize, rootHash: Buffer.from(head.rootHash, "base64") };
  }

  /**
   * The latest checkpoint as a signed note (C2SP tlog-checkpoint). Ed25519 is deterministic:
   * every instance serves the same bytes for one head. The head is signed only if the stored
   * nodes hash to it and, once this instance has signed a head, only if the new one extends it
   * (a consistency proof from the stored nodes, checked against the root signed before): a head
   * or nodes rewritten in the database, a shortened or forked log, are refused
   * (TreeHeadMismatchError), not signed. What was signed before this process started is the
   * witnesses' to hold.
   */
  async signedCheckpoint(): Promise<string> {
    const last = this.lastSigned;
    if (last && Date.now() - last.at < CHECKPOINT_REUSE_MS) return last.note;
    const head = await this.head();
    if (!last || head.size !== last.size || !head.rootHash.equals(last.rootHash)) await this.checkExtends(last, head);
    const note = signNote(formatCheckpoint({ origin: this.settings.origin, size: head.size, rootHash: head.rootHash }), this.signer);
    this.lastSigned = { size: head.size, rootHash: head.rootHash, note, at: Date.now() };
    return note;
  }

  private async checkExtends(last: { size: number; rootHash: Buffer } | null, head: TreeHead): Promise<void> {
    const nodes = new NodeTable(this.dataSource.manager);
    if (!(await storedRoot(nodes, head.size)).equals(head.rootHash)) throw new TreeHeadMismatchError();
    if (!last || last.size === 0) return;
    if (head.size < last.size || (head.size === last.size && !head.rootHash.equals(last.rootHash))) throw new TreeHeadMismatchError();
    const proof = await storedConsistencyProof(nodes, last.size, head.size);
    if (!verifyConsistency(last.size, head.size, last.rootHash, head.rootHash, proof)) throw new TreeHeadMismatchError();
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
    if (record) return { kind: "access", index, leaf: leafOf("access", record).leaf, record };
    if (action) return { kind: "admin-action", index, leaf: leafOf("admin-action", action).leaf, record: action };
    if (change) return { kind: "admin-change", index, leaf: leafOf("admin-change", change).leaf, record: change };
    return null;
  }
}

export type { LeafKind };
