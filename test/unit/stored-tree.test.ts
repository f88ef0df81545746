import fc from "fast-check";
import { consistencyProof, inclusionProof, leafHash, rootOf } from "../../src/transparency/merkle-tree";
import {
  appendLeaves,
  storedConsistencyProof,
  storedInclusionProof,
  storedRoot,
  type NodeKey,
  type NodeSource,
  type StoredNode,
} from "../../src/transparency/stored-tree";
import { CONSISTENCY_VECTORS, INCLUSION_VECTORS, INPUTS, ROOTS } from "../support/rfc6962-vectors";
import { uniformTree } from "../support/uniform-tree";

const hex = (hash: Uint8Array): string => Buffer.from(hash).toString("hex");
const keyName = ({ level, index }: NodeKey): string => `${level}:${index}`;

/** A table of node hashes in memory, filled only through appendLeaves, that records every read. */
class MemoryNodes implements NodeSource {
  readonly rows = new Map<string, Buffer>();
  readonly reads: NodeKey[][] = [];
  size = 0;

  async readNodes(keys: readonly NodeKey[]): Promise<readonly Buffer[]> {
    this.reads.push([...keys]);
    return keys.map(key => {
      const hash = this.rows.get(keyName(key));
      if (hash === undefined) throw new Error(`no node ${keyName(key)} in the table`);
      return hash;
    });
  }

  /** Appends one batch and stores what appendLeaves returns, as the table would. */
  async append(leaves: readonly Buffer[]): Promise<{ nodes: StoredNode[]; root: Buffer }> {
    const result = await appendLeaves(this, this.size, leaves);
    for (const node of result.nodes) {
      // A node is written once: a second write would mean the append recomputed an old node.
      expect(this.rows.has(keyName(node))).toBe(false);
      this.rows.set(keyName(node), node.hash);
    }
    this.size = result.size;
    return result;
  }

  /** The reads since the last call, then forgets them. */
  takeReads(): NodeKey[][] {
    return this.reads.splice(0);
  }
}

/** Cuts `total` leaves into consecutive batches (an empty batch now and then) in random ways. */
const batchSizes = (total: number): fc.Arbitrary<number[]> =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: total }).map(sizes => {
    const batches: number[] = [];
    let left = total;
    for (const size of sizes) {
      const take = Math.min(size, left);
      batches.push(take);
      left -= take;
    }
    return left > 0 ? [...batches, left] : batches;
  });

async function fill(table: MemoryNodes, leaves: readonly Buffer[], batches: readonly number[]): Promise<void> {
  let at = 0;
  for (const size of batches) {
    await table.append(leaves.slice(at, at + size));
    at += size;
  }
}

/** Every key a call read lies inside the tree of `size` leaves, and none is read twice. */
function expectKeysInTree(keys: readonly NodeKey[], size: number): void {
  for (const { level, index } of keys) expect((index + 1) * 2 ** level).toBeLessThanOrEqual(size);
  expect(new Set(keys.map(keyName)).size).toBe(keys.length);
}

const MAX = 64;
const leaves = Array.from({ length: MAX }, (_unused, i) => leafHash(Buffer.from(`access-log record ${i}`)));

describe("appendLeaves in random batches", () => {
  it("returns each batch's root and exactly the complete subtrees it finished, reading only the old frontier", async () => {
    await fc.assert(
      fc.asyncProperty(batchSizes(MAX), async batches => {
        const table = new MemoryNodes();
        for (const count of batches) {
          const oldSize = table.size;
          const { nodes, root } = await table.append(leaves.slice(oldSize, oldSize + count));
          const newSize = oldSize + count;
          expect(hex(root)).toBe(hex(rootOf(leaves.slice(0, newSize))));
          // The frontier is one node per set bit of the old size, read in one call, or none at 0.
          const reads = table.takeReads();
          const bits = oldSize.toString(2).replace(/0/g, "").length;
          expect(reads.map(keys => keys.length)).toEqual(bits === 0 ? [] : [bits]);
          // The nodes finished are those whose last leaf arrived in this batch, each with its MTH.
          const expected = [];
          for (let level = 0; 2 ** level <= newSize; level += 1) {
            for (let index = 0; (index + 1) * 2 ** level <= newSize; index += 1) {
              if ((index + 1) * 2 ** level > oldSize) expected.push(`${level}:${index}=${hex(rootOf(leaves.slice(index * 2 ** level, (index + 1) * 2 ** level)))}`);
            }
          }
          expect(nodes.map(node => `${keyName(node)}=${hex(node.hash)}`).sort()).toEqual(expected.sort());
        }
        expect(table.rows.size).toBe(2 * MAX - 1);
      }),
      { numRuns: 60 },
    );
  });

  it("gives the empty root for nothing appended to nothing, without reading", async () => {
    const table = new MemoryNodes();
    expect(hex((await appendLeaves(table, 0, [])).root)).toBe(ROOTS[0]);
    expect(table.reads).toEqual([]);
  });

  it.each([
    ["a 31-byte leaf hash", leaves[1].subarray(1)],
    ["a 33-byte leaf hash", Buffer.concat([leaves[1], Buffer.alloc(1)])],
    ["hex text", hex(leaves[1]) as unknown as Buffer],
  ])("refuses %s before reading anything, where the whole hash is appended", async (_case, bad) => {
    const table = new MemoryNodes();
    await table.append([leaves[0]]);
    table.takeReads();
    await expect(appendLeaves(table, 1, [bad])).rejects.toThrow(/new leaf hash 0 must be a 32-byte Buffer/);
    expect(table.reads).toEqual([]);
    await expect(appendLeaves(table, 1, [leaves[1]])).resolves.toMatchObject({ size: 2 });
  });
});

