import type { LenderQuery } from "../../../generated/graphql";

export type LenderDetails = NonNullable<LenderQuery["lender"]>;

/** What every card of the lender page gets: the lender as last read, and a way to read it again. */
export interface CardProps {
  lender: LenderDetails;
  refresh: () => void;
}
