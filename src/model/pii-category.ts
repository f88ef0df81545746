import { registerEnumType } from "type-graphql";

/**
 * Categories of identity data. Each names its fideslang data category, so privacy tooling
 * that reads our SDL maps a field to the taxonomy without a second table.
 */
export enum PiiCategory {
  NAME = "NAME",
  NATIONAL_ID = "NATIONAL_ID",
  PHONE = "PHONE",
  EMAIL = "EMAIL",
}

export const PII_CATEGORIES: readonly PiiCategory[] = Object.values(PiiCategory);

registerEnumType(PiiCategory, {
  name: "PiiCategory",
  description: "A category of applicant identity data; consent and partner permission are granted per category.",
  valuesConfig: {
    NAME: { description: "fideslang: user.name" },
    NATIONAL_ID: { description: "fideslang: user.government_id.national_identification_number" },
    PHONE: { description: "fideslang: user.contact.phone_number" },
    EMAIL: { description: "fideslang: user.contact.email" },
  },
});

export function isPiiCategory(value: string): value is PiiCategory {
  return (PII_CATEGORIES as readonly string[]).includes(value);
}

/** Stored as a sorted comma list, so the same set always reads and compares the same. */
export function encodeCategories(categories: readonly PiiCategory[]): string {
  return [...new Set(categories)].sort().join(",");
}

export function decodeCategories(stored: string | null | undefined): PiiCategory[] {
  if (!stored) return [];
  return stored.split(",").filter(isPiiCategory);
}
