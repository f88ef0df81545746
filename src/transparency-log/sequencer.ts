import { In, IsNull, type EntityManager, DataSource } from "typeorm";
import { AccessRecord } from "../model/access-record.entity";
import { AdminAction } from "../model/admin-action.entity";
import { AdminChange } from "../model/admin-change.entity";
import { TransparencyState } from "../model/transparency-state.entity";
import { forUpdate } from "../database/row-locks";
import { leafHash } from "../transparency/merkle-hash";
import { appendLeaves, storedRoot } from "../transparency/stored-tree";
import { type LeafKind, leafOf } from "./leaf-encoding";
import { NodeTable } from "./node-table";

/** The head row's id: the log has one head. */
export const HEAD_ID = 1;

/** One record waiting for its leaf. */
interface Pending {
  kind: LeafKind;
  /** When the record was written: the order within a batch, and the merge delay. */
  at: Date;
  /** How its row is found for the UPDATE: the primary key. */
  key: string | number;
  id: string;
  leafHash: Buffer;
  /** False when the stored row could not be encoded and its leaf is an `unreadable` one. */
  readable: boolean;
}

export interface SequencedBatch {
  /** Leaves appended by this pass; 0 when nothing was waiting or another instance holds the lease. */
  appended: number;
  treeSize: number;
  /** Milliseconds from each appended record's write to its leaf (the merge delay), in leaf order. */
  delaysMs: number[];
  /** Whether this instance held the lease for this pass. */
  leader: boolean;
  /** Of the appended records, those whose stored row could not be encoded (edited behind the gateway's back). */
  unreadable: number;
  /** Milliseconds the oldest waiting record had waited when the pass began; 0 when none waited. */
  backlogAgeMs: number;
}

/** The stored tree does not hash to the head: nodes or head were changed outside the sequencer. */
export class TreeHeadMismatchError extends Error {
  constructor() {
    super("the transparency log's stored nodes do not hash to its head: nothing is appended or signed until this is resolved");
    this.name = "TreeHeadMismatchError";
  }
}

/** Leader or not, a pass that appended nothing. */
function idle(treeSize: number, leader: boolean): SequencedBatch {
  return { appended: 0, treeSize, delaysMs: [], leader, unreadable: 0, backlogAgeMs: 0 };
}

/** Releases the lease if this instance holds it, so that a restarted or another instance takes over at once. */
export async function releaseLease(dataSource: DataSource, owner: string): Promise<void> {
  await dataSource.createQueryBuilder()
    .update(TransparencyState)
    .set({ leaseOwner: null, leaseUntil: null })
    .where("id = :id AND lease_owner = :owner", { id: HEAD_ID, owner })
    .execute();
}

/**
 * Takes or renews the sequencer's lease: a conditional UPDATE that succeeds only when the lease is
 * free, expired, or already this instance's. Its affected-row count says who holds it; no
 * engine-specific lock (SKIP LOCKED, GET_LOCK) is needed, so MySQL-compatible distributed
 * engines run it as they run any UPDATE.
 */
export async function takeLease(dataSource: DataSource, owner: string, now: Date, leaseMs: number): Promise<boolean> {
  const result = await dataSource.createQueryBuilder()
    .update(TransparencyState)
    .set({ leaseOwner: owner, leaseUntil: new Date(now.getTime() + leaseMs) })
    .where("id = :id", { id: HEAD_ID })
    .andWhere("(lease_owner IS NULL OR lease_owner = :owner OR lease_until < :now)", { owner, now })
    .execute();
  return result.affected === 1;
}

/**
 * One pass of the sequencer: under the lease, appends up to `batchSize` records that have no leaf
 * yet, oldest first, as contiguous leaves. Everything happens in one transaction that locks the
 * head: the nodes, every record's `log_index` and the new head commit together or not at all, and
 * a second sequencer (a lease lost to a pause) finds the head changed and appends nothing.
 */
