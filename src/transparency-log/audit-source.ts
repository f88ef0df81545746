import { And, type DataSource, LessThan, MoreThanOrEqual, type ObjectLiteral, type EntityTarget } from "typeorm";
import { AccessRecord } from "../model/access-record.entity";
import { AdminAction } from "../model/admin-action.entity";
import { AdminChange } from "../model/admin-change.entity";
import { TransparencyNode } from "../model/transparency-state.entity";
import { leafHash } from "../transparency/merkle-hash";
import { type LeafKind, leafOf } from "./leaf-encoding";
import type { AuditSource, LeafClaim } from "./log-audit";

interface Leaved extends ObjectLiteral {
  id: string;
  logIndex: number | null;
}

/**
 * The audit's reads from the gateway's database: SELECTs only, a page of `log_index` at a time
 * from each of the three record tables, and the stored nodes a page completes.
 */
export class DatabaseAuditSource implements AuditSource {
  constructor(private readonly dataSource: DataSource) {}

  async claims(from: number, to: number): Promise<LeafClaim[]> {
    const [records, actions, changes] = await Promise.all([
      this.page(AccessRecord, "access", from, to),
      this.page(AdminAction, "admin-action", from, to),
      this.page(AdminChange, "admin-change", from, to),
    ]);
    return [...records, ...actions, ...changes].sort((a, b) => a.index - b.index);
  }

  async storedNodes(ranges: readonly { level: number; from: number; to: number }[]): Promise<ReadonlyMap<string, Buffer>> {
    if (ranges.length === 0) return new Map();
    const rows = await this.dataSource.getRepository(TransparencyNode).find({
      where: ranges.map(range => ({ level: range.level, index: And(MoreThanOrEqual(range.from), LessThan(range.to)) })),
    });
    return new Map(rows.map(row => [`${row.level}:${row.index}`, Buffer.from(row.hash, "base64")]));
  }

  private async page<T extends Leaved>(entity: EntityTarget<T>, kind: LeafKind, from: number, to: number): Promise<LeafClaim[]> {
    const rows = await this.dataSource.getRepository(entity).find({
      where: { logIndex: And(MoreThanOrEqual(from), LessThan(to)) } as never,
      order: { logIndex: "ASC" } as never,
    });
    // The leaf the sequencer would make of the row now, an `unreadable` one for a row the encoding refuses.
    return rows.map(row => {
      const { leaf, readable } = leafOf(kind, row as never);
      return { index: row.logIndex as number, kind, id: row.id, leafHash: leafHash(leaf), readable };
    });
  }
}
