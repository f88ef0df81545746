import { ValueTransformer } from "typeorm";

/**
 * Millisecond timestamps on both drivers: MySQL keeps DATETIME(3) in UTC (the DataSource sets
 * timezone Z); SQLite keeps the same text form.
 */
export const TIMESTAMP = { type: "datetime", precision: 3 } as const;

/** JSON kept in a TEXT column: portable across SQLite and MySQL/MariaDB. */
export const jsonText: ValueTransformer = {
  to: (value: unknown) => (value === undefined || value === null ? null : JSON.stringify(value)),
  from: (value: string | null) => (value === null || value === undefined ? null : JSON.parse(value)),
};

/**
 * A BIGINT read back as a number: both drivers hand it back as text or number depending on size.
 * Log indexes stay far below 2^53.
 */
export const BIGINT_NUMBER = {
  type: "bigint",
  transformer: {
    to: (value: number | null | undefined) => value ?? null,
    from: (value: string | number | null) => (value === null || value === undefined ? null : Number(value)),
  } satisfies ValueTransformer,
} as const;
