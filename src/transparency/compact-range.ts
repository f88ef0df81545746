import { emptyRoot, HASH_BYTES, nodeHash } from "./merkle-hash";

/** The hash of one complete subtree: MTH of leaves [index·2^level, (index+1)·2^level). */
export interface SubtreeHash {
  readonly level: number;
  readonly index: number;
  readonly hash: Buffer;
}

/**
 * The root of a tree grown one leaf hash at a time, in O(log n) memory: a stack of the complete
 * subtrees the leaves so far make up, largest first (one per set bit of the size). Appending a
 * leaf carries as a binary counter does, completing a parent whenever the top of the stack is
 * its left sibling. It lets a verifier hash millions of leaves it reads page by page, and the
 * sequencer extend the stored tree from its frontier.
 */
export class CompactRange {
  private readonly stack: SubtreeHash[];
  private leaves: number;

  /**
   * An empty range, or the tree of `size` leaves whose complete subtrees (largest first, one per
   * set bit of `size`) are `frontier`.
   */
  constructor(size = 0, frontier: readonly SubtreeHash[] = []) {
    const expected = frontierKeys(size);
    if (frontier.length !== expected.length || frontier.some((node, i) => node.level !== expected[i].level || node.index !== expected[i].index || !isHash(node.hash))) {
      throw new RangeError(`a frontier of ${size} leaves is ${expected.length} subtree hashes of 32 bytes, largest first`);
    }
    this.stack = [...frontier];
    this.leaves = size;
  }

  get size(): number {
    return this.leaves;
  }

  /** Appends one leaf hash; returns every subtree it completes, the leaf itself first, then each parent filled. */
  append(leafHash: Buffer): SubtreeHash[] {
    if (!isHash(leafHash)) throw new RangeError(`a leaf hash is a ${HASH_BYTES}-byte Buffer`);
    if (this.leaves >= Number.MAX_SAFE_INTEGER) throw new RangeError("the tree is full");
    let node: SubtreeHash = { level: 0, index: this.leaves, hash: leafHash };
    const completed = [node];
    let left = this.stack.at(-1);
    while (left?.level === node.level) {
      this.stack.pop();
      node = { level: node.level + 1, index: left.index / 2, hash: nodeHash(left.hash, node.hash) };
      completed.push(node);
      left = this.stack.at(-1);
    }
    this.stack.push(node);
    this.leaves += 1;
    return completed;
  }

  /** MTH of the leaves so far: the complete subtrees folded from the right. */
  root(): Buffer {
    if (this.stack.length === 0) return emptyRoot();
    return this.stack.reduceRight<Buffer | null>((right, left) => (right === null ? left.hash : nodeHash(left.hash, right)), null) as Buffer;
  }
}

/** Which complete subtrees, largest first, the first `size` leaves are made of: one per set bit. */
export function frontierKeys(size: number): { level: number; index: number }[] {
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`size ${String(size)} is not a whole number from 0 to 2^53 - 1`);
  const keys: { level: number; index: number }[] = [];
  let start = 0;
  for (let level = 52; level >= 0; level -= 1) {
    const width = 2 ** level;
    if (size - start >= width) {
      keys.push({ level, index: start / width });
      start += width;
    }
  }
  return keys;
}

function isHash(value: unknown): value is Buffer {
  return Buffer.isBuffer(value) && value.length === HASH_BYTES;
}
