import { emptyRoot, HASH_BYTES, nodeHash } from "./merkle-hash";

export { emptyRoot, HASH_BYTES, leafHash, nodeHash } from "./merkle-hash";

/**
 * The Merkle tree of RFC 9162 §2.1 over leaf hashes (the log keeps leaf hashes, not entries).
 *
 * Cost: nothing is cached, so every call hashes from the leaves. A subtree of r leaves costs
 * r - 1 node hashes; the subtrees a root, an inclusion proof or a consistency proof hashes are
 * disjoint, so each call is O(n) hashes for a tree of n leaves and recursion depth O(log n).
 * That is fine for thousands of entries; a log of millions would store the complete subtrees'
 * hashes and read O(log n) of them instead.
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
  const proof: Buffer[] = [];
  auditPath(leafHashes, index, 0, treeSize, proof);
  return proof;
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
  const proof: Buffer[] = [];
  subproof(leafHashes, oldSize, 0, newSize, true, proof);
  return proof;
}

/** The largest power of two smaller than n (n ≥ 2): where MTH splits a list of n leaves. */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH(D[start:end]) for a non-empty range. */
function subtreeRoot(leaves: readonly Buffer[], start: number, end: number): Buffer {
  if (end - start === 1) return leaves[start];
  const k = splitPoint(end - start);
  return nodeHash(subtreeRoot(leaves, start, start + k), subtreeRoot(leaves, start + k, end));
}

/** PATH(m, D[start:end]) appended to `out`; m counts from `start`. */
function auditPath(leaves: readonly Buffer[], m: number, start: number, end: number, out: Buffer[]): void {
  const n = end - start;
  if (n === 1) return;
  const k = splitPoint(n);
  if (m < k) {
    auditPath(leaves, m, start, start + k, out);
    out.push(subtreeRoot(leaves, start + k, end));
  } else {
    auditPath(leaves, m - k, start + k, end, out);
    out.push(subtreeRoot(leaves, start, start + k));
  }
}

/**
 * SUBPROOF(m, D[start:end], b) appended to `out`. `isOldRoot` (the RFC's b) says whether this
 * subtree is the old tree's root itself, which the verifier already holds and so is left out.
 */
function subproof(leaves: readonly Buffer[], m: number, start: number, end: number, isOldRoot: boolean, out: Buffer[]): void {
  const n = end - start;
  if (m === n) {
    if (!isOldRoot) out.push(subtreeRoot(leaves, start, end));
    return;
  }
  const k = splitPoint(n);
  if (m <= k) {
    subproof(leaves, m, start, start + k, isOldRoot, out);
    out.push(subtreeRoot(leaves, start + k, end));
  } else {
    subproof(leaves, m - k, start + k, end, false, out);
    out.push(subtreeRoot(leaves, start, start + k));
  }
}

function checkSize(name: string, value: number, min: number, max: number): void {
  if (Number.isSafeInteger(value) && value >= min && value <= max) return;
  const allowed = max < min ? "none is possible here" : `it must be an integer from ${min} to ${max}`;
  throw new RangeError(`${name} ${String(value)} is out of range: ${allowed}`);
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
