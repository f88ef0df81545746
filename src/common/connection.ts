import { ClassType, Field, ObjectType } from "type-graphql";
import { BadUserInputError } from "../errors";

/** Every connection's `first` is capped here; larger pages are refused, not silently cut. */
export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

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

export interface PageRequest {
  skip: number;
  take: number;
}

/** Cursors are opaque to clients; inside they are offsets in a stable order. */
export function pageRequest(first: number | null | undefined, after: string | null | undefined): PageRequest {
  const take = first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(take) || take < 0 || take > MAX_PAGE_SIZE) {
    throw new BadUserInputError("first", `must be between 0 and ${MAX_PAGE_SIZE}`);
  }
  if (after === null || after === undefined) return { skip: 0, take };
  const decoded = /^o:(\d{1,9})$/.exec(Buffer.from(after, "base64url").toString("utf8"));
  if (!decoded) throw new BadUserInputError("after", "is not a cursor returned by this API");
  return { skip: Number(decoded[1]) + 1, take };
}

function cursorAt(offset: number): string {
  return Buffer.from(`o:${offset}`, "utf8").toString("base64url");
}

/** `rows` must be fetched with `take + 1` so the presence of a next page is known without counting. */
export function toConnection<T>(rows: T[], page: PageRequest): Connection<T> {
  const visible = rows.slice(0, page.take);
  const edges = visible.map((node, index) => ({ cursor: cursorAt(page.skip + index), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > page.take,
      hasPreviousPage: page.skip > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}
