import fc from "fast-check";
import { consistencyProof, inclusionProof, leafHash, rootOf } from "../../src/transparency/merkle-tree";
import { verifyConsistency, verifyInclusion } from "../../src/transparency/proof-verification";
import { storedConsistencyProof, storedInclusionProof, storedRoot } from "../../src/transparency/stored-tree";
import * as independent from "../support/merkle-verifier";
import { CONSISTENCY_VECTORS, INCLUSION_VECTORS, INPUTS, ROOTS } from "../support/rfc6962-vectors";
import { uniformTree } from "../support/uniform-tree";

const fromHex = (text: string): Buffer => Buffer.from(text, "hex");

/** A copy of `hash` with bit `bit` (0 to 255) flipped. */
function flipped(hash: Uint8Array, bit: number): Buffer {
  const copy = Buffer.from(hash);
  copy[Math.floor(bit / 8) % copy.length] ^= 1 << bit % 8;
  return copy;
}

/** A copy of `proof` with bit `bit` of element `at` flipped. */
const flippedIn = (proof: readonly Buffer[], at: number, bit: number): Buffer[] => proof.map((hash, i) => (i === at ? flipped(hash, bit) : hash));

type InclusionArgs = Parameters<typeof verifyInclusion>;
type ConsistencyArgs = Parameters<typeof verifyConsistency>;

/**
 * The production verifier and the independent one in test/support must both answer `expected`.
 * Tens of thousands of cases run through here, so `expect` is reached only on a disagreement.
 */
function expectInclusion(expected: boolean, ...args: InclusionArgs): void {
  const verdicts = { production: verifyInclusion(...args), independent: independent.verifyInclusion(...args) };
  if (verdicts.production !== expected || verdicts.independent !== expected) {
    expect({ index: args[1], treeSize: args[2], ...verdicts }).toEqual({ index: args[1], treeSize: args[2], production: expected, independent: expected });
  }
}

function expectConsistency(expected: boolean, ...args: ConsistencyArgs): void {
  const verdicts = { production: verifyConsistency(...args), independent: independent.verifyConsistency(...args) };
  if (verdicts.production !== expected || verdicts.independent !== expected) {
    expect({ oldSize: args[0], newSize: args[1], ...verdicts }).toEqual({ oldSize: args[0], newSize: args[1], production: expected, independent: expected });
  }
}

const MAX = 64;
const leaves = Array.from({ length: MAX }, (_unused, i) => leafHash(Buffer.from(`access-log record ${i}`)));
const roots = Array.from({ length: MAX + 1 }, (_unused, size) => rootOf(leaves.slice(0, size)));

describe("the RFC 6962 published vectors", () => {
  const vectorLeaves = INPUTS.map(input => leafHash(fromHex(input)));

  it.each(INCLUSION_VECTORS)("accepts the published proof for leaf $index of $treeSize, and refuses it for another leaf", ({ index, treeSize, proof }) => {
    const path = proof.map(fromHex);
    expectInclusion(true, vectorLeaves[index], index, treeSize, path, fromHex(ROOTS[treeSize]));
    expectInclusion(false, flipped(vectorLeaves[index], 0), index, treeSize, path, fromHex(ROOTS[treeSize]));
  });

  it.each(CONSISTENCY_VECTORS)("accepts the published proof from $oldSize to $newSize, and refuses it for another old root", ({ oldSize, newSize, proof }) => {
    const path = proof.map(fromHex);
    expectConsistency(true, oldSize, newSize, fromHex(ROOTS[oldSize]), fromHex(ROOTS[newSize]), path);
    expectConsistency(false, oldSize, newSize, flipped(fromHex(ROOTS[oldSize]), 0), fromHex(ROOTS[newSize]), path);
  });
});