describe("a store filled through appendLeaves gives what merkle-tree.ts gives from the leaves", () => {
  const table = new MemoryNodes();
  const [batches] = fc.sample(batchSizes(MAX), { numRuns: 1, seed: 9162 });

  beforeAll(async () => {
    await fill(table, leaves, batches);
    table.takeReads();
  });

  it("reads nothing for the empty tree", async () => {
    expect(hex(await storedRoot(table, 0))).toBe(ROOTS[0]);
    expect(table.takeReads()).toEqual([]);
  });

  it.each(Array.from({ length: MAX }, (_unused, i) => i + 1))("the root, every inclusion proof and every consistency proof of a tree of %i", async size => {
    expect(hex(await storedRoot(table, size))).toBe(hex(rootOf(leaves.slice(0, size))));
    const rootReads = table.takeReads();
    expect(rootReads).toHaveLength(1);
    expectKeysInTree(rootReads[0], size);

    for (let index = 0; index < size; index += 1) {
      expect((await storedInclusionProof(table, index, size)).map(hex)).toEqual(inclusionProof(leaves, index, size).map(hex));
      // One read, or none when the proof is empty (a tree of one leaf).
      const reads = table.takeReads();
      expect(reads).toHaveLength(size === 1 ? 0 : 1);
      reads.forEach(keys => expectKeysInTree(keys, size));
    }
    for (let oldSize = 1; oldSize <= size; oldSize += 1) {
      expect((await storedConsistencyProof(table, oldSize, size)).map(hex)).toEqual(consistencyProof(leaves, oldSize, size).map(hex));
      const reads = table.takeReads();
      expect(reads).toHaveLength(oldSize === size ? 0 : 1);
      reads.forEach(keys => expectKeysInTree(keys, size));
    }
  });
});

describe("the RFC 6962 published vectors, through a store filled by appendLeaves", () => {
  const table = new MemoryNodes();
  const vectorLeaves = INPUTS.map(input => leafHash(Buffer.from(input, "hex")));

  beforeAll(async () => {
    await fill(table, vectorLeaves, [3, 0, 4, 1]);
  });

  it.each(ROOTS.map((root, size) => [size, root]))("gives the published root of the first %i inputs", async (size, root) => {
    expect(hex(await storedRoot(table, size as number))).toBe(root);
  });

  it.each(INCLUSION_VECTORS)("gives the published proof for leaf $index of $treeSize", async ({ index, treeSize, proof }) => {
    expect((await storedInclusionProof(table, index, treeSize)).map(hex)).toEqual(proof);
  });

  it.each(CONSISTENCY_VECTORS)("gives the published proof from $oldSize to $newSize", async ({ oldSize, newSize, proof }) => {
    expect((await storedConsistencyProof(table, oldSize, newSize)).map(hex)).toEqual(proof);
  });
});