export async function sequenceOnce(dataSource: DataSource, owner: string, now: Date, options: { leaseMs: number; batchSize: number }): Promise<SequencedBatch> {
  if (!(await takeLease(dataSource, owner, now, options.leaseMs))) return idle(-1, false);
  return inSequencingTransaction(dataSource, async manager => {
    const head = await manager.getRepository(TransparencyState).findOne({ where: { id: HEAD_ID }, ...forUpdate(manager) });
    if (!head) throw new Error("the transparency log has no head row");
    if (head.leaseOwner !== owner) return idle(head.treeSize, false);
    const pending = await waitingRecords(manager, options.batchSize);
    if (pending.length === 0) return idle(head.treeSize, true);
    const nodes = new NodeTable(manager);
    // The tree extended is the one the head names: a head or nodes rewritten in the database
    // (a shortened or forked log) stop the sequencer instead of being extended and signed.
    if (!(await storedRoot(nodes, head.treeSize)).equals(Buffer.from(head.rootHash, "base64"))) throw new TreeHeadMismatchError();
    const appended = await appendLeaves(nodes, head.treeSize, pending.map(record => record.leafHash));
    await nodes.writeNodes(appended.nodes);
    await assignIndexes(manager, pending, head.treeSize);
    const moved = await manager.getRepository(TransparencyState).update(
      { id: HEAD_ID, treeSize: head.treeSize },
      { treeSize: appended.size, rootHash: appended.root.toString("base64") },
    );
    if (moved.affected !== 1) throw new Error("the transparency log's head moved during a sequencing pass");
    return {
      appended: pending.length,
      treeSize: appended.size,
      delaysMs: pending.map(record => now.getTime() - record.at.getTime()),
      leader: true,
      unreadable: pending.filter(record => !record.readable).length,
      backlogAgeMs: Math.max(0, now.getTime() - pending[0].at.getTime()),
    };
  });
}

/**
 * On MySQL the pass runs READ COMMITTED: its UPDATEs then lock the rows they number and no gaps.
 * Under REPEATABLE READ they also locked the gaps of the `log_index` indexes and past the last
 * access record, so an admin's transaction that held a change row the pass was numbering and
 * then inserted its admin action waited for the pass while the pass waited for it: a deadlock,
 * in which InnoDB rolled back the admin's (smaller) transaction (seen in CI: an approval
 * answered SERVICE_UNAVAILABLE while the sequencer ran every 50 ms). Nothing in the pass needs
 * repeatable reads: the head's row lock serialises passes, and every record is numbered only
 * while its `log_index` is still NULL. SQLite runs one transaction at a time anyway.
 */
function inSequencingTransaction<T>(dataSource: DataSource, work: (manager: EntityManager) => Promise<T>): Promise<T> {
  return dataSource.options.type === "mysql" ? dataSource.transaction("READ COMMITTED", work) : dataSource.transaction(work);
}

/**
 * The oldest records of the three kinds without a leaf, merged by time (then kind, then insertion order or id, so
 * the order is total), at most `limit`. A record that commits later than newer ones already
 * sequenced simply gets the next leaf: leaves follow the order records were seen committed.
 */