describe("every inclusion proof merkle-tree.ts makes for trees of 1 to 64 leaves", () => {
  it.each(Array.from({ length: MAX }, (_unused, i) => i + 1))("tree of %i: accepted, and refused when anything is changed", treeSize => {
    const root = roots[treeSize];
    for (let index = 0; index < treeSize; index += 1) {
      const proof = inclusionProof(leaves, index, treeSize);
      const leaf = leaves[index];
      expectInclusion(true, leaf, index, treeSize, proof, root);
      // One bit flipped in the leaf, the root or any proof element.
      const bit = (index * 37) % 256;
      expectInclusion(false, flipped(leaf, bit), index, treeSize, proof, root);
      expectInclusion(false, leaf, index, treeSize, proof, flipped(root, bit));
      proof.forEach((_hash, at) => expectInclusion(false, leaf, index, treeSize, flippedIn(proof, at, bit + at), root));
      // Truncated at either end, or extended at either end.
      if (proof.length > 0) {
        expectInclusion(false, leaf, index, treeSize, proof.slice(0, -1), root);
        expectInclusion(false, leaf, index, treeSize, proof.slice(1), root);
      }
      expectInclusion(false, leaf, index, treeSize, [...proof, root], root);
      expectInclusion(false, leaf, index, treeSize, [leaf, ...proof], root);
      // The same leaf and proof claimed at any other index.
      for (let other = 0; other < treeSize; other += 1) {
        if (other !== index) expectInclusion(false, leaf, other, treeSize, proof, root);
      }
      // Presented for a tree of another size, with that size's root.
      for (const otherSize of [treeSize - 1, treeSize + 1]) {
        if (otherSize > index && otherSize <= MAX) expectInclusion(false, leaf, index, otherSize, proof, roots[otherSize]);
      }
    }
  });
});

describe("every consistency proof merkle-tree.ts makes between trees of 1 to 64 leaves", () => {
  it.each(Array.from({ length: MAX }, (_unused, i) => i + 1))("from every older size to %i: accepted, and refused when anything is changed", newSize => {
    const newRoot = roots[newSize];
    for (let oldSize = 1; oldSize <= newSize; oldSize += 1) {
      const proof = consistencyProof(leaves, oldSize, newSize);
      const oldRoot = roots[oldSize];
      expectConsistency(true, oldSize, newSize, oldRoot, newRoot, proof);
      const bit = (oldSize * 37) % 256;
      expectConsistency(false, oldSize, newSize, flipped(oldRoot, bit), newRoot, proof);
      expectConsistency(false, oldSize, newSize, oldRoot, flipped(newRoot, bit), proof);
      proof.forEach((_hash, at) => expectConsistency(false, oldSize, newSize, oldRoot, newRoot, flippedIn(proof, at, bit + at)));
      if (proof.length > 0) {
        expectConsistency(false, oldSize, newSize, oldRoot, newRoot, proof.slice(0, -1));
        expectConsistency(false, oldSize, newSize, oldRoot, newRoot, proof.slice(1));
      }
      expectConsistency(false, oldSize, newSize, oldRoot, newRoot, [...proof, newRoot]);
      expectConsistency(false, oldSize, newSize, oldRoot, newRoot, [oldRoot, ...proof]);
      // Presented for other sizes, each with its own root.
      for (const otherOld of [oldSize - 1, oldSize + 1]) {
        if (otherOld >= 1 && otherOld <= newSize) expectConsistency(false, otherOld, newSize, roots[otherOld], newRoot, proof);
      }
      for (const otherNew of [newSize - 1, newSize + 1]) {
        if (otherNew >= oldSize && otherNew <= MAX) expectConsistency(false, oldSize, otherNew, oldRoot, roots[otherNew], proof);
      }
    }
  });
});

