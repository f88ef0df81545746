import { randomBytes } from "node:crypto";
import { CompactRange, frontierKeys } from "../../src/transparency/compact-range";
import { emptyRoot, leafHash, rootOf } from "../../src/transparency/merkle-tree";
import { INPUTS, ROOTS } from "../support/rfc6962-vectors";

const hex = (hash: Uint8Array): string => Buffer.from(hash).toString("hex");
const leaves = (n: number): Buffer[] => Array.from({ length: n }, () => leafHash(randomBytes(8)));

describe("CompactRange: the root of a tree grown one leaf at a time in O(log n) memory", () => {
  it("gives merkle-tree.ts's root after every leaf, up to 130 leaves, and the empty root before any", () => {
    const hashes = leaves(130);
    const range = new CompactRange();
    expect(hex(range.root())).toBe(hex(emptyRoot()));
    hashes.forEach((hash, i) => {
      range.append(hash);
      expect(range.size).toBe(i + 1);
      expect(hex(range.root())).toBe(hex(rootOf(hashes.slice(0, i + 1))));
    });
  });

  it("gives the RFC 6962 test vectors' roots", () => {
    const range = new CompactRange();
    expect(hex(range.root())).toBe(ROOTS[0]);
    INPUTS.forEach((input, i) => {
      range.append(leafHash(Buffer.from(input, "hex")));
      expect(hex(range.root())).toBe(ROOTS[i + 1]);
    });
  });

  it("returns each subtree a leaf completes, leaf first, each the MTH of exactly its leaves", () => {
    const hashes = leaves(64);
    const range = new CompactRange();
    const seen: string[] = [];
    hashes.forEach((hash, i) => {
      const completed = range.append(hash);
      expect(completed[0]).toMatchObject({ level: 0, index: i });
      completed.forEach((node, k) => {
        expect(node.level).toBe(k);
        const width = 2 ** node.level;
        expect((node.index + 1) * width - 1).toBe(i);
        expect(hex(node.hash)).toBe(hex(rootOf(hashes.slice(node.index * width, (node.index + 1) * width))));
        seen.push(`${node.level}:${node.index}`);
      });
    });
    // Every complete subtree of 64 leaves, once: 64 + 32 + … + 1.
    expect(new Set(seen).size).toBe(127);
    expect(seen).toHaveLength(127);
  });

  it("continues from a stored frontier exactly as from the leaves", () => {
    const hashes = leaves(45);
    const whole = new CompactRange();
    const frontierAt = 21;
    const prefix = new CompactRange();
    const completed = hashes.slice(0, frontierAt).flatMap(hash => { whole.append(hash); return prefix.append(hash); });
    const byKey = new Map(completed.map(node => [`${node.level}:${node.index}`, node]));
    const frontier = frontierKeys(frontierAt).map(key => byKey.get(`${key.level}:${key.index}`)!);
    const resumed = new CompactRange(frontierAt, frontier);
    for (const hash of hashes.slice(frontierAt)) {
      expect(resumed.append(hash)).toEqual(whole.append(hash));
      expect(hex(resumed.root())).toBe(hex(whole.root()));
    }
  });

  it("names the frontier of a size: one complete subtree per set bit, largest first", () => {
    expect(frontierKeys(0)).toEqual([]);
    expect(frontierKeys(1)).toEqual([{ level: 0, index: 0 }]);
    expect(frontierKeys(13)).toEqual([{ level: 3, index: 0 }, { level: 2, index: 2 }, { level: 0, index: 12 }]);
    expect(frontierKeys(2 ** 40 + 1)).toEqual([{ level: 40, index: 0 }, { level: 0, index: 2 ** 40 }]);
  });

  it("refuses a frontier that does not fit its size, and a leaf hash that is not 32 bytes", () => {
    const [a, b] = leaves(2);
    expect(() => new CompactRange(3, [{ level: 1, index: 0, hash: a }])).toThrow(RangeError);
    expect(() => new CompactRange(3, [{ level: 0, index: 2, hash: b }, { level: 1, index: 0, hash: a }])).toThrow(RangeError);
    expect(() => new CompactRange(1, [{ level: 0, index: 0, hash: a.subarray(0, 31) }])).toThrow(RangeError);
    expect(() => new CompactRange(-1)).toThrow(RangeError);
    // Its positive twin: the right frontier is taken.
    expect(new CompactRange(3, [{ level: 1, index: 0, hash: a }, { level: 0, index: 2, hash: b }]).size).toBe(3);
    expect(() => new CompactRange().append(Buffer.alloc(31))).toThrow(RangeError);
  });
});
