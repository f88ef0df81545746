/**
 * Which subtrees an inclusion proof and a consistency proof of RFC 9162 §2.1 are made of, named
 * as ranges of leaf indices and not yet hashed. The tree over a list of leaf hashes
 * (merkle-tree.ts) and the tree over stored node hashes (stored-tree.ts) hash the same ranges in
 * their own ways, so the RFC's recursion is written once, here.
 *
 * Every range named here is a subtree of the RFC tree: its start is a multiple of the smallest
 * power of two not below its length. That is what lets stored-tree.ts cut each one into a few
 * complete, aligned subtrees.
 */

/** The leaves [start, end) of the log: one subtree, whose MTH is one element of a proof. */
export interface LeafRange {
  readonly start: number;
  readonly end: number;
}

/**
 * The ranges of PATH(index, D[treeSize]), §2.1.3.1, nearest the leaf first. The caller has
 * checked 0 ≤ index < treeSize.
 */
export function inclusionPathRanges(index: number, treeSize: number): LeafRange[] {
  const ranges: LeafRange[] = [];
  auditPath(index, 0, treeSize, ranges);
  return ranges;
}

/**
 * The ranges of PROOF(oldSize, D[newSize]), §2.1.4.1. The caller has checked
 * 1 ≤ oldSize ≤ newSize; equal sizes give no ranges.
 */
export function consistencyProofRanges(oldSize: number, newSize: number): LeafRange[] {
  const ranges: LeafRange[] = [];
  subproof(oldSize, 0, newSize, true, ranges);
  return ranges;
}

/** The largest power of two smaller than n (n ≥ 2): where MTH splits a list of n leaves. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** Throws a RangeError unless `value` is an integer from `min` to `max`. */
export function checkSize(name: string, value: number, min: number, max: number): void {
  if (Number.isSafeInteger(value) && value >= min && value <= max) return;
  const allowed = max < min ? "none is possible here" : `it must be an integer from ${min} to ${max}`;
  throw new RangeError(`${name} ${String(value)} is out of range: ${allowed}`);
}

/** PATH(m, D[start:end]) appended to `out`; m counts from `start`. */
function auditPath(m: number, start: number, end: number, out: LeafRange[]): void {
  const n = end - start;
  if (n === 1) return;
  const k = splitPoint(n);
  if (m < k) {
    auditPath(m, start, start + k, out);
    out.push({ start: start + k, end });
  } else {
    auditPath(m - k, start + k, end, out);
    out.push({ start, end: start + k });
  }
}

/**
 * SUBPROOF(m, D[start:end], b) appended to `out`. `isOldRoot` (the RFC's b) says whether this
 * subtree is the old tree's root itself, which the verifier already holds and so is left out.
 */
function subproof(m: number, start: number, end: number, isOldRoot: boolean, out: LeafRange[]): void {
  const n = end - start;
  if (m === n) {
    if (!isOldRoot) out.push({ start, end });
    return;
  }
  const k = splitPoint(n);
  if (m <= k) {
    subproof(m, start, start + k, isOldRoot, out);
    out.push({ start: start + k, end });
  } else {
    subproof(m - k, start + k, end, false, out);
    out.push({ start, end: start + k });
  }
}
