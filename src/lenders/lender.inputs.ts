import { ArrayMaxSize, IsNotEmpty, IsOptional, Max, MaxLength, Min, ValidateNested } from "class-validator";
import { Field, InputType, Int } from "type-graphql";

export const LENDER_AMOUNT_LIMIT = 10_000_000;
export const LENDER_TERM_LIMIT = 360;

@InputType({ description: "Which applications become leads for the lender. No cities: every city." })
export class LenderCriteriaInput {
  @Field(_type => Int) @Min(1) @Max(LENDER_AMOUNT_LIMIT) minAmount: number;
  @Field(_type => Int) @Min(1) @Max(LENDER_AMOUNT_LIMIT) maxAmount: number;
  @Field(_type => Int) @Min(1) @Max(LENDER_TERM_LIMIT) minTermMonths: number;
  @Field(_type => Int) @Min(1) @Max(LENDER_TERM_LIMIT) maxTermMonths: number;

  @Field(_type => [String], {
    nullable: true,
    description: "Mainland provinces or cities of GB/T 2260 served, by official name, name without its level word " +
      "or six-digit code; a province covers every city in it. Districts, counties and unknown names are BAD_USER_INPUT.",
  })
  @ArrayMaxSize(500)
  @MaxLength(64, { each: true })
  @IsNotEmpty({ each: true })
  cities?: string[] | null;
}

@InputType()
export class CreateLenderInput {
  @Field() @IsNotEmpty() @MaxLength(100) name: string;
  @Field() @IsNotEmpty() @MaxLength(200) legalName: string;
  @Field() @IsNotEmpty() @MaxLength(254) contactEmail: string;
  // class-validator does not descend into a nested object unless told to; type-graphql already
  // makes it a LenderCriteriaInput instance, so no class-transformer @Type is needed.
  @Field(_type => LenderCriteriaInput) @ValidateNested() criteria: LenderCriteriaInput;
}

@InputType({ description: "What to change of a lender; each field left out stays as it is. Validated as CreateLenderInput." })
export class UpdateLenderInput {
  @Field({ nullable: true }) @IsOptional() @IsNotEmpty() @MaxLength(100) name?: string;
  @Field({ nullable: true, description: "New consent notices name it; consents already given keep the notice the applicant agreed to." })
  @IsOptional() @IsNotEmpty() @MaxLength(200) legalName?: string;
  @Field({ nullable: true, description: "New consent notices name it; consents already given keep the notice the applicant agreed to." })
  @IsOptional() @IsNotEmpty() @MaxLength(254) contactEmail?: string;
  @Field(_type => LenderCriteriaInput, { nullable: true, description: "Replaces the criteria whole; applies to applications submitted from now on." })
  @IsOptional() @ValidateNested() criteria?: LenderCriteriaInput;
}
