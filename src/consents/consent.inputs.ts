import { ArrayMaxSize, ArrayMinSize, IsOptional, MaxLength } from "class-validator";
import { Field, ID, InputType } from "type-graphql";
import { PiiCategory } from "../model/pii-category";

@InputType({ description: "The applicant chooses a lender: consent for it to read these identity categories." })
export class ChooseLenderInput {
  @Field(_type => ID) @MaxLength(64) applicationId: string;
  @Field(_type => ID) @MaxLength(64) lenderId: string;
  @Field(_type => [PiiCategory]) @ArrayMinSize(1) @ArrayMaxSize(4) categories: PiiCategory[];

  // Optional: the public contract lists three fields, and a required fourth would break clients.
  @Field(_type => String, {
    nullable: true,
    description:
      "The noticeVersion of the consentNotice shown for this input. One that does not match the notice this choice stores " +
      "(other categories, or the notice changed since) is refused (BAD_USER_INPUT on noticeVersion): fetch and show it again.",
  })
  @IsOptional() @MaxLength(32)
  noticeVersion?: string | null;
}
