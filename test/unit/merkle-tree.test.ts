import { createHash } from "node:crypto";
import { consistencyProof, inclusionProof, leafHash, nodeHash, rootOf } from "../../src/transparency/merkle-tree";
import { consistencyProofFrom, inclusionProofFrom, rootFrom, type LeafHashSource } from "../../src/transparency/leaf-hash-source";
import { verifyConsistency, verifyInclusion } from "../support/merkle-verifier";

/*
 * Known answers for RFC 6962 trees over SHA-256, copied by value from the Certificate
 * Transparency projects: google/certificate-transparency, cpp/merkletree/merkle_tree_test.cc
 * (kInputs, kSHA256EmptyTreeHash, kSHA256Roots, kSHA256Paths, kSHA256Proofs), and
 * transparency-dev/merkle, testonly/constants.go (the same inputs and roots) and
 * proof/verify_test.go before its vectors moved to testdata/ (inclusionProofs,
 * consistencyProofs, which add the consistency proof from 6 to 7). Those files number leaves
 * from 1 in their path vectors; here an index counts from 0 as in RFC 9162.
 */
const INPUTS = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"];

/** Roots of the trees of the first 0..8 inputs. */
const ROOTS = [
  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
  "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
  "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
  "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
  "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
  "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
  "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
  "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
  "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];

/** The leaf hashes of the eight inputs (transparency-dev/merkle, testonly/constants.go, NodeHashes level 0). */
const LEAF_HASHES = [
  "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
  "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
  "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
  "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
  "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
  "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
  "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
  "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1",
];

const INCLUSION_VECTORS: ReadonlyArray<{ index: number; treeSize: number; proof: string[] }> = [
  { index: 0, treeSize: 1, proof: [] },
  {
    index: 0,
    treeSize: 8,
    proof: [
      "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
  },
  {
    index: 5,
    treeSize: 8,
    proof: [
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ],
  },
  { index: 2, treeSize: 3, proof: ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"] },
  {
    index: 1,
    treeSize: 5,
    proof: [
      "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
    ],
  },
];

const CONSISTENCY_VECTORS: ReadonlyArray<{ oldSize: number; newSize: number; proof: string[] }> = [
  { oldSize: 1, newSize: 1, proof: [] },
  {
    oldSize: 1,
    newSize: 8,
    proof: [
      "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
  },
  {
    oldSize: 6,
    newSize: 8,
    proof: [
      "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ],
  },
  {
    oldSize: 2,
    newSize: 5,
    proof: [
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
    ],
  },
  {
    oldSize: 6,
    newSize: 7,
    proof: [
      "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ],
  },
];

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

describe("reading leaf hashes through a LeafHashSource", () => {
  const leaves = vectorLeafHashes();
  const source: LeafHashSource = { readLeafHashes: async (start, end) => leaves.slice(start, end) };
  const short: LeafHashSource = { readLeafHashes: async (start, end) => leaves.slice(start, end - 1) };

  it("gives what the array functions give for a source that holds the leaves", async () => {
    expect(hex(await rootFrom(source, 5))).toBe(ROOTS[5]);
    expect(hex(await rootFrom(source, 0))).toBe(ROOTS[0]);
    expect((await inclusionProofFrom(source, 5, 8)).map(hex)).toEqual(INCLUSION_VECTORS[2].proof);
    expect((await consistencyProofFrom(source, 6, 8)).map(hex)).toEqual(CONSISTENCY_VECTORS[2].proof);
  });

  it("refuses a source that returns fewer leaves than asked (a gap), where the full one is accepted", async () => {
    await expect(rootFrom(short, 5)).rejects.toThrow(RangeError);
    await expect(inclusionProofFrom(short, 0, 8)).rejects.toThrow(RangeError);
    await expect(rootFrom(source, 9)).rejects.toThrow(RangeError);
  });
});
