import { createHash } from "node:crypto";
import { ClassType, Field, ObjectType } from "type-graphql";
import { Equal, FindOperator, LessThan, LessThanOrEqual, MoreThan } from "typeorm";
import { BadUserInputError } from "../errors/gateway-error";

/** Every connection's `first` is capped here; larger pages are refused, not silently cut. */
export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

/** Ours are under 100 characters; a longer string is refused before it is decoded. */
const MAX_CURSOR_LENGTH = 200;
const CURSOR_VERSION = 1;

@ObjectType()
export class PageInfo {
  @Field() hasNextPage: boolean;
  @Field() hasPreviousPage: boolean;
  @Field(_type => String, { nullable: true }) startCursor: string | null;
  @Field(_type => String, { nullable: true }) endCursor: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface Connection<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
}

/** Builds `<Name>Connection` and `<Name>Edge` types for a node type (Relay style). */
export function connectionType<T extends object>(nodeType: ClassType<T>, name: string): ClassType<Connection<T>> {
  @ObjectType(`${name}Edge`)
  class EdgeType {
    @Field() cursor: string;
    @Field(_type => nodeType) node: T;
  }

  @ObjectType(`${name}Connection`)
  class ConnectionType {
    @Field(_type => [EdgeType]) edges: EdgeType[];
    @Field(_type => PageInfo) pageInfo: PageInfo;
  }
  return ConnectionType;
}

/**
 * A list's order, as a key read from each row. A cursor carries the key of its row, and the next
 * page starts strictly after that key. An offset would not survive the list changing between
 * pages: rows inserted at the top would repeat, rows leaving a filter (a NEW lead that became
 * OFFERED) would make rows be skipped.
 */
export interface SortKey<Row, Key> {
  of(row: Row): Key;
  /** The key as JSON values, for the cursor. */
  write(key: Key): Array<string | number>;
  /** The key back from a cursor's values, or null when they are not a key of this order. */
  read(values: unknown[]): Key | null;
}

export interface CreatedKey {
  createdAt: Date;
  id: string;
}

const ISO_MILLISECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const ROW_ID = /^[0-9A-Za-z-]{1,36}$/;

/** `[ISO time, id]` back from a cursor, or null for anything else. */
function readTimeAndId([at, id, ...rest]: unknown[]): { time: Date; id: string } | null {
  if (rest.length > 0 || typeof at !== "string" || !ISO_MILLISECONDS.test(at) || typeof id !== "string" || !ROW_ID.test(id)) return null;
  const time = new Date(at);
  return !Number.isNaN(time.getTime()) && time.toISOString() === at ? { time, id } : null;
}

/** Creation time, then id: the id orders rows created in the same millisecond, so the order is total. */
export const byCreated: SortKey<CreatedKey, CreatedKey> = {
  of: row => ({ createdAt: row.createdAt, id: row.id }),
  write: key => [key.createdAt.toISOString(), key.id],
  read: values => {
    const key = readTimeAndId(values);
    return key && { createdAt: key.time, id: key.id };
  },
};

/**
 * Find conditions for the rows past `key` in (createdAt, id) order, each to be combined with the
 * list's own filter (`where: past.map(part => ({ ...filter, ...part }))`). `direction` is the
 * list's ORDER BY for both columns.
 */
export function pastCreated(key: CreatedKey, direction: "ASC" | "DESC"): Array<{ createdAt: FindOperator<Date>; id?: FindOperator<string> }> {
  const beyond = direction === "DESC" ? LessThan : MoreThan;
  return [{ createdAt: beyond(key.createdAt) }, { createdAt: Equal(key.createdAt), id: beyond(key.id) }];
}

/** Creation-like order on another time property (`at`, `requestedAt`), then id. */
export function byTimeAndId<Row extends { id: string }>(timeOf: (row: Row) => Date): SortKey<Row, CreatedKey> {
  return { of: row => ({ createdAt: timeOf(row), id: row.id }), write: byCreated.write, read: byCreated.read };
}

/** As `pastCreated`, for the time property `property`. */
export function pastTimeAndId<P extends string>(
  property: P, key: CreatedKey, direction: "ASC" | "DESC",
): Array<Record<P, FindOperator<Date>> & { id?: FindOperator<string> }> {
  return pastCreated(key, direction).map(({ createdAt, id }) => ({ [property]: createdAt, ...(id ? { id } : {}) }) as Record<P, FindOperator<Date>> & { id?: FindOperator<string> });
}

/**
 * An access-log position: the read's time, then its record's random id (the records of one
 * response share their time), then the field's place in the record. Not the insertion sequence,
 * which would tell how many reads were logged.
 */
