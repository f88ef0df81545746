import { IsNotEmpty, Max, MaxLength, Min } from "class-validator";
import { Field, InputType, Int } from "type-graphql";
import { AMOUNT_RANGE, TERM_MONTHS_RANGE } from "../common/loan-ranges";
import { LoanPurpose } from "../model/application-enums";

export const MONTHLY_INCOME_MAX = 100_000_000;

@InputType({ description: "An application, submitted by the supermarket's frontend for the signed-in applicant." })
export class SubmitApplicationInput {
  @Field(_type => Int, { description: "Whole CNY, 1,000 to 5,000,000." })
  @Min(AMOUNT_RANGE.min) @Max(AMOUNT_RANGE.max)
  amount: number;

  @Field(_type => Int, { description: "1 to 360." })
  @Min(TERM_MONTHS_RANGE.min) @Max(TERM_MONTHS_RANGE.max)
  termMonths: number;

  @Field(_type => LoanPurpose)
  purpose: LoanPurpose;

  @Field({
    description: "A mainland city of GB/T 2260: its official name (`成都市`), the name without its level word (`成都`) " +
      "or its six-digit code (`510100`). A district or county stands for its city (`武侯区`, `510107`: 成都市); " +
      "anything else is BAD_USER_INPUT.",
  })
  @IsNotEmpty() @MaxLength(64)
  city: string;

  @Field(_type => Int, { description: "Whole CNY a month; lenders see only its band." })
  @Min(0) @Max(MONTHLY_INCOME_MAX)
  monthlyIncome: number;

  @Field() @IsNotEmpty() @MaxLength(50)
  fullName: string;

  @Field({ description: "Resident ID number, 18 characters, GB 11643-1999 check character." })
  @IsNotEmpty() @MaxLength(32)
  nationalId: string;

  @Field({ description: "Mainland mobile number; +86 or 0086 may lead." })
  @IsNotEmpty() @MaxLength(20)
  phone: string;

  @Field(_type => String, { nullable: true })
  @MaxLength(254)
  email?: string | null;
}
