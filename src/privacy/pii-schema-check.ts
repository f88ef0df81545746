import { getDirective } from "@graphql-tools/utils";
import { type GraphQLField, GraphQLSchema, getNamedType, isEnumType, isNonNullType, isObjectType, isScalarType } from "graphql";
import { PII_DIRECTIVE_NAME } from "./pii-directive";
import { isPiiCategory } from "../model/pii-category";

/**
 * Types that hold personal data, each with the fields declared non-identifying. Any other field
 * of these types must carry @pii, so a field added and forgotten cannot leak.
 */
export const PERSONAL_DATA_TYPES: Readonly<Record<string, readonly string[]>> = Object.freeze({
  Applicant: Object.freeze(["id", "city", "regionCode", "ageBand", "incomeBand"]),
});

/**
 * Types a lender reaches about an applicant or an application. Their fields that are not @pii
 * reach every matching lender without consent, audit or budget, so none may carry free text:
 * each must be an enum, a number, a boolean, an ID, a date, or a scalar declared below whose
 * values are a closed vocabulary. Object-typed fields (`Application.leads`) are not leaves.
 */
export const LENDER_VISIBLE_TYPES: readonly string[] = Object.freeze(["Applicant", "Application"]);

/** Scalars whose serialize refuses any value outside a fixed vocabulary (src/model, src/regions). */
export const CLOSED_VOCABULARY_SCALARS: readonly string[] = Object.freeze(["RegionName", "RegionCode", "AgeBand", "IncomeBand"]);

const CLOSED_BUILT_IN_SCALARS = new Set(["Int", "Float", "Boolean", "ID", "DateTime"]);

function carriesFreeText(field: GraphQLField<unknown, unknown>): string | null {
  const type = getNamedType(field.type);
  if (isEnumType(type) || !isScalarType(type)) return null;
  if (CLOSED_BUILT_IN_SCALARS.has(type.name) || CLOSED_VOCABULARY_SCALARS.includes(type.name)) return null;
  return type.name;
}

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
  for (const typeName of LENDER_VISIBLE_TYPES.filter(name => !(name in PERSONAL_DATA_TYPES))) {
    if (!isObjectType(schema.getType(typeName))) problems.push(`lender-visible type ${typeName} is missing`);
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
      } else {
        if (nonIdentifying && !nonIdentifying.includes(field.name)) problems.push(`${where} is neither @pii nor declared non-identifying`);
        const freeText = LENDER_VISIBLE_TYPES.includes(type.name) ? carriesFreeText(field) : null;
        if (freeText) problems.push(`${where} is a free ${freeText}; lenders reach it without consent, so it must be a closed vocabulary`);
      }
    }
  }
  return problems;
}

export function assertPiiPolicy(schema: GraphQLSchema): void {
  const problems = findPiiPolicyProblems(schema);
  if (problems.length > 0) throw new PiiSchemaPolicyError(problems);
}
