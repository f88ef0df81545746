import { Field, ObjectType } from "type-graphql";
import { PiiCategory } from "./pii-category";

/**
 * What the applicant is shown before choosing a lender (PIPL 23: recipient, contact, purpose,
 * categories; 15: how to withdraw), and stored with the consent word for word. Nothing in it
 * depends on the moment it is built, so the notice shown and the notice stored are the same;
 * its version is derived from its content, so chooseLender can tell whether they are.
 */
@ObjectType({ description: "The notice an applicant must be shown before consenting; stored with the consent as shown." })
export class ConsentNotice {
  @Field({ description: "Legal name of the lender that will receive the data." })
  recipientLegalName: string;

  @Field({ description: "Where the applicant reaches that lender about its data." })
  recipientContact: string;

  @Field({ description: "fideslang data use: `third_party_sharing`." })
  purpose: string;

  @Field(_type => [PiiCategory])
  categories: PiiCategory[];

  @Field({ description: "How long the lender may read the data, and how long the gateway keeps it." })
  retention: string;

  @Field({ description: "How the applicant withdraws the consent." })
  howToWithdraw: string;

  @Field({
    description:
      "Identifies this exact notice: the template version and a hash of every other field, so any change of wording, " +
      "recipient, categories or periods gives a new one. Pass it to chooseLender, which refuses one that does not match.",
  })
  noticeVersion: string;

  @Field({ description: "The full text to show." })
  text: string;
}
