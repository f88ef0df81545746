import { GraphQLError, ASTNode } from "graphql";

/** Which limit refused a document: the public `extensions.reason` of a refused request. */
export enum QueryLimitReason {
  MAX_DEPTH = "MAX_DEPTH",
  MAX_ALIASES = "MAX_ALIASES",
  MAX_DIRECTIVES = "MAX_DIRECTIVES",
  MAX_FIELD_REPEATS = "MAX_FIELD_REPEATS",
  MAX_COST = "MAX_COST",
}

/**
 * A document refused by a query limit. It carries Apollo's request code (the document, not the
 * caller, is at fault), plus the limit's name and value so a client can fix its query.
 * formatError keeps `reason` and `limit` for request errors.
 */
export function queryLimitError(reason: QueryLimitReason, limit: number, message: string, nodes?: readonly ASTNode[]): GraphQLError {
  return new GraphQLError(message, {
    nodes,
    extensions: { code: "GRAPHQL_VALIDATION_FAILED", reason, limit, http: { status: 400 } },
  });
}
