import { Max, MaxLength, Min } from "class-validator";
import { Field, Float, ID, InputType, Int } from "type-graphql";
import { LeadOutcome } from "./lead-status";

/** Chinese courts do not protect interest above 36% a year; no offer above it is accepted. */
export const MAX_APR_PERCENT = 36;

@InputType()
export class MakeOfferInput {
  @Field(_type => ID) @MaxLength(64) leadId: string;
  @Field(_type => Float, { description: "Annual percentage rate in percent, above 0 and at most 36." })
  @Min(0.01) @Max(MAX_APR_PERCENT)
  apr: number;
  @Field(_type => Int, { description: "Whole CNY." }) @Min(1) @Max(10_000_000) amount: number;
  @Field(_type => Int) @Min(1) @Max(360) termMonths: number;
  @Field(_type => Date, { nullable: true, description: "Must lie in the future." }) expiresAt?: Date | null;
}

@InputType()
export class ReportOutcomeInput {
  @Field(_type => ID) @MaxLength(64) leadId: string;
  @Field(_type => LeadOutcome) outcome: LeadOutcome;
  @Field(_type => Int, { nullable: true, description: "Whole CNY; required with FUNDED, refused otherwise." })
  @Min(1) @Max(10_000_000)
  fundedAmount?: number | null;
}
