import { createHash } from "node:crypto";
import { PiiCategory } from "../model/pii-category";
import { CONSENT_PURPOSE } from "../model/consent-status";
import { ConsentNotice } from "../model/consent-notice.type";

/** Bumped whenever the wording below changes; `noticeVersion` adds a hash of the content. */
export const CONSENT_NOTICE_TEMPLATE_VERSION = "2026-12-01.1";

const CATEGORY_WORDS: Record<PiiCategory, string> = {
  [PiiCategory.NAME]: "your full name",
  [PiiCategory.NATIONAL_ID]: "your resident ID number",
  [PiiCategory.PHONE]: "your mobile number",
  [PiiCategory.EMAIL]: "your e-mail address",
};

export interface NoticeTerms {
  recipientLegalName: string;
  recipientContact: string;
  categories: PiiCategory[];
  consentTtlDays: number;
  retentionDays: number;
  applicationOpenDays: number;
}

/** Template version and the first 16 hex digits of SHA-256 over every other field, in a fixed order. */
function noticeVersionOf(notice: Omit<ConsentNotice, "noticeVersion">): string {
  const canonical = JSON.stringify([
    notice.recipientLegalName, notice.recipientContact, notice.purpose, notice.categories,
    notice.retention, notice.howToWithdraw, notice.text,
  ]);
  return `${CONSENT_NOTICE_TEMPLATE_VERSION}.${createHash("sha256").update(canonical).digest("hex").slice(0, 16)}`;
}

export function buildConsentNotice(terms: NoticeTerms): ConsentNotice {
  const categories = [...new Set(terms.categories)].sort() as PiiCategory[];
  const what = categories.map(category => CATEGORY_WORDS[category]).join(", ");
  // Erasure counts from the last application closing (applicant-erasure.ts), and retention
  // closes an application left idle (idle-applications.ts): the notice says both.
  const retention =
    `${terms.recipientLegalName} may read this data for ${terms.consentTtlDays} days from your choice, ` +
    `until you withdraw, until it declines your application, or until the application closes, whichever comes ` +
    `first. An application closes when you ` +
    `withdraw it, when a lender funds it, or after ${terms.applicationOpenDays} days without activity. The gateway ` +
    `erases your identity data ${terms.retentionDays} days after the last of your applications closes, or when you ask it to.`;
  const howToWithdraw =
    "Withdraw at any time with one action in the supermarket's app (withdrawConsent); the lender's next request reads nothing. " +
    "Withdrawing does not affect reads made before it. You can see every read in your access log.";
  const text =
    `You allow ${terms.recipientLegalName} (contact: ${terms.recipientContact}) to receive ${what} ` +
    `for this loan application. ${terms.recipientLegalName} may use it to assess this application and to offer you ` +
    `the loan (purpose: ${CONSENT_PURPOSE}). ${retention} ${howToWithdraw}`;
  const content = {
    recipientLegalName: terms.recipientLegalName,
    recipientContact: terms.recipientContact,
    purpose: CONSENT_PURPOSE,
    categories,
    retention,
    howToWithdraw,
    text,
  };
  return Object.assign(new ConsentNotice(), { ...content, noticeVersion: noticeVersionOf(content) });
}
