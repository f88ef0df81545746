/** What the product lends: amounts in whole CNY, terms in months. Applications and offers both stay inside. */
export const AMOUNT_RANGE = { min: 1_000, max: 5_000_000 } as const;
export const TERM_MONTHS_RANGE = { min: 1, max: 360 } as const;