describe("every single-bit flip is refused", () => {
  const SMALL = 8;

  it(`flips each of the 256 bits of every hash in every inclusion proof of trees up to ${SMALL} leaves`, () => {
    for (let treeSize = 1; treeSize <= SMALL; treeSize += 1) {
      for (let index = 0; index < treeSize; index += 1) {
        const proof = inclusionProof(leaves, index, treeSize);
        const [leaf, root] = [leaves[index], roots[treeSize]];
        expectInclusion(true, leaf, index, treeSize, proof, root);
        for (let bit = 0; bit < 256; bit += 1) {
          expectInclusion(false, flipped(leaf, bit), index, treeSize, proof, root);
          expectInclusion(false, leaf, index, treeSize, proof, flipped(root, bit));
          proof.forEach((_hash, at) => expectInclusion(false, leaf, index, treeSize, flippedIn(proof, at, bit), root));
        }
      }
    }
  });

  it(`flips each of the 256 bits of every hash in every consistency proof of trees up to ${SMALL} leaves`, () => {
    for (let newSize = 1; newSize <= SMALL; newSize += 1) {
      for (let oldSize = 1; oldSize <= newSize; oldSize += 1) {
        const proof = consistencyProof(leaves, oldSize, newSize);
        const [oldRoot, newRoot] = [roots[oldSize], roots[newSize]];
        expectConsistency(true, oldSize, newSize, oldRoot, newRoot, proof);
        for (let bit = 0; bit < 256; bit += 1) {
          expectConsistency(false, oldSize, newSize, flipped(oldRoot, bit), newRoot, proof);
          expectConsistency(false, oldSize, newSize, oldRoot, flipped(newRoot, bit), proof);
          proof.forEach((_hash, at) => expectConsistency(false, oldSize, newSize, oldRoot, newRoot, flippedIn(proof, at, bit)));
        }
      }
    }
  });

  it(`flips a random bit of a random hash in proofs of trees up to ${MAX} leaves`, () => {
    const inclusionCase = fc
      .integer({ min: 2, max: MAX })
      .chain(treeSize => fc.tuple(fc.constant(treeSize), fc.integer({ min: 0, max: treeSize - 1 }), fc.nat(), fc.integer({ min: 0, max: 255 })));
    fc.assert(
      fc.property(inclusionCase, ([treeSize, index, pick, bit]) => {
        const proof = inclusionProof(leaves, index, treeSize);
        expectInclusion(true, leaves[index], index, treeSize, proof, roots[treeSize]);
        expectInclusion(false, leaves[index], index, treeSize, flippedIn(proof, pick % proof.length, bit), roots[treeSize]);
      }),
      { numRuns: 500 },
    );
    const consistencyCase = fc
      .integer({ min: 2, max: MAX })
      .chain(newSize => fc.tuple(fc.integer({ min: 1, max: newSize - 1 }), fc.constant(newSize), fc.nat(), fc.integer({ min: 0, max: 255 })));
    fc.assert(
      fc.property(consistencyCase, ([oldSize, newSize, pick, bit]) => {
        const proof = consistencyProof(leaves, oldSize, newSize);
        expectConsistency(true, oldSize, newSize, roots[oldSize], roots[newSize], proof);
        expectConsistency(false, oldSize, newSize, roots[oldSize], roots[newSize], flippedIn(proof, pick % proof.length, bit));
      }),
      { numRuns: 500 },
    );
  });
});

