import { createHash } from "node:crypto";

/**
 * A verifier for Merkle inclusion and consistency proofs written from RFC 9162 §2.1.3.2 and
 * §2.1.4.2, step by step, for the tests. It imports nothing from src/ and hashes on its own, and
 * it walks the proof with bit operations on bigint sizes where the tree builder recurses on
 * number ranges, so a mistake in the builder is not mirrored here.
 *
 * What a proof proves: that `root` is the hash of a tree in which the leaf (or the old tree)
 * sits where claimed. The size is bound only through the root: a proof for a tree of 4 leaves
 * also walks correctly under size 3 when the shapes agree on that path. A client must therefore
 * take (size, root) together from a signed tree head, never the size from one place and the
 * root from another.
 */

const HASH_BYTES = 32;

function hashChildren(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash("sha256").update(Uint8Array.of(0x01)).update(left).update(right).digest();
}

function isHash(value: Uint8Array): boolean {
  return value instanceof Uint8Array && value.length === HASH_BYTES;
}

function sameHash(a: Uint8Array, b: Uint8Array): boolean {
  return isHash(a) && isHash(b) && Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;
}

function toBigInt(value: number): bigint | null {
  return Number.isSafeInteger(value) && value >= 0 ? BigInt(value) : null;
}

const isOdd = (value: bigint): boolean => (value & 1n) === 1n;

/** §2.1.3.2: does `proof` show the leaf with hash `leafHash` at `index` in the tree `root` of `treeSize` leaves? */
export function verifyInclusion(leafHash: Uint8Array, index: number, treeSize: number, proof: readonly Uint8Array[], root: Uint8Array): boolean {
  const leafIndex = toBigInt(index);
  const size = toBigInt(treeSize);
  if (leafIndex === null || size === null || !isHash(leafHash) || !proof.every(isHash)) return false;
  // 1. The leaf must lie inside the tree.
  if (leafIndex >= size) return false;
  // 2-3.
  let fn = leafIndex;
  let sn = size - 1n;
  let r: Uint8Array = leafHash;
  // 4.
  for (const p of proof) {
    if (sn === 0n) return false;
    if (isOdd(fn) || fn === sn) {
      r = hashChildren(p, r);
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      r = hashChildren(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  // 5.
  return sn === 0n && sameHash(r, root);
}

/** §2.1.4.2: does `proof` show the tree `firstHash` of `first` leaves is a prefix of the tree `secondHash` of `second`? */
export function verifyConsistency(first: number, second: number, firstHash: Uint8Array, secondHash: Uint8Array, proof: readonly Uint8Array[]): boolean {
  const firstSize = toBigInt(first);
  const secondSize = toBigInt(second);
  if (firstSize === null || secondSize === null || !isHash(firstHash) || !isHash(secondHash) || !proof.every(isHash)) return false;
  if (firstSize > secondSize) return false;
  // The RFC's algorithm is for 0 < first < second. Equal sizes need no proof, only equal roots;
  // a proof from the empty tree is refused, as the tree builder refuses to make one.
  if (firstSize === secondSize) return proof.length === 0 && sameHash(firstHash, secondHash);
  if (firstSize === 0n) return false;
  // 1.
  if (proof.length === 0) return false;
  // 2. A power-of-two old tree is a complete subtree of the new one: its root starts the path.
  const path = (firstSize & (firstSize - 1n)) === 0n ? [firstHash, ...proof] : [...proof];
  // 3.
  let fn = firstSize - 1n;
  let sn = secondSize - 1n;
  // 4.
  while (isOdd(fn)) {
    fn >>= 1n;
    sn >>= 1n;
  }
  // 5.
  let fr: Uint8Array = path[0];
  let sr: Uint8Array = path[0];
  // 6.
  for (const c of path.slice(1)) {
    if (sn === 0n) return false;
    if (isOdd(fn) || fn === sn) {
      fr = hashChildren(c, fr);
      sr = hashChildren(c, sr);
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      sr = hashChildren(sr, c);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  // 7.
  return sameHash(fr, firstHash) && sameHash(sr, secondHash) && sn === 0n;
}
