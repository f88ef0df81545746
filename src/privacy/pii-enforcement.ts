import { MapperKind, getDirective, mapSchema } from "@graphql-tools/utils";
import { GraphQLFieldResolver, GraphQLSchema, defaultFieldResolver } from "graphql";
import { GatewayContext } from "../context";
import { maskValue } from "./masking";
import { PiiCategory } from "./pii-category";
import { PII_DIRECTIVE_NAME } from "./pii-directive";
import { PiiSubject } from "./pii-gate";

/**
 * Wraps every field that carries @pii in the built schema: the directive in the SDL is the
 * only list of guarded fields. The original resolver runs only after the gate allowed the
 * read (and, for a lender, after the read was written to the access log).
 */
export function enforcePii(schema: GraphQLSchema): GraphQLSchema {
  return mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (fieldConfig, fieldName) => {
      const pii = getDirective(schema, fieldConfig, PII_DIRECTIVE_NAME)?.[0];
      if (!pii) return fieldConfig;
      const category = pii.category as PiiCategory;
      const resolveValue = fieldConfig.resolve ?? defaultFieldResolver;
      const guarded: GraphQLFieldResolver<PiiSubject, GatewayContext> = async (source, args, context, info) => {
        const disclosure = await context.piiGate.authorize(source, fieldName, category);
        const value: unknown = await resolveValue(source, args, context, info);
        if (value === null || value === undefined) return null;
        return disclosure === "masked" ? maskValue(category, String(value)) : value;
      };
      return { ...fieldConfig, resolve: guarded };
    },
  });
}
