import { Field, ObjectType } from "type-graphql";
import { PiiCategory } from "../privacy/pii-category";
import { CONSENT_NOTICE_VERSION, CONSENT_PURPOSE } from "./consent-status";

const CATEGORY_WORDS: Record<PiiCategory, string> = {
  [PiiCategory.NAME]: "your full name",
  [PiiCategory.NATIONAL_ID]: "your resident ID number",
  [PiiCategory.PHONE]: "your mobile number",
  [PiiCategory.EMAIL]: "your e-mail address",
};

/**
 * What the applicant is shown before choosing a lender (PIPL 23: recipient, contact, purpose,
 * categories; 15: how to withdraw), and stored with the consent word for word. Nothing in it
 * depends on the moment it is built, so the notice shown and the notice stored are the same.
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

  @Field({ description: "Bumped whenever wording or content changes; chooseLender may be given it to confirm what was shown." })
  noticeVersion: string;

  @Field({ description: "The full text to show." })
  text: string;
}

export interface NoticeTerms {
  recipientLegalName: string;
  recipientContact: string;
  categories: PiiCategory[];
  consentTtlDays: number;
  retentionDays: number;
}

export function buildConsentNotice(terms: NoticeTerms): ConsentNotice {
  const categories = [...new Set(terms.categories)].sort() as PiiCategory[];
  const what = categories.map(category => CATEGORY_WORDS[category]).join(", ");
  const retention =
    `${terms.recipientLegalName} may read this data for ${terms.consentTtlDays} days from your choice, ` +
    `until you withdraw, or until the application closes, whichever comes first. The gateway erases your identity ` +
    `data ${terms.retentionDays} days after your application closes, or when you ask it to.`;
  const howToWithdraw =
    "Withdraw at any time with one action in the supermarket's app (withdrawConsent); the lender's next request reads nothing. " +
    "Withdrawing does not affect reads made before it. You can see every read in your access log.";
  const text =
    `You allow ${terms.recipientLegalName} (contact: ${terms.recipientContact}) to receive ${what} ` +
    `for this loan application, to assess and offer you the loan (purpose: ${CONSENT_PURPOSE}). ${retention} ${howToWithdraw}`;
  return Object.assign(new ConsentNotice(), {
    recipientLegalName: terms.recipientLegalName,
    recipientContact: terms.recipientContact,
    purpose: CONSENT_PURPOSE,
    categories,
    retention,
    howToWithdraw,
    noticeVersion: CONSENT_NOTICE_VERSION,
    text,
  });
}
