import { MapperKind, getDirective, mapSchema } from "@graphql-tools/utils";
import { GraphQLFieldResolver, GraphQLSchema, defaultFieldResolver } from "graphql";
import type { GatewayContext } from "../context";
import { maskValue } from "./masking";
import type { PiiCategory } from "../model/pii-category";
import { PII_DIRECTIVE_NAME } from "./pii-directive";
import type { Disclosure, PiiSubject } from "./field-access";

/**
 * Wraps every field that carries @pii in the built schema: the directive in the SDL is the
 * only list of guarded fields. The original resolver runs only after the gate allowed the
 * read (and, for a lender, after the read was written to the access log).
 */
export function enforcePii(schema: GraphQLSchema): GraphQLSchema {
  return mapSchema(schema, {
    // Mutation root fields run one after another, and each may change what a reader may see:
    // decisions are not carried from one to the next.
    [MapperKind.MUTATION_ROOT_FIELD]: fieldConfig => {
      const resolveMutation = fieldConfig.resolve ?? defaultFieldResolver;
      const fresh: GraphQLFieldResolver<unknown, GatewayContext> = (source, args, context, info) => {
        context.piiGate.forgetDecisions();
        return resolveMutation(source, args, context, info);
      };
      return { ...fieldConfig, resolve: fresh };
    },
    [MapperKind.OBJECT_FIELD]: (fieldConfig, fieldName) => {
      const pii = getDirective(schema, fieldConfig, PII_DIRECTIVE_NAME)?.[0];
      if (!pii) return fieldConfig;
      const category = pii.category as PiiCategory;
      const resolveValue = fieldConfig.resolve ?? defaultFieldResolver;
      const disclose = (disclosure: Disclosure, value: unknown): unknown => {
        if (value === null || value === undefined) return null;
        return disclosure === "masked" ? maskValue(category, String(value)) : value;
      };
      // The value is read only inside the continuation of the gate's decision; a synchronous
      // resolver (the decrypting getters) is not awaited a second time: 400 fewer turns per page.
      const guarded: GraphQLFieldResolver<PiiSubject, GatewayContext> = (source, args, context, info) =>
        context.piiGate.authorize(source, fieldName, category).then(disclosure => {
          const value: unknown = resolveValue(source, args, context, info);
          return value instanceof Promise ? value.then(resolved => disclose(disclosure, resolved)) : disclose(disclosure, value);
        });
      return { ...fieldConfig, resolve: guarded };
    },
  });
}