export interface AccessPosition {
  at: Date;
  recordId: string;
  position: number;
}

/** The largest number of fields one record can list: a cursor's position beyond it is not ours. */
const MAX_RECORD_POSITION = 1000;

export const byAccessPosition: SortKey<AccessPosition, AccessPosition> = {
  of: row => ({ at: row.at, recordId: row.recordId, position: row.position }),
  write: key => [key.at.toISOString(), key.recordId, key.position],
  read: ([at, recordId, position, ...rest]) => {
    if (rest.length > 0 || !Number.isInteger(position) || (position as number) < 0 || (position as number) >= MAX_RECORD_POSITION) return null;
    const key = readTimeAndId([at, recordId]);
    return key && { at: key.time, recordId: key.id, position: position as number };
  },
};

/**
 * Find conditions for the records at or past `key`, newest first: `(at, id) <= (key.at,
 * key.recordId)`. The record of the key itself is included: its fields after `position` come
 * next (the caller drops the ones up to it).
 */
export function recordsFromAccessPosition(key: AccessPosition): Array<{ at: FindOperator<Date>; id?: FindOperator<string> }> {
  return [{ at: LessThan(key.at) }, { at: Equal(key.at), id: LessThanOrEqual(key.recordId) }];
}

/** One list under one filter. A cursor names the list it came from; any other list refuses it. */
export interface ListOf<Row, Key> {
  scope: string;
  order: SortKey<Row, Key>;
}

/**
 * `kind` names the list (`"leads"`); `filter` holds the arguments that choose its rows. The filter
 * goes into the cursor as a short digest: a cursor stays small and opaque whatever the filter.
 */
export function listOf<Row, Key>(kind: string, order: SortKey<Row, Key>, filter: Record<string, unknown> = {}): ListOf<Row, Key> {
  const chosen = Object.keys(filter).sort()
    .filter(name => filter[name] !== undefined && filter[name] !== null)
    .map(name => [name, filter[name] instanceof Date ? (filter[name] as Date).toISOString() : filter[name]]);
  if (chosen.length === 0) return { scope: kind, order };
  const digest = createHash("sha256").update(JSON.stringify(chosen)).digest("base64url").slice(0, 12);
  return { scope: `${kind}.${digest}`, order };
}

export interface PageRequest<Row, Key> {
  list: ListOf<Row, Key>;
  take: number;
  /** The sort key of the previous page's last row; null on the first page. */
  after: Key | null;
}

function encodeCursor(scope: string, values: Array<string | number>): string {
  return Buffer.from(JSON.stringify([CURSOR_VERSION, scope, values]), "utf8").toString("base64url");
}

/** `[version, scope, key values]`, or null for anything this API did not write. */
function decodeCursor(cursor: string): { scope: string; values: unknown[] } | null {
  if (cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  // Only the exact encoding we write: no padding variants, no stray bits, no invalid UTF-8.
  if (Buffer.from(text, "utf8").toString("base64url") !== cursor) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) return null;
  const [version, scope, values] = parsed;
  if (version !== CURSOR_VERSION || typeof scope !== "string" || !Array.isArray(values)) return null;
  return { scope, values };
}

/** Validates `first` and `after` for `list`; the error names the argument and never repeats it. */
export function pageRequest<Row, Key>(list: ListOf<Row, Key>, first: number | null | undefined, after: string | null | undefined): PageRequest<Row, Key> {
  const take = first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(take) || take < 0 || take > MAX_PAGE_SIZE) {
    throw new BadUserInputError("first", `must be between 0 and ${MAX_PAGE_SIZE}`);
  }
  if (after === null || after === undefined) return { list, take, after: null };
  const decoded = decodeCursor(after);
  if (!decoded) throw new BadUserInputError("after", "is not a cursor returned by this API");
  if (decoded.scope !== list.scope) {
    throw new BadUserInputError("after", "is a cursor of another list or filter; page this list from its own first page");
  }
  const key = list.order.read(decoded.values);
  if (key === null) throw new BadUserInputError("after", "is not a cursor returned by this API");
  return { list, take, after: key };
}

/**
 * `rows` must be fetched past `page.after` in the list's order with `take + 1` rows, so the
 * presence of a next page is known without counting.
 */
export function toConnection<Node extends Row, Row, Key>(rows: Node[], page: PageRequest<Row, Key>): Connection<Node> {
  const { scope, order } = page.list;
  const edges = rows.slice(0, page.take).map(node => ({ cursor: encodeCursor(scope, order.write(order.of(node))), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > page.take,
      hasPreviousPage: page.after !== null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}