describe("the arguments merkle-tree.ts refuses are refused here with a RangeError", () => {
  const table = new MemoryNodes();
  beforeAll(async () => {
    await table.append(leaves.slice(0, 8));
  });

  it.each([
    ["an empty tree", 0, 0],
    ["a leaf past the tree", 3, 3],
    ["a negative index", -1, 3],
    ["a fractional index", 0.5, 3],
  ])("inclusion: refuses %s, as merkle-tree.ts does", async (_case, index, treeSize) => {
    expect(() => inclusionProof(leaves, index as number, treeSize as number)).toThrow(RangeError);
    await expect(storedInclusionProof(table, index as number, treeSize as number)).rejects.toThrow(RangeError);
  });

  it.each([
    ["an old size of 0", 0, 5],
    ["an old size past the new", 6, 5],
    ["a fractional size", 1.5, 5],
  ])("consistency: refuses %s, as merkle-tree.ts does", async (_case, oldSize, newSize) => {
    expect(() => consistencyProof(leaves, oldSize as number, newSize as number)).toThrow(RangeError);
    await expect(storedConsistencyProof(table, oldSize as number, newSize as number)).rejects.toThrow(RangeError);
  });

  it("refuses a negative or fractional root size and appends to none, and accepts their twins", async () => {
    await expect(storedRoot(table, -1)).rejects.toThrow(RangeError);
    await expect(storedRoot(table, 2.5)).rejects.toThrow(RangeError);
    await expect(appendLeaves(table, -1, [])).rejects.toThrow(RangeError);
    expect(hex(await storedRoot(table, 8))).toBe(hex(rootOf(leaves.slice(0, 8))));
    await expect(storedInclusionProof(table, 2, 3)).resolves.toHaveLength(1);
    await expect(storedConsistencyProof(table, 5, 5)).resolves.toEqual([]);
  });
});

describe("a source that answers with something other than 32-byte Buffers is refused, naming the node", () => {
  /** The stored table for 8 leaves, with the answer for one node replaced. */
  function tableWith(level: number, index: number, answer: unknown): NodeSource {
    const nodes = new Map<string, Buffer>();
    for (let l = 0; l <= 3; l += 1) {
      for (let i = 0; (i + 1) * 2 ** l <= 8; i += 1) nodes.set(`${l}:${i}`, rootOf(leaves.slice(i * 2 ** l, (i + 1) * 2 ** l)));
    }
    return {
      readNodes: async keys => keys.map(key => (key.level === level && key.index === index ? answer : nodes.get(keyName(key))) as Buffer),
    };
  }
  const whole = rootOf(leaves.slice(4, 5));

  it.each([
    ["a 31-byte Buffer", whole.subarray(1)],
    ["hex text", hex(whole)],
    ["nothing (a gap in the table)", undefined],
  ])("refuses %s for node (level 0, index 4) of a tree of 5, where the whole hash is accepted", async (_case, answer) => {
    await expect(storedRoot(tableWith(0, 4, answer), 5)).rejects.toThrow(/node \(level 0, index 4\) from the source must be a 32-byte Buffer/);
    await expect(storedInclusionProof(tableWith(0, 4, answer), 0, 5)).rejects.toThrow(/node \(level 0, index 4\)/);
    await expect(appendLeaves(tableWith(0, 4, answer), 5, [leaves[5]])).rejects.toThrow(/node \(level 0, index 4\)/);
    expect(hex(await storedRoot(tableWith(0, 4, whole), 5))).toBe(hex(rootOf(leaves.slice(0, 5))));
  });

  it("refuses a source that returns fewer hashes than asked, where the full answer is accepted", async () => {
    const full = tableWith(-1, -1, undefined);
    const short: NodeSource = { readNodes: async keys => (await full.readNodes(keys)).slice(1) };
    await expect(storedRoot(short, 5)).rejects.toThrow(/asked the source for 2 node hashes, it returned an array of 1/);
    expect(hex(await storedRoot(full, 5))).toBe(hex(rootOf(leaves.slice(0, 5))));
  });
});

describe("reads stay logarithmic in the tree size", () => {
  // The bound asked of the design is 2·log2(n)² + 2; the reads are in fact at most one per set
  // bit of n for a root and 2·⌈log2 n⌉ for a proof: the path plus one cut-up right edge.
  const sizes = [1, 2, 3, 5, 63, 64, 65, 1000, 2 ** 19 + 2 ** 18 - 1, 2 ** 20 - 1, 2 ** 20, 2 ** 20 + 1];

  it.each(sizes)("a tree of %i leaves", async size => {
    const { source, reads } = uniformTree();
    const depth = Math.ceil(Math.log2(size));
    await storedRoot(source, size);
    expect(reads).toEqual([size.toString(2).replace(/0/g, "").length]);
    const samples = fc.sample(fc.integer({ min: 0, max: size - 1 }), { numRuns: 200, seed: size });
    for (const index of [0, size - 1, Math.floor(size / 2), ...samples]) {
      reads.length = 0;
      await storedInclusionProof(source, index, size);
      expect(reads.length).toBeLessThanOrEqual(1);
      expect(reads[0] ?? 0).toBeLessThanOrEqual(2 * depth);
      expect(reads[0] ?? 0).toBeLessThanOrEqual(2 * Math.log2(size) ** 2 + 2);
      reads.length = 0;
      await storedConsistencyProof(source, index + 1, size);
      expect(reads.length).toBeLessThanOrEqual(1);
      expect(reads[0] ?? 0).toBeLessThanOrEqual(2 * depth);
    }
  });
});
