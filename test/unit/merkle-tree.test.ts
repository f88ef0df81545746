import { createHash } from "node:crypto";
import { consistencyProof, inclusionProof, leafHash, nodeHash, rootOf } from "../../src/transparency/merkle-tree";
import { verifyConsistency, verifyInclusion } from "../support/merkle-verifier";
import { CONSISTENCY_VECTORS, INCLUSION_VECTORS, INPUTS, LEAF_HASHES, ROOTS } from "../support/rfc6962-vectors";

const hex = (hash: Uint8Array): string => Buffer.from(hash).toString("hex");
const vectorLeafHashes = (): Buffer[] => INPUTS.map(input => leafHash(Buffer.from(input, "hex")));
const vectorRoot = (size: number): Buffer => Buffer.from(ROOTS[size], "hex");

/** A copy of `hash` with one bit flipped. */
function tampered(hash: Uint8Array, byte = 0): Buffer {
  const copy = Buffer.from(hash);
  copy[byte % copy.length] ^= 0x01;
  return copy;
}

/** Deterministic pseudo-random leaves (mulberry32), so a failing size can be replayed. */
function randomLeaves(count: number, seed: number): Buffer[] {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  return Array.from({ length: count }, () => Buffer.from(Array.from({ length: Math.floor(next() * 40) }, () => Math.floor(next() * 256))));
}

describe("Merkle tree hashing (RFC 9162 §2.1.1)", () => {
  it("hashes a leaf under 0x00 and a node under 0x01", () => {
    const sha256 = (...parts: Uint8Array[]): string => parts.reduce((hash, part) => hash.update(part), createHash("sha256")).digest("hex");
    const [a, b] = [Buffer.from("0011", "hex"), Buffer.from("2233", "hex")];
    expect(hex(leafHash(a))).toBe(sha256(Uint8Array.of(0), a));
    expect(hex(nodeHash(a, b))).toBe(sha256(Uint8Array.of(1), a, b));
    // The prefixes keep a leaf from passing for a node over the same bytes.
    expect(hex(leafHash(Buffer.concat([a, b])))).not.toBe(hex(nodeHash(a, b)));
  });

  it("gives the published leaf hashes of the eight test inputs", () => {
    expect(vectorLeafHashes().map(hex)).toEqual(LEAF_HASHES);
  });

  it.each(ROOTS.map((root, size) => [size, root]))("gives the published root of the first %i inputs", (size, root) => {
    expect(hex(rootOf(vectorLeafHashes().slice(0, size as number)))).toBe(root);
  });
});

describe("inclusion proofs (RFC 9162 §2.1.3)", () => {
  it.each(INCLUSION_VECTORS)("gives the published proof for leaf $index of $treeSize", ({ index, treeSize, proof }) => {
    const leaves = vectorLeafHashes();
    // The whole log is passed: a proof for a past size reads only that size's leaves.
    expect(inclusionProof(leaves, index, treeSize).map(hex)).toEqual(proof);
    const asBuffers = proof.map(h => Buffer.from(h, "hex"));
    expect(verifyInclusion(leaves[index], index, treeSize, asBuffers, vectorRoot(treeSize))).toBe(true);
    expect(verifyInclusion(tampered(leaves[index]), index, treeSize, asBuffers, vectorRoot(treeSize))).toBe(false);
  });

  it.each([
    ["an empty tree", 0, 0],
    ["a leaf past the tree", 3, 3],
    ["a negative index", -1, 3],
    ["a fractional index", 0.5, 3],
    ["a tree larger than the log", 0, 9],
  ])("refuses %s with a RangeError", (_case, index, treeSize) => {
    expect(() => inclusionProof(vectorLeafHashes(), index as number, treeSize as number)).toThrow(RangeError);
  });

  it("accepts the last leaf of the whole log (positive twin of the refusals)", () => {
    expect(inclusionProof(vectorLeafHashes(), 7, 8)).toHaveLength(3);
  });
});

