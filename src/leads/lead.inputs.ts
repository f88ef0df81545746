import { Max, MaxLength, Min } from "class-validator";
import { Field, Float, ID, InputType, Int } from "type-graphql";
import { AMOUNT_RANGE, TERM_MONTHS_RANGE } from "../common/loan-ranges";
import { LeadOutcome } from "../model/lead-status";

/** Chinese courts do not protect interest above 36% a year; no offer above it is accepted. */
export const MAX_APR_PERCENT = 36;

@InputType()
export class MakeOfferInput {
  @Field(_type => ID) @MaxLength(64) leadId: string;
  @Field(_type => Float, { description: "Annual percentage rate in percent, above 0 and at most 36." })
  @Min(0.01) @Max(MAX_APR_PERCENT)
  apr: number;
  // The product's range for applications; "at most the amount applied for" needs the
  // application and is checked by LeadService.makeOffer.
  @Field(_type => Int, { description: "Whole CNY, 1,000 to 5,000,000 and at most the amount applied for." })
  @Min(AMOUNT_RANGE.min) @Max(AMOUNT_RANGE.max)
  amount: number;
  @Field(_type => Int, { description: "1 to 360." }) @Min(TERM_MONTHS_RANGE.min) @Max(TERM_MONTHS_RANGE.max) termMonths: number;
  @Field(_type => Date, { nullable: true, description: "Must lie in the future." }) expiresAt?: Date | null;
}

@InputType()
export class ReportOutcomeInput {
  @Field(_type => ID) @MaxLength(64) leadId: string;
  @Field(_type => LeadOutcome) outcome: LeadOutcome;
  @Field(_type => Int, {
    nullable: true,
    description: "Whole CNY; required with FUNDED, refused otherwise. At most the offer's amount, or the amount applied for when there is no offer.",
  })
  @Min(1) @Max(AMOUNT_RANGE.max)
  fundedAmount?: number | null;
}
