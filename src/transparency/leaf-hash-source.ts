import { consistencyProof, inclusionProof, rootOf } from "./merkle-tree";

/**
 * A way to read the log's leaf hashes by index range: what a table of leaf hashes implements
 * (`WHERE leaf_index >= start AND leaf_index < end ORDER BY leaf_index`). The tree functions
 * stay synchronous and pure; these wrappers read exactly the leaves a call needs, which for a
 * tree of size n is the first n (every proof hashes all of them, see merkle-tree.ts).
 */
export interface LeafHashSource {
  /** The leaf hashes at indices [start, end), in index order. */
  readLeafHashes(start: number, end: number): Promise<readonly Buffer[]>;
}

export async function rootFrom(source: LeafHashSource, treeSize: number): Promise<Buffer> {
  return rootOf(await readPrefix(source, treeSize));
}

export async function inclusionProofFrom(source: LeafHashSource, index: number, treeSize: number): Promise<Buffer[]> {
  return inclusionProof(await readPrefix(source, treeSize), index, treeSize);
}

export async function consistencyProofFrom(source: LeafHashSource, oldSize: number, newSize: number): Promise<Buffer[]> {
  return consistencyProof(await readPrefix(source, newSize), oldSize, newSize);
}

/**
 * The first `size` leaf hashes. A source that returns fewer (a gap in the table, a size beyond
 * the log) is refused here rather than hashed into a root for a tree that does not exist.
 */
async function readPrefix(source: LeafHashSource, size: number): Promise<readonly Buffer[]> {
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`tree size ${String(size)} is out of range: it must be a non-negative integer`);
  const leaves = size === 0 ? [] : await source.readLeafHashes(0, size);
  if (leaves.length !== size) throw new RangeError(`asked for ${size} leaf hashes, the source returned ${leaves.length}`);
  return leaves;
}