describe("consistency proofs (RFC 9162 §2.1.4)", () => {
  it.each(CONSISTENCY_VECTORS)("gives the published proof from $oldSize to $newSize", ({ oldSize, newSize, proof }) => {
    expect(consistencyProof(vectorLeafHashes(), oldSize, newSize).map(hex)).toEqual(proof);
    const asBuffers = proof.map(h => Buffer.from(h, "hex"));
    expect(verifyConsistency(oldSize, newSize, vectorRoot(oldSize), vectorRoot(newSize), asBuffers)).toBe(true);
    expect(verifyConsistency(oldSize, newSize, tampered(vectorRoot(oldSize)), vectorRoot(newSize), asBuffers)).toBe(false);
  });

  it.each([
    ["an old size of 0 (every tree extends the empty one)", 0, 5],
    ["an old size past the new", 6, 5],
    ["a new size past the log", 2, 9],
    ["a fractional size", 1.5, 5],
  ])("refuses %s with a RangeError", (_case, oldSize, newSize) => {
    expect(() => consistencyProof(vectorLeafHashes(), oldSize as number, newSize as number)).toThrow(RangeError);
  });

  it("accepts equal sizes and the whole log (positive twin of the refusals)", () => {
    expect(consistencyProof(vectorLeafHashes(), 5, 5)).toEqual([]);
    expect(consistencyProof(vectorLeafHashes(), 1, 8)).toHaveLength(3);
  });
});

describe("the tree functions refuse leaf hashes that are not 32-byte Buffers", () => {
  it("refuses a short hash or hex text, and accepts the same log when every hash is whole", () => {
    const leaves = vectorLeafHashes();
    expect(() => rootOf(leaves)).not.toThrow();
    expect(() => rootOf([...leaves.slice(0, 3), leaves[3].subarray(1)])).toThrow(RangeError);
    expect(() => inclusionProof([...leaves.slice(0, 7), hex(leaves[7]) as unknown as Buffer], 0, 8)).toThrow(RangeError);
  });
});

