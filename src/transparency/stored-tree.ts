import { CompactRange } from "./compact-range";
import { emptyRoot, HASH_BYTES, nodeHash } from "./merkle-hash";
import { checkSize, consistencyProofRanges, inclusionPathRanges, type LeafRange } from "./proof-ranges";

/**
 * The Merkle tree of RFC 9162 §2.1 over stored node hashes. The log stores the hash of every
 * complete subtree: node (level L, index i) is MTH of leaves [i·2^L, (i+1)·2^L), level 0 being
 * the leaf hashes. In the RFC tree every left subtree is complete and aligned; only the right
 * edge is not. So a root, an inclusion proof or a consistency proof for n leaves is a fold of
 * O(log n) stored nodes, read in one `readNodes` call, and gives exactly what merkle-tree.ts
 * gives from the leaves.
 */

/** A complete subtree: MTH of leaves [index·2^level, (index+1)·2^level). */
export interface NodeKey {
  readonly level: number;
  readonly index: number;
}

export interface StoredNode extends NodeKey {
  readonly hash: Buffer;
}

/** What the table of node hashes implements, with one SELECT per call. */
export interface NodeSource {
  /** The hashes of `keys`, in the same order. Each key names a node that exists. */
  readNodes(keys: readonly NodeKey[]): Promise<readonly Buffer[]>;
}

export interface AppendResult {
  /** Every node the append completed: one at level 0 per new leaf, then each parent filled. */
  readonly nodes: StoredNode[];
  readonly root: Buffer;
  readonly size: number;
}

/** MTH(D[size]). The empty tree's root is known without reading. */
export async function storedRoot(source: NodeSource, size: number): Promise<Buffer> {
  checkSize("size", size, 0, Number.MAX_SAFE_INTEGER);
  if (size === 0) return emptyRoot();
  const [root] = await hashRanges(source, [{ start: 0, end: size }]);
  return root;
}

/** PATH(index, D[treeSize]), §2.1.3.1, nearest the leaf first. */
export async function storedInclusionProof(source: NodeSource, index: number, treeSize: number): Promise<Buffer[]> {
  checkSize("treeSize", treeSize, 1, Number.MAX_SAFE_INTEGER);
  checkSize("index", index, 0, treeSize - 1);
  return hashRanges(source, inclusionPathRanges(index, treeSize));
}

/** PROOF(oldSize, D[newSize]), §2.1.4.1. An old size of 0 is refused, as merkle-tree.ts refuses it. */
export async function storedConsistencyProof(source: NodeSource, oldSize: number, newSize: number): Promise<Buffer[]> {
  checkSize("newSize", newSize, 1, Number.MAX_SAFE_INTEGER);
  checkSize("oldSize", oldSize, 1, newSize);
  return hashRanges(source, consistencyProofRanges(oldSize, newSize));
}

/**
 * Appends leaf hashes to the tree of `oldSize` leaves. Reads the old tree's complete subtrees
 * (its frontier, one node per set bit of oldSize) and returns every node the append completes,
 * for the caller to insert in the same transaction as the leaves, and the new root.
 */
export async function appendLeaves(source: NodeSource, oldSize: number, newLeafHashes: readonly Buffer[]): Promise<AppendResult> {
  checkSize("oldSize", oldSize, 0, Number.MAX_SAFE_INTEGER - newLeafHashes.length);
  newLeafHashes.forEach((hash, offset) => {
    if (!isHash(hash)) throw new RangeError(`new leaf hash ${offset} must be a ${HASH_BYTES}-byte Buffer`);
  });
  const frontierKeys = completeSubtrees({ start: 0, end: oldSize });
  const read = await readOnce(source, frontierKeys);
  const range = new CompactRange(oldSize, frontierKeys.map(key => ({ ...key, hash: hashAt(read, key) })));
  const nodes: StoredNode[] = newLeafHashes.flatMap(hash => range.append(hash));
  return { nodes, root: range.root(), size: range.size };
}

/** MTH of each range, from the complete subtrees that make it up, all read in one call. */
async function hashRanges(source: NodeSource, ranges: readonly LeafRange[]): Promise<Buffer[]> {
  const parts = ranges.map(completeSubtrees);
  const read = await readOnce(source, parts.flat());
  return parts.map(keys => foldRight(keys.map(key => hashAt(read, key))));
}

/**
 * The complete, aligned subtrees that make up a range, largest first: one per set bit of its
 * length. Every range the RFC recursion names starts at a multiple of its largest part, so each
 * part is a stored node; the check guards that against a future caller.
 */
function completeSubtrees({ start, end }: LeafRange): NodeKey[] {
  const keys: NodeKey[] = [];
  for (let at = start; at < end; ) {
    let width = 1;
    let level = 0;
    while (width * 2 <= end - at) {
      width *= 2;
      level += 1;
    }
    if (at % width !== 0) throw new Error(`leaves [${start}, ${end}) are not a subtree of the log`);
    keys.push({ level, index: at / width });
    at += width;
  }
  return keys;
}

/** MTH of adjacent complete subtrees, largest first: each is the left sibling of the rest. */
function foldRight(hashes: readonly Buffer[]): Buffer {
  return hashes.reduceRight((right, left) => nodeHash(left, right));
}

const keyName = ({ level, index }: NodeKey): string => `${level}:${index}`;

/**
 * One `readNodes` call for the distinct keys, each answer checked. No call is made for no keys:
 * there is nothing to read, and `IN ()` is not valid SQL.
 */
async function readOnce(source: NodeSource, keys: readonly NodeKey[]): Promise<ReadonlyMap<string, Buffer>> {
  const distinct = [...new Map(keys.map(key => [keyName(key), { level: key.level, index: key.index }])).values()];
  if (distinct.length === 0) return new Map();
  const hashes = await source.readNodes(distinct);
  if (!Array.isArray(hashes) || hashes.length !== distinct.length) {
    throw new RangeError(`asked the source for ${distinct.length} node hashes, it returned ${describe(hashes)}`);
  }
  return new Map(
    distinct.map((key, i) => {
      const hash: unknown = hashes[i];
      // A database handing back hex text, a truncated column or nothing for a gap would otherwise
      // yield a root no verifier reproduces, found only much later.
      if (!isHash(hash)) {
        throw new RangeError(`node (level ${key.level}, index ${key.index}) from the source must be a ${HASH_BYTES}-byte Buffer, got ${describe(hash)}`);
      }
      return [keyName(key), hash];
    }),
  );
}

function hashAt(read: ReadonlyMap<string, Buffer>, key: NodeKey): Buffer {
  const hash = read.get(keyName(key));
  if (hash === undefined) throw new Error(`node (level ${key.level}, index ${key.index}) was not read`);
  return hash;
}

function isHash(value: unknown): value is Buffer {
  return Buffer.isBuffer(value) && value.length === HASH_BYTES;
}

/** What a source returned, by kind and length only: never the bytes themselves. */
function describe(value: unknown): string {
  if (Buffer.isBuffer(value)) return `a Buffer of ${value.length} bytes`;
  if (typeof value === "string") return `a string of ${value.length} characters`;
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return value === null ? "null" : typeof value;
}
