import { CONSENT_NOTICE_TEMPLATE_VERSION, NoticeTerms, buildConsentNotice } from "../../src/consents/consent-notice";
import { PiiCategory } from "../../src/model/pii-category";

const TERMS: NoticeTerms = {
  recipientLegalName: "Alpha Consumer Finance Co., Ltd.",
  recipientContact: "privacy@alpha.example",
  categories: [PiiCategory.PHONE],
  consentTtlDays: 30,
  retentionDays: 180,
  applicationOpenDays: 90,
};

/** The version identifies the exact notice: chooseLender compares it, the consents table stores it. */
describe("the consent notice version", () => {
  it("is the template version and 16 hex digits, within the 32 characters the column and the input take", () => {
    const { noticeVersion } = buildConsentNotice(TERMS);
    expect(noticeVersion).toMatch(new RegExp(`^${CONSENT_NOTICE_TEMPLATE_VERSION.replace(/\./g, "\\.")}\\.[0-9a-f]{16}$`));
    expect(noticeVersion.length).toBeLessThanOrEqual(32);
  });

  it("is the same for the same notice, whatever the order or repetition of the categories", () => {
    const both = { ...TERMS, categories: [PiiCategory.PHONE, PiiCategory.NAME] };
    expect(buildConsentNotice(TERMS)).toEqual(buildConsentNotice({ ...TERMS }));
    expect(buildConsentNotice(both).noticeVersion)
      .toBe(buildConsentNotice({ ...TERMS, categories: [PiiCategory.NAME, PiiCategory.PHONE, PiiCategory.NAME] }).noticeVersion);
  });

  it.each<[string, Partial<NoticeTerms>]>([
    ["the categories", { categories: [PiiCategory.PHONE, PiiCategory.EMAIL] }],
    ["the recipient", { recipientLegalName: "Bravo Consumer Finance Co., Ltd." }],
    ["the contact", { recipientContact: "privacy@alpha.example.cn" }],
    ["CONSENT_TTL_DAYS", { consentTtlDays: 31 }],
    ["RETENTION_DAYS", { retentionDays: 181 }],
    ["APPLICATION_OPEN_DAYS", { applicationOpenDays: 91 }],
  ])("changes with %s, as the text does", (_what, change) => {
    const before = buildConsentNotice(TERMS);
    const after = buildConsentNotice({ ...TERMS, ...change });
    expect(after.text).not.toBe(before.text);
    expect(after.noticeVersion).not.toBe(before.noticeVersion);
  });
});

describe("the consent notice wording", () => {
  it("counts erasure from the last application closing and says when an idle application closes", () => {
    const { retention, text } = buildConsentNotice(TERMS);
    expect(retention).toContain("180 days after the last of your applications closes");
    expect(retention).toContain("after 90 days without activity");
    expect(retention).not.toContain("after your application closes");
    expect(text).toContain(retention);
  });

  it("says what the recipient may do with the data", () => {
    expect(buildConsentNotice(TERMS).text).toContain("Alpha Consumer Finance Co., Ltd. may use it to assess this application and to offer you the loan");
  });
});
