import { DirectiveLocation, GraphQLDirective, GraphQLEnumType, GraphQLNonNull, GraphQLSchema, assertEnumType } from "graphql";

export const PII_DIRECTIVE_NAME = "pii";

/**
 * Adds `directive @pii(category: PiiCategory!) on FIELD_DEFINITION` to a built schema. It is
 * added after type-graphql builds the schema so its argument uses the schema's own PiiCategory
 * enum (one type, not two of the same name).
 */
export function withPiiDirective(schema: GraphQLSchema): GraphQLSchema {
  const category = assertEnumType(schema.getType("PiiCategory")) as GraphQLEnumType;
  const pii = new GraphQLDirective({
    name: PII_DIRECTIVE_NAME,
    description: "Identity data: resolves only under the access rule (own value, consented lender, masked for admins).",
    locations: [DirectiveLocation.FIELD_DEFINITION],
    args: { category: { type: new GraphQLNonNull(category) } },
  });
  const config = schema.toConfig();
  return new GraphQLSchema({ ...config, directives: [...config.directives, pii] });
}
