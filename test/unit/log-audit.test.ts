import { randomBytes } from "node:crypto";
import { CompactRange } from "../../src/transparency/compact-range";
import { leafHash } from "../../src/transparency/merkle-hash";
import { type AuditSource, type LeafClaim, auditLog, describeFinding } from "../../src/transparency-log/log-audit";

/** A log in memory: records claiming leaves, and the stored nodes the sequencer would have written for them. */
class MemoryLog implements AuditSource {
  claimsList: LeafClaim[];
  nodes = new Map<string, Buffer>();
  root: Buffer;
  readonly pages: Array<[number, number]> = [];

  constructor(size: number) {
    this.claimsList = Array.from({ length: size }, (_, index) => ({ index, kind: "access" as const, id: `record-${index}`, leafHash: leafHash(randomBytes(16)) }));
    this.root = this.rebuildNodes();
  }

  /** Stores the nodes of the claims as they are now, as a sequencer rebuilding the tree would. */
  rebuildNodes(): Buffer {
    const range = new CompactRange();
    this.nodes.clear();
    for (const claim of [...this.claimsList].sort((a, b) => a.index - b.index)) {
      for (const node of range.append(claim.leafHash!)) this.nodes.set(`${node.level}:${node.index}`, node.hash);
    }
    return range.root();
  }

  claim(index: number): LeafClaim {
    return this.claimsList.find(claim => claim.index === index)!;
  }

  async claims(from: number, to: number): Promise<LeafClaim[]> {
    this.pages.push([from, to]);
    return this.claimsList.filter(claim => claim.index >= from && claim.index < to).sort((a, b) => a.index - b.index);
  }

  async storedNodes(ranges: readonly { level: number; from: number; to: number }[]): Promise<ReadonlyMap<string, Buffer>> {
    const found = new Map<string, Buffer>();
    for (const { level, from, to } of ranges) {
      for (let index = from; index < to; index += 1) {
        const hash = this.nodes.get(`${level}:${index}`);
        if (hash) found.set(`${level}:${index}`, hash);
      }
    }
    return found;
  }
}

describe("auditLog: the first leaf whose record or stored node is not the checkpoint's", () => {
  it.each([0, 1, 2, 13, 64, 100])("verifies an untouched log of %i leaves, whatever the page size", async size => {
    for (const page of [1, 3, 7, 5000]) {
      const log = new MemoryLog(size);
      expect(await auditLog(log, size, log.root, page)).toEqual({ verdict: "verified", size });
      // It reads page by page, never more than a page of leaves at once.
      expect(log.pages.every(([from, to]) => to - from <= page)).toBe(true);
      expect(log.pages).toHaveLength(Math.ceil(size / page));
    }
  });

  it("verifies a prefix: records and nodes beyond the checkpoint's size (the log grew since) are not its business", async () => {
    const log = new MemoryLog(20);
    const range = new CompactRange();
    log.claimsList.slice(0, 13).forEach(claim => range.append(claim.leafHash!));
    expect(await auditLog(log, 13, range.root(), 4)).toEqual({ verdict: "verified", size: 13 });
    log.claimsList.push({ index: 19, kind: "admin-action", id: "extra", leafHash: leafHash(randomBytes(4)) });
    expect(await auditLog(log, 13, range.root(), 4)).toEqual({ verdict: "verified", size: 13 });
  });

  it("a deleted record: the leaf no record holds, and the first missing one when the log is short", async () => {
    const log = new MemoryLog(13);
    log.claimsList = log.claimsList.filter(claim => claim.index !== 5);
    expect(await auditLog(log, 13, log.root, 4)).toEqual({ verdict: "missing", index: 5 });
    const short = new MemoryLog(13);
    short.claimsList = short.claimsList.filter(claim => claim.index < 10);
    expect(await auditLog(short, 13, short.root, 4)).toEqual({ verdict: "missing", index: 10 });
  });

  it("an altered record: its leaf, named with its kind and id", async () => {
    const log = new MemoryLog(13);
    (log.claim(7) as { leafHash: Buffer }).leafHash = leafHash(randomBytes(16));
    const finding = await auditLog(log, 13, log.root, 4);
    expect(finding).toEqual({ verdict: "leaf-differs", index: 7, record: { kind: "access", id: "record-7" }, unreadable: false });
    expect(describeFinding(finding)).toBe("leaf 7: access record record-7 does not match the stored leaf hash (the record was altered, or moved from another index)");
  });

  it("a record that can no longer be encoded is altered too", async () => {
    const log = new MemoryLog(5);
    (log.claim(2) as { leafHash: Buffer | null }).leafHash = null;
    expect(await auditLog(log, 5, log.root)).toMatchObject({ verdict: "leaf-differs", index: 2, unreadable: true });
  });

  it("two records swapped: the lower of their leaves", async () => {
    const log = new MemoryLog(13);
    (log.claim(3) as { index: number }).index = -1;
    (log.claim(9) as { index: number }).index = 3;
    (log.claim(-1) as { index: number }).index = 9;
    expect(await auditLog(log, 13, log.root, 5)).toMatchObject({ verdict: "leaf-differs", index: 3, record: { id: "record-9" } });
  });

  it("an inserted record claiming a leaf: the leaf claimed twice, both records named", async () => {
    const log = new MemoryLog(13);
    log.claimsList.push({ index: 4, kind: "admin-action", id: "inserted", leafHash: log.claim(4).leafHash });
    const finding = await auditLog(log, 13, log.root, 5);
    expect(finding).toMatchObject({ verdict: "claimed-twice", index: 4 });
    expect(describeFinding(finding)).toContain("admin-action record inserted");
  });

  it("a record claiming a leaf the stored tree does not have", async () => {
    const log = new MemoryLog(13);
    log.nodes.delete("0:6");
    expect(await auditLog(log, 13, log.root, 5)).toMatchObject({ verdict: "not-in-stored-tree", index: 6, record: { id: "record-6" } });
  });

  it("a record altered with its stored leaf hash: the stored subtree above it names the pair of leaves", async () => {
    const log = new MemoryLog(13);
    const altered = leafHash(randomBytes(16));
    (log.claim(5) as { leafHash: Buffer }).leafHash = altered;
    log.nodes.set("0:5", altered);
    const finding = await auditLog(log, 13, log.root, 5);
    expect(finding).toEqual({ verdict: "subtree-differs", level: 1, nodeIndex: 2, first: 4, last: 5 });
    expect(describeFinding(finding)).toMatch(/^leaves 4 to 5: /);
  });

  it("records altered with the whole stored tree rebuilt: only the root differs, and no leaf is named", async () => {
    const log = new MemoryLog(13);
    (log.claim(8) as { leafHash: Buffer }).leafHash = leafHash(randomBytes(16));
    const checkpointRoot = log.root;
    log.rebuildNodes();
    const finding = await auditLog(log, 13, checkpointRoot, 5);
    expect(finding).toEqual({ verdict: "root-differs", size: 13 });
    expect(describeFinding(finding)).toMatch(/^root mismatch: /);
    // Its twin: against the rebuilt tree's own root, the rewritten log verifies (only a checkpoint from before catches it).
    expect(await auditLog(log, 13, log.rebuildNodes(), 5)).toEqual({ verdict: "verified", size: 13 });
  });
});
