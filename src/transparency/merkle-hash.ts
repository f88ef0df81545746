import { createHash } from "node:crypto";

/** SHA-256 output length in bytes: every leaf hash, node hash and root of the log has it. */
export const HASH_BYTES = 32;

// Domain separation of RFC 9162 §2.1.1: a leaf and an interior node are hashed under different
// one-byte prefixes, so no leaf's bytes can be presented as a pair of subtree hashes (the
// second-preimage attack on plain Merkle trees).
const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

/** The hash of one log entry: SHA-256(0x00 ‖ leafBytes). */
export function leafHash(leafBytes: Uint8Array): Buffer {
  return createHash("sha256").update(LEAF_PREFIX).update(leafBytes).digest();
}

/** The hash of an interior node: SHA-256(0x01 ‖ left ‖ right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash("sha256").update(NODE_PREFIX).update(left).update(right).digest();
}

/** The root of the tree with no leaves: SHA-256 of the empty string. */
export function emptyRoot(): Buffer {
  return createHash("sha256").digest();
}