describe("every proof of trees of 1 to 64 random leaves, checked by the independent verifier", () => {
  const MAX = 64;
  const leaves = randomLeaves(MAX, 0x9162).map(leaf => leafHash(leaf));
  const roots = Array.from({ length: MAX + 1 }, (_unused, size) => rootOf(leaves.slice(0, size)));

  it("has a different root for every size (the negatives below would prove nothing otherwise)", () => {
    expect(new Set(roots.map(hex)).size).toBe(MAX + 1);
  });

  it.each(Array.from({ length: MAX }, (_unused, i) => i + 1))("inclusion in a tree of %i", treeSize => {
    const root = roots[treeSize];
    for (let index = 0; index < treeSize; index += 1) {
      const proof = inclusionProof(leaves, index, treeSize);
      const leaf = leaves[index];
      expect(verifyInclusion(leaf, index, treeSize, proof, root)).toBe(true);
      // A tampered leaf, root or proof element fails.
      expect(verifyInclusion(tampered(leaf), index, treeSize, proof, root)).toBe(false);
      expect(verifyInclusion(leaf, index, treeSize, proof, tampered(root, 31))).toBe(false);
      proof.forEach((_hash, at) => {
        const bad = proof.map((hash, i) => (i === at ? tampered(hash, at) : hash));
        expect(verifyInclusion(leaf, index, treeSize, bad, root)).toBe(false);
      });
      // A dropped or an extra proof element fails.
      if (proof.length > 0) expect(verifyInclusion(leaf, index, treeSize, proof.slice(0, -1), root)).toBe(false);
      expect(verifyInclusion(leaf, index, treeSize, [...proof, root], root)).toBe(false);
      // The same leaf claimed at any other index of the same tree fails.
      for (let other = 0; other < treeSize; other += 1) {
        if (other !== index) expect(verifyInclusion(leaf, other, treeSize, proof, root)).toBe(false);
      }
      // The proof presented for a tree of another size, with that size's root, fails.
      for (const otherSize of [treeSize - 1, treeSize + 1]) {
        if (otherSize > index && otherSize <= MAX) expect(verifyInclusion(leaf, index, otherSize, proof, roots[otherSize])).toBe(false);
      }
    }
  });

  it.each(Array.from({ length: MAX }, (_unused, i) => i + 1))("consistency of every older size with a tree of %i", newSize => {
    for (let oldSize = 1; oldSize <= newSize; oldSize += 1) {
      const proof = consistencyProof(leaves, oldSize, newSize);
      const [oldRoot, newRoot] = [roots[oldSize], roots[newSize]];
      expect(verifyConsistency(oldSize, newSize, oldRoot, newRoot, proof)).toBe(true);
      // A tampered root or proof element fails.
      expect(verifyConsistency(oldSize, newSize, tampered(oldRoot), newRoot, proof)).toBe(false);
      expect(verifyConsistency(oldSize, newSize, oldRoot, tampered(newRoot, 31), proof)).toBe(false);
      proof.forEach((_hash, at) => {
        const bad = proof.map((hash, i) => (i === at ? tampered(hash, at) : hash));
        expect(verifyConsistency(oldSize, newSize, oldRoot, newRoot, bad)).toBe(false);
      });
      if (proof.length > 0) expect(verifyConsistency(oldSize, newSize, oldRoot, newRoot, proof.slice(0, -1))).toBe(false);
      expect(verifyConsistency(oldSize, newSize, oldRoot, newRoot, [...proof, newRoot])).toBe(false);
      // The proof presented for other sizes, each with its own root, fails.
      for (const otherOld of [oldSize - 1, oldSize + 1]) {
        if (otherOld >= 1 && otherOld <= newSize) expect(verifyConsistency(otherOld, newSize, roots[otherOld], newRoot, proof)).toBe(false);
      }
      for (const otherNew of [newSize - 1, newSize + 1]) {
        if (otherNew >= oldSize && otherNew <= MAX) expect(verifyConsistency(oldSize, otherNew, oldRoot, roots[otherNew], proof)).toBe(false);
      }
    }
  });
});

describe("the independent verifier's own edges", () => {
  const leaves = vectorLeafHashes();

  it("binds the size only through the root: a size-4 proof walks under size 3 with the size-4 root", () => {
    // Why a client takes (size, root) together from a signed tree head: the proof alone does not
    // tell a tree of 3 leaves from one of 4 when the path has the same shape.
    const proof = inclusionProof(leaves, 0, 4);
    expect(verifyInclusion(leaves[0], 0, 4, proof, vectorRoot(4))).toBe(true);
    expect(verifyInclusion(leaves[0], 0, 3, proof, vectorRoot(4))).toBe(true);
    expect(verifyInclusion(leaves[0], 0, 3, proof, vectorRoot(3))).toBe(false);
  });

  it("accepts equal sizes with equal roots and no proof, and refuses what the RFC does not define", () => {
    const empty = vectorRoot(0);
    expect(verifyConsistency(0, 0, empty, empty, [])).toBe(true);
    expect(verifyConsistency(3, 3, vectorRoot(3), vectorRoot(3), [])).toBe(true);
    expect(verifyConsistency(3, 3, vectorRoot(3), vectorRoot(4), [])).toBe(false);
    expect(verifyConsistency(3, 3, vectorRoot(3), vectorRoot(3), [empty])).toBe(false);
    expect(verifyConsistency(0, 1, empty, vectorRoot(1), [])).toBe(false);
    expect(verifyConsistency(2, 1, vectorRoot(2), vectorRoot(1), [])).toBe(false);
    expect(verifyConsistency(1, 2, vectorRoot(1), vectorRoot(2), [])).toBe(false);
    expect(verifyInclusion(leaves[0], 0, 0, [], empty)).toBe(false);
    expect(verifyInclusion(leaves[0], 0, 1, [], vectorRoot(1))).toBe(true);
  });
});
