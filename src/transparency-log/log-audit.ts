import { CompactRange } from "../transparency/compact-range";
import type { LeafKind } from "./leaf-encoding";

/** Leaves read per page: the records and stored nodes of one page are all the audit holds at once. */
export const AUDIT_PAGE = 5000;

/** A record that claims a leaf: its `log_index`, kind, id, and the leaf hash rebuilt from its columns (null when it cannot be encoded). */
export interface LeafClaim {
  readonly index: number;
  readonly kind: LeafKind;
  readonly id: string;
  readonly leafHash: Buffer | null;
  /**
   * False when the stored row can no longer be encoded and `leafHash` is that of its
   * `unreadable` leaf (leaf-encoding.ts `leafOf`): it matches the stored leaf when the row was
   * already spoiled when it was sequenced, which the audit reports beside its verdict.
   */
  readonly readable?: boolean;
}

/** What the audit reads, a page at a time. */
export interface AuditSource {
  /** The records whose `log_index` is in [from, to), in index order. */
  claims(from: number, to: number): Promise<LeafClaim[]>;
  /** Stored subtree hashes: for each range, the nodes of `level` with index in [from, to), keyed `level:index`. */
  storedNodes(ranges: readonly { level: number; from: number; to: number }[]): Promise<ReadonlyMap<string, Buffer>>;
}

export type RecordRef = Pick<LeafClaim, "kind" | "id">;

/** The first thing found wrong, in leaf order, or that all `size` leaves are the checkpoint's. */
export type AuditFinding =
  | { readonly verdict: "verified"; readonly size: number; readonly unreadable?: readonly RecordRef[] }
  /** No record holds this leaf: one was deleted, or its `log_index` was changed. */
  | { readonly verdict: "missing"; readonly index: number }
  /** Two or more records claim this leaf: one was inserted (or renumbered onto it). */
  | { readonly verdict: "claimed-twice"; readonly index: number; readonly records: readonly RecordRef[] }
  /** The stored tree has no leaf here though the checkpoint covers it: its nodes were deleted. */
  | { readonly verdict: "not-in-stored-tree"; readonly index: number; readonly record: RecordRef }
  /** The record's leaf hash is not the stored one: the record was altered, or moved here from another index. */
  | { readonly verdict: "leaf-differs"; readonly index: number; readonly record: RecordRef; readonly unreadable: boolean }
  /**
   * Every record of these leaves matches its stored leaf hash, but the stored subtree over them
   * does not: stored leaf hashes were rewritten along with records, somewhere in [first, last].
   */
  | { readonly verdict: "subtree-differs"; readonly level: number; readonly nodeIndex: number; readonly first: number; readonly last: number }
  /** Everything stored agrees with the records, but not with the checkpoint: the whole stored tree was rewritten with them. */
  | { readonly verdict: "root-differs"; readonly size: number };

/**
 * Checks the first `size` leaves of the log against a checkpoint's root, streaming: a page of
 * records and of stored nodes at a time, the root folded in a compact range (O(log n) memory).
 * Each leaf is checked as it comes: exactly one record claims it, the stored tree has it, the
 * record's rebuilt leaf hash is the stored one; then each subtree it completes is compared with
 * the stored node of that subtree; at the end the root with the checkpoint's. The first failure,
 * in leaf order, is the answer.
 */