async function waitingRecords(manager: EntityManager, limit: number): Promise<Pending[]> {
  const [records, actions, changes] = await Promise.all([
    waitingAccessRecords(manager, limit),
    manager.getRepository(AdminAction).find({ where: { logIndex: IsNull() }, order: { at: "ASC", id: "ASC" }, take: limit }),
    manager.getRepository(AdminChange).find({ where: { logIndex: IsNull() }, order: { requestedAt: "ASC", id: "ASC" }, take: limit }),
  ]);
  const pending: Pending[] = [
    ...records,
    ...actions.map(action => ({ kind: "admin-action" as const, at: action.at, key: action.id, id: action.id, ...encoded("admin-action", action) })),
    ...changes.map(change => ({ kind: "admin-change" as const, at: change.requestedAt, key: change.id, id: change.id, ...encoded("admin-change", change) })),
  ];
  // Access records of one instant in their insertion order (`seq`): a request's records then get
  // consecutive leaves and are numbered by one range UPDATE (assignIndexes).
  pending.sort((a, b) => a.at.getTime() - b.at.getTime() || KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
    (a.kind === "access" ? Number(a.key) - Number(b.key) : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return pending.slice(0, limit);
}

/**
 * Access records carry the leaf hash their writer computed, so a pass reads four narrow columns
 * of each and encodes nothing; only records written before the hash was kept are read whole and
 * encoded here, as every record was before.
 */
async function waitingAccessRecords(manager: EntityManager, limit: number): Promise<Pending[]> {
  const repository = manager.getRepository(AccessRecord);
  const rows = await repository.find({
    select: { seq: true, id: true, at: true, leafHash: true },
    where: { logIndex: IsNull() },
    // Key order: the `log_index` index holds the waiting records' keys in that order, so the
    // database reads them off it instead of sorting every waiting record by time. It is not
    // commit order (on Galera keys interleave across nodes, and a small key may commit after a
    // larger one was sequenced) and need not be: a record waits while its log_index is NULL and
    // is taken by a later pass whatever its key, the lowest keys first so none waits forever.
    order: { seq: "ASC" },
    take: limit,
  });
  const stored = rows.map(row => (row.leafHash === null ? null : Buffer.from(row.leafHash, "base64"))).map(hash => (hash?.length === 32 ? hash : null));
  const unhashed = rows.filter((_row, position) => stored[position] === null).map(row => row.seq);
  const whole = new Map(unhashed.length === 0 ? [] : (await repository.findBy({ seq: In(unhashed) })).map(row => [row.seq, row]));
  return rows.map((row, position) => {
    const hash = stored[position];
    const leaf = hash !== null ? { leafHash: hash, readable: true } : encoded("access", whole.get(row.seq) ?? row);
    return { kind: "access" as const, at: row.at, key: row.seq, id: row.id, ...leaf };
  });
}

function encoded(kind: LeafKind, record: AccessRecord | AdminAction | AdminChange): { leafHash: Buffer; readable: boolean } {
  const { leaf, readable } = leafOf(kind, record);
  return { leafHash: leafHash(leaf), readable };
}

const KIND_ORDER: Record<LeafKind, number> = { "access": 0, "admin-action": 1, "admin-change": 2 };

const TABLES: Record<LeafKind, { table: string; key: string }> = {
  "access": { table: "access_records", key: "seq" },
  "admin-action": { table: "admin_actions", key: "id" },
  "admin-change": { table: "admin_changes", key: "id" },
};

/** Sets each record's `log_index`; a record that meanwhile got one (it cannot, under the head's lock) or vanished fails the pass. */
async function assignIndexes(manager: EntityManager, pending: readonly Pending[], firstIndex: number): Promise<void> {
  for (const kind of Object.keys(TABLES) as LeafKind[]) {
    const own = pending.map((record, offset) => ({ record, index: firstIndex + offset })).filter(entry => entry.record.kind === kind);
    const { table, key } = TABLES[kind];
    // Access records: the records of one request are consecutive in `seq` on one server (on
    // Galera they step by the cluster's auto_increment_increment, and each record is a run of
    // its own: correct, only with more arms per UPDATE) and get consecutive
    // leaves, so each such run is numbered by a range (`log_index = seq + offset`), not by a CASE
    // over every record, and the runs of a pass share one UPDATE (measured on MariaDB under load:
    // an UPDATE per run made numbering most of a pass, statement after statement).
    const batches = kind === "access" ? chunksOf([...runsOf(own)], RUNS_PER_STATEMENT) : chunksOf(own, 500).map(chunk => [chunk]);
    for (const runs of batches) {
      const batch = runs.flat();
      // The transaction's own runner: its structured result carries the affected-row count on both drivers.
      const result = kind === "access"
        ? await manager.queryRunner!.query(
          `UPDATE ${table} SET log_index = CASE ${runs.map(() => `WHEN ${key} BETWEEN ? AND ? THEN ${key} + ?`).join(" ")} END ` +
          `WHERE (${runs.map(() => `${key} BETWEEN ? AND ?`).join(" OR ")}) AND log_index IS NULL`,
          [...runs.flatMap(run => [...bounds(run), run[0].index - Number(run[0].record.key)]), ...runs.flatMap(bounds)],
          true,
        )
        : await manager.queryRunner!.query(
          `UPDATE ${table} SET log_index = CASE ${key} ${batch.map(() => "WHEN ? THEN ?").join(" ")} END ` +
          `WHERE ${key} IN (${batch.map(() => "?").join(", ")}) AND log_index IS NULL`,
          [...batch.flatMap(entry => [entry.record.key, entry.index]), ...batch.map(entry => entry.record.key)],
          true,
        );
      if (result.affected !== batch.length) throw new Error(`transparency log: ${batch.length - (result.affected ?? 0)} ${kind} records were sequenced twice or vanished`);
    }
  }
}

type Assignment = { record: Pending; index: number };

/** Runs numbered by one UPDATE: 5 parameters a run, well under every driver's limit. */
const RUNS_PER_STATEMENT = 200;

/** The first and last `seq` of a run. */
function bounds(run: readonly Assignment[]): [string | number, string | number] {
  return [run[0].record.key, run[run.length - 1].record.key];
}

/** Maximal runs in which both the key (`seq`) and the leaf index go up by one at each step. */
function* runsOf(entries: readonly Assignment[]): Generator<Assignment[]> {
  let run: Assignment[] = [];
  for (const entry of entries) {
    const previous = run[run.length - 1];
    if (previous && (Number(entry.record.key) !== Number(previous.record.key) + 1 || entry.index !== previous.index + 1)) {
      yield run;
      run = [];
    }
    run.push(entry);
  }
  if (run.length > 0) yield run;
}

function chunksOf<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}
