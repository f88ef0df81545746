import { emptyRoot, HASH_BYTES, nodeHash } from "./merkle-hash";
import { checkSize, consistencyProofRanges, inclusionPathRanges, splitPoint } from "./proof-ranges";

export { emptyRoot, HASH_BYTES, leafHash, nodeHash } from "./merkle-hash";

/**
 * The Merkle tree of RFC 9162 §2.1 over leaf hashes (the log keeps leaf hashes, not entries).
 *
 * Cost: nothing is cached, so every call hashes from the leaves. A subtree of r leaves costs
 * r - 1 node hashes; the subtrees a root, an inclusion proof or a consistency proof hashes are
 * disjoint, so each call is O(n) hashes for a tree of n leaves and recursion depth O(log n).
 * That is fine for thousands of entries and as the reference the stored tree (stored-tree.ts,
 * which reads O(log n) stored subtree hashes instead) is tested against.
 */

/** MTH(D[n]), §2.1.1. The empty tree's root is SHA-256 of the empty string. */
export function rootOf(leafHashes: readonly Buffer[]): Buffer {
  checkLeafHashes(leafHashes, leafHashes.length);
  return leafHashes.length === 0 ? emptyRoot() : subtreeRoot(leafHashes, 0, leafHashes.length);
}

/**
 * PATH(index, D[treeSize]), §2.1.3.1: the audit path proving leaf `index` is in the tree made of
 * the first `treeSize` leaf hashes, nearest the leaf first. `leafHashes` may be longer (the log
 * as it is now); only the first `treeSize` are read.
 */
export function inclusionProof(leafHashes: readonly Buffer[], index: number, treeSize: number): Buffer[] {
  checkSize("treeSize", treeSize, 1, leafHashes.length);
  checkSize("index", index, 0, treeSize - 1);
  checkLeafHashes(leafHashes, treeSize);
  return inclusionPathRanges(index, treeSize).map(({ start, end }) => subtreeRoot(leafHashes, start, end));
}

/**
 * PROOF(oldSize, D[newSize]), §2.1.4.1: the hashes proving the tree of the first `oldSize`
 * leaves is a prefix of the tree of the first `newSize`. Equal sizes give the empty proof.
 * An old size of 0 is refused: every tree extends the empty one, so such a proof proves nothing.
 */
export function consistencyProof(leafHashes: readonly Buffer[], oldSize: number, newSize: number): Buffer[] {
  checkSize("newSize", newSize, 1, leafHashes.length);
  checkSize("oldSize", oldSize, 1, newSize);
  checkLeafHashes(leafHashes, newSize);
  return consistencyProofRanges(oldSize, newSize).map(({ start, end }) => subtreeRoot(leafHashes, start, end));
}

/** MTH(D[start:end]) for a non-empty range. */
function subtreeRoot(leaves: readonly Buffer[], start: number, end: number): Buffer {
  if (end - start === 1) return leaves[start];
  const k = splitPoint(end - start);
  return nodeHash(subtreeRoot(leaves, start, start + k), subtreeRoot(leaves, start + k, end));
}

/**
 * Every leaf hash read must be a 32-byte Buffer. A database that hands back hex text or a
 * truncated column would otherwise yield a root no verifier reproduces, found only much later.
 */
function checkLeafHashes(leafHashes: readonly Buffer[], count: number): void {
  for (let i = 0; i < count; i += 1) {
    const hash = leafHashes[i];
    if (!Buffer.isBuffer(hash) || hash.length !== HASH_BYTES) {
      throw new RangeError(`leaf hash ${i} must be a ${HASH_BYTES}-byte Buffer`);
    }
  }
}
