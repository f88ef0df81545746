import { ArrayMaxSize, ArrayMinSize, IsOptional, MaxLength } from "class-validator";
import { Field, ID, InputType } from "type-graphql";
import { PiiCategory } from "../privacy/pii-category";

@InputType({ description: "The applicant chooses a lender: consent for it to read these identity categories." })
export class ChooseLenderInput {
  @Field(_type => ID) @MaxLength(64) applicationId: string;
  @Field(_type => ID) @MaxLength(64) lenderId: string;
  @Field(_type => [PiiCategory]) @ArrayMinSize(1) @ArrayMaxSize(4) categories: PiiCategory[];

  @Field(_type => String, { nullable: true, description: "The consentNotice version shown; a stale one is refused (BAD_USER_INPUT)." })
  @IsOptional() @MaxLength(32)
  noticeVersion?: string | null;
}