describe("malformed input is refused with false, never an exception", () => {
  // Each row changes one argument of a proof that is accepted as it stands (the first row).
  const proof = inclusionProof(leaves, 5, 11);
  const [leaf, root] = [leaves[5], roots[11]];
  const asHash = (value: unknown): Buffer => value as Buffer;

  it.each<[string, InclusionArgs, boolean]>([
    ["the well-formed proof", [leaf, 5, 11, proof, root], true],
    ["a 31-byte leaf hash", [leaf.subarray(1), 5, 11, proof, root], false],
    ["a 33-byte root", [leaf, 5, 11, proof, Buffer.concat([root, Buffer.alloc(1)])], false],
    ["a leaf hash as hex text", [asHash(leaf.toString("hex")), 5, 11, proof, root], false],
    ["a proof element as hex text", [leaf, 5, 11, [asHash(proof[0].toString("hex")), ...proof.slice(1)], root], false],
    ["a missing proof element", [leaf, 5, 11, [asHash(undefined), ...proof.slice(1)], root], false],
    ["a proof that is not a list", [leaf, 5, 11, asHash(null) as unknown as Buffer[], root], false],
    ["an index equal to the size", [leaf, 11, 11, proof, root], false],
    ["a negative index", [leaf, -1, 11, proof, root], false],
    ["a fractional index", [leaf, 5.5, 11, proof, root], false],
    ["a size of 0", [leaf, 0, 0, [], root], false],
    ["a size that is not a number", [leaf, 5, Number.NaN, proof, root], false],
    ["a size beyond 2^53 - 1", [leaf, 5, 2 ** 53, proof, root], false],
  ])("inclusion with %s", (_case, args, expected) => {
    expect(() => verifyInclusion(...args)).not.toThrow();
    expect(verifyInclusion(...args)).toBe(expected);
  });

  const path = consistencyProof(leaves, 6, 11);
  const [oldRoot, newRoot] = [roots[6], roots[11]];

  it.each<[string, ConsistencyArgs, boolean]>([
    ["the well-formed proof", [6, 11, oldRoot, newRoot, path], true],
    ["equal sizes, equal roots and no proof", [6, 6, oldRoot, oldRoot, []], true],
    ["equal sizes with a proof element", [6, 6, oldRoot, oldRoot, [newRoot]], false],
    ["equal sizes with different roots", [6, 6, oldRoot, newRoot, []], false],
    ["an empty proof between different sizes", [6, 11, oldRoot, newRoot, []], false],
    ["an old size past the new", [11, 6, newRoot, oldRoot, path], false],
    ["an old size of 0", [0, 11, roots[0], newRoot, path], false],
    // The independent test verifier accepts 0 to 0; the log makes no proof from the empty tree.
    ["old and new sizes of 0", [0, 0, roots[0], roots[0], []], false],
    ["a fractional old size", [5.5, 11, oldRoot, newRoot, path], false],
    ["a new size beyond 2^53 - 1", [6, 2 ** 53, oldRoot, newRoot, path], false],
    ["a 31-byte old root", [6, 11, oldRoot.subarray(1), newRoot, path], false],
    ["a new root as hex text", [6, 11, oldRoot, asHash(newRoot.toString("hex")), path], false],
    ["a 33-byte proof element", [6, 11, oldRoot, newRoot, [...path.slice(0, -1), Buffer.concat([path[path.length - 1], Buffer.alloc(1)])]], false],
    ["a proof that is not a list", [6, 11, oldRoot, newRoot, asHash("proof") as unknown as Buffer[]], false],
  ])("consistency with %s", (_case, args, expected) => {
    expect(() => verifyConsistency(...args)).not.toThrow();
    expect(verifyConsistency(...args)).toBe(expected);
  });
});

describe("sizes past 32 bits, from a stored tree of identical leaves", () => {
  // JavaScript's bit operators would wrap these sizes; the verifier halves numbers instead.
  it.each([2 ** 32 + 1, 2 ** 40 + 3, 2 ** 53 - 1])("a tree of %i leaves: its proofs are accepted, and refused against another root", async size => {
    const { source, leaf } = uniformTree();
    const root = await storedRoot(source, size);
    for (const index of [0, 2 ** 31 + 7, size - 2, size - 1]) {
      const proof = await storedInclusionProof(source, index, size);
      expectInclusion(true, leaf, index, size, proof, root);
      expectInclusion(false, leaf, index, size, proof, flipped(root, 255));
    }
    for (const oldSize of [1, 2 ** 32, 2 ** 32 + 1, size - 1]) {
      const oldRoot = await storedRoot(source, oldSize);
      const proof = await storedConsistencyProof(source, oldSize, size);
      expectConsistency(true, oldSize, size, oldRoot, root, proof);
      expectConsistency(false, oldSize, size, flipped(oldRoot, 255), root, proof);
    }
  });
});
