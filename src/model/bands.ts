import { closedVocabularyScalar } from "./closed-vocabulary";

/** Every age band an application can carry (derived from the birth date in the ID number). */
export const AGE_BANDS = ["UNDER_18", "18-24", "25-34", "35-44", "45-54", "55-64", "65+"] as const;
export type AgeBand = (typeof AGE_BANDS)[number];

/** Every monthly income band (CNY) an application can carry; the exact income is not stored. */
export const INCOME_BANDS = ["UNDER_3000", "3000_5999", "6000_9999", "10000_19999", "20000_49999", "50000_PLUS"] as const;
export type IncomeBand = (typeof INCOME_BANDS)[number];

const isOneOf = (words: readonly string[]) => (value: string): boolean => words.includes(value);

export const AgeBandScalar = closedVocabularyScalar({
  name: "AgeBand",
  description: `An age band, one of: ${AGE_BANDS.join(", ")}. A JSON string on the wire.`,
  isMember: isOneOf(AGE_BANDS),
});

export const IncomeBandScalar = closedVocabularyScalar({
  name: "IncomeBand",
  description: `A monthly income band in CNY, one of: ${INCOME_BANDS.join(", ")}. A JSON string on the wire.`,
  isMember: isOneOf(INCOME_BANDS),
});
