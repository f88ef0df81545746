import { HASH_BYTES, nodeHash } from "./merkle-hash";

/**
 * The client side of the log's proofs, as RFC 9162 §2.1.3.2 and §2.1.4.2 describe them step by
 * step, for clients such as a witness. Every argument may come from an attacker (a proof off the
 * network, sizes from a request), so malformed input returns false and never throws.
 *
 * A proof binds the tree size only through the root: take (size, root) together from a verified
 * checkpoint, never the size from one place and the root from another.
 *
 * Sizes are numbers up to 2^53 - 1, shifted by halving, since JavaScript's bit operators stop
 * at 32 bits.
 */

/** §2.1.3.2: does `proof` show the leaf hash `leafHash` at `index` in the tree `root` of `treeSize` leaves? */
export function verifyInclusion(leafHash: Uint8Array, index: number, treeSize: number, proof: readonly Uint8Array[], root: Uint8Array): boolean {
  if (!isSize(index) || !isSize(treeSize) || !isHash(leafHash) || !isHash(root) || !isProof(proof)) return false;
  // 1.
  if (index >= treeSize) return false;
  // 2, 3.
  let fn = index;
  let sn = treeSize - 1;
  let r: Uint8Array = leafHash;
  // 4.
  for (const p of proof) {
    // 4a: more proof than the tree has levels.
    if (sn === 0) return false;
    // 4b.
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(p, r);
      // The right edge: climb past the levels where this node has no right sibling.
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = nodeHash(r, p);
    }
    // 4c.
    fn = half(fn);
    sn = half(sn);
  }
  // 5.
  return sn === 0 && sameHash(r, root);
}

/**
 * §2.1.4.2: does `proof` show the tree `oldRoot` of `oldSize` leaves is a prefix of the tree
 * `newRoot` of `newSize`? Equal sizes need the empty proof and equal roots. An old size of 0 is
 * refused: every tree extends the empty one, so the log makes no such proof.
 */
export function verifyConsistency(oldSize: number, newSize: number, oldRoot: Uint8Array, newRoot: Uint8Array, proof: readonly Uint8Array[]): boolean {
  if (!isSize(oldSize) || !isSize(newSize) || !isHash(oldRoot) || !isHash(newRoot) || !isProof(proof)) return false;
  if (oldSize === 0 || oldSize > newSize) return false;
  if (oldSize === newSize) return proof.length === 0 && sameHash(oldRoot, newRoot);
  // 1.
  if (proof.length === 0) return false;
  // 2. An old tree of a power of two leaves is a complete subtree of the new one: the proof
  // leaves its root out, since the verifier holds it.
  const path = isPowerOfTwo(oldSize) ? [oldRoot, ...proof] : proof;
  // 3.
  let fn = oldSize - 1;
  let sn = newSize - 1;
  // 4.
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  // 5.
  let fr: Uint8Array = path[0];
  let sr: Uint8Array = path[0];
  // 6.
  for (const c of path.slice(1)) {
    // 6a.
    if (sn === 0) return false;
    // 6b.
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    // 6c.
    fn = half(fn);
    sn = half(sn);
  }
  // 7.
  return sn === 0 && sameHash(fr, oldRoot) && sameHash(sr, newRoot);
}

const isOdd = (value: number): boolean => value % 2 === 1;
const half = (value: number): number => Math.floor(value / 2);

function isPowerOfTwo(value: number): boolean {
  let rest = value;
  while (rest > 1 && !isOdd(rest)) rest = half(rest);
  return rest === 1;
}

function isSize(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

function isHash(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array && value.length === HASH_BYTES;
}

function isProof(proof: unknown): proof is readonly Uint8Array[] {
  return Array.isArray(proof) && proof.every(isHash);
}

function sameHash(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}
