import { getDirective } from "@graphql-tools/utils";
import { GraphQLSchema, isNonNullType, isObjectType } from "graphql";
import { PII_DIRECTIVE_NAME } from "./pii-directive";
import { isPiiCategory } from "../model/pii-category";

/**
 * Types that hold personal data, each with the fields declared non-identifying. Any other field
 * of these types must carry @pii, so a field added and forgotten cannot leak.
 */
export const PERSONAL_DATA_TYPES: Readonly<Record<string, readonly string[]>> = Object.freeze({
  Applicant: Object.freeze(["id", "city", "regionCode", "ageBand", "incomeBand"]),
});

export class PiiSchemaPolicyError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Schema refused by the personal-data policy:\n- ${problems.join("\n- ")}`);
  }
}

/** Lists every way `schema` breaks the policy; empty when it holds. */
export function findPiiPolicyProblems(schema: GraphQLSchema): string[] {
  const problems: string[] = [];
  for (const typeName of Object.keys(PERSONAL_DATA_TYPES)) {
    if (!isObjectType(schema.getType(typeName))) problems.push(`personal-data type ${typeName} is missing`);
  }
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith("__")) continue;
    const nonIdentifying = PERSONAL_DATA_TYPES[type.name];
    for (const field of Object.values(type.getFields())) {
      const where = `${type.name}.${field.name}`;
      const pii = getDirective(schema, field, PII_DIRECTIVE_NAME)?.[0];
      if (pii) {
        if (!nonIdentifying) problems.push(`${where} is @pii but ${type.name} is not a personal-data type`);
        if (isNonNullType(field.type)) problems.push(`${where} is @pii and must be nullable (a denial nulls it)`);
        if (!isPiiCategory(String(pii.category))) problems.push(`${where} has an unknown @pii category`);
        if (nonIdentifying?.includes(field.name)) problems.push(`${where} is both @pii and declared non-identifying`);
      } else if (nonIdentifying && !nonIdentifying.includes(field.name)) {
        problems.push(`${where} is neither @pii nor declared non-identifying`);
      }
    }
  }
  return problems;
}

export function assertPiiPolicy(schema: GraphQLSchema): void {
  const problems = findPiiPolicyProblems(schema);
  if (problems.length > 0) throw new PiiSchemaPolicyError(problems);
}