export async function auditLog(source: AuditSource, size: number, expectedRoot: Uint8Array, pageSize = AUDIT_PAGE): Promise<AuditFinding> {
  const range = new CompactRange();
  const unreadable: RecordRef[] = [];
  for (let from = 0; from < size; from += pageSize) {
    const to = Math.min(size, from + pageSize);
    const claims = groupByIndex(await source.claims(from, to));
    const stored = await source.storedNodes(completedIn(from, to));
    for (let index = from; index < to; index += 1) {
      const found = claims.get(index) ?? [];
      if (found.length === 0) return { verdict: "missing", index };
      if (found.length > 1) return { verdict: "claimed-twice", index, records: found.map(refOf) };
      const [claim] = found;
      const storedLeaf = stored.get(`0:${index}`);
      if (storedLeaf === undefined) return { verdict: "not-in-stored-tree", index, record: refOf(claim) };
      if (claim.leafHash === null || !claim.leafHash.equals(storedLeaf)) {
        return { verdict: "leaf-differs", index, record: refOf(claim), unreadable: claim.leafHash === null || claim.readable === false };
      }
      if (claim.readable === false) unreadable.push(refOf(claim));
      for (const node of range.append(claim.leafHash).slice(1)) {
        const storedNode = stored.get(`${node.level}:${node.index}`);
        if (storedNode === undefined || !storedNode.equals(node.hash)) {
          const width = 2 ** node.level;
          return { verdict: "subtree-differs", level: node.level, nodeIndex: node.index, first: node.index * width, last: (node.index + 1) * width - 1 };
        }
      }
    }
  }
  if (!range.root().equals(Buffer.from(expectedRoot))) return { verdict: "root-differs", size };
  return unreadable.length === 0 ? { verdict: "verified", size } : { verdict: "verified", size, unreadable };
}

/** The subtrees completed by leaves [from, to): at each level, those whose last leaf falls in the page. */
function completedIn(from: number, to: number): { level: number; from: number; to: number }[] {
  const ranges: { level: number; from: number; to: number }[] = [];
  for (let level = 0; 2 ** level <= to; level += 1) {
    const width = 2 ** level;
    const first = Math.ceil((from + 1) / width) - 1;
    const end = Math.floor(to / width);
    if (first < end) ranges.push({ level, from: first, to: end });
  }
  return ranges;
}

function groupByIndex(claims: readonly LeafClaim[]): Map<number, LeafClaim[]> {
  const byIndex = new Map<number, LeafClaim[]>();
  for (const claim of claims) {
    const same = byIndex.get(claim.index);
    if (same) same.push(claim);
    else byIndex.set(claim.index, [claim]);
  }
  return byIndex;
}

const refOf = ({ kind, id }: LeafClaim): RecordRef => ({ kind, id });

/** One line naming the finding by leaf index, record kind and id: never a record's contents. */
export function describeFinding(finding: AuditFinding): string {
  switch (finding.verdict) {
    case "verified":
      return finding.unreadable
        ? `verified ${finding.size} leaves; ${finding.unreadable.length} of them unreadable, logged so because their rows were already altered when sequenced: ${finding.unreadable.map(name).join(", ")}`
        : `verified ${finding.size} leaves`;
    case "missing":
      return `leaf ${finding.index}: no record holds it (a record was deleted, or its log_index changed)`;
    case "claimed-twice":
      return `leaf ${finding.index}: claimed by ${finding.records.length} records (${finding.records.map(name).join(", ")}): a record was inserted or renumbered`;
    case "not-in-stored-tree":
      return `leaf ${finding.index}: ${name(finding.record)} claims a leaf the stored tree does not have (its nodes were deleted)`;
    case "leaf-differs":
      return finding.unreadable
        ? `leaf ${finding.index}: ${name(finding.record)} can no longer be encoded as a leaf (the record was altered)`
        : `leaf ${finding.index}: ${name(finding.record)} does not match the stored leaf hash (the record was altered, or moved from another index)`;
    case "subtree-differs":
      return `leaves ${finding.first} to ${finding.last}: every record matches its stored leaf hash but the stored subtree (level ${finding.level}, index ${finding.nodeIndex}) does not (stored leaf hashes were rewritten with records)`;
    case "root-differs":
      return `root mismatch: the ${finding.size} records match the stored tree but not the checkpoint's root (the stored tree was rewritten with the records; no single leaf can be named)`;
    default: {
      const unreachable: never = finding;
      return unreachable;
    }
  }
}

function name(record: RecordRef): string {
  return `${record.kind} record ${record.id}`;
}
