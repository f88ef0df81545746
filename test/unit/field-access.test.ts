import { Consent } from "../../src/model/consent.entity";
import { ConsentEndReason, ConsentEndedBy, ConsentStatus } from "../../src/model/consent-status";
import { LenderStatus } from "../../src/model/lender-status";
import { PiiCategory, encodeCategories } from "../../src/model/pii-category";
import { DenialReason } from "../../src/privacy/consent-policy";
import { type FieldReader, decideFieldAccess } from "../../src/privacy/field-access";

/**
 * The field rule as one pure function, every branch with its positive twin beside it. The HTTP
 * suites (authorization-matrix, leak-paths, security-leak-property) hold the same rule through
 * the running gateway; these hold the decision itself, cheaply and exhaustively.
 */
const NOW = new Date("2026-12-04T12:00:00.000Z");
const HOUR = 3_600_000;
const subject = { applicantId: "applicant-row-1", applicationId: "application-1", applicantSubject: "alice" };

function consent(overrides: Partial<Consent> = {}): Consent {
  return Object.assign(new Consent(), {
    id: "consent-1",
    applicationId: subject.applicationId,
    lenderId: "lender-a",
    categoriesStored: encodeCategories([PiiCategory.PHONE, PiiCategory.NAME]),
    storedStatus: ConsentStatus.ACTIVE,
    grantedAt: new Date(NOW.getTime() - 2 * HOUR),
    expiresAt: new Date(NOW.getTime() + 24 * HOUR),
    endedAtStored: null,
    endedByStored: null,
    endReasonStored: null,
    ...overrides,
  });
}

function lender(overrides: Partial<{ id: string; status: LenderStatus; permittedCategories: PiiCategory[] }> = {}): FieldReader {
  return { kind: "lender", lender: { id: "lender-a", status: LenderStatus.ACTIVE, permittedCategories: [PiiCategory.PHONE, PiiCategory.NAME], ...overrides } };
}

describe("decideFieldAccess: the applicant", () => {
  it("sees its own value in plain", () => {
    expect(decideFieldAccess({ kind: "applicant", subject: "alice" }, subject, PiiCategory.NATIONAL_ID, [], NOW))
      .toEqual({ allowed: true, disclosure: "plain", consentId: null });
  });

  it("is refused another applicant's value (NOT_OWNER)", () => {
    expect(decideFieldAccess({ kind: "applicant", subject: "bob" }, subject, PiiCategory.NATIONAL_ID, [], NOW))
      .toEqual({ allowed: false, reason: DenialReason.NOT_OWNER, consentId: null });
  });

  it("compares the subject exactly (a lookalike is another person)", () => {
    for (const lookalike of ["Alice", "alice ", "alicé"]) {
      expect(decideFieldAccess({ kind: "applicant", subject: lookalike }, subject, PiiCategory.PHONE, [], NOW).allowed).toBe(false);
    }
  });
});

describe("decideFieldAccess: an admin", () => {
  it("sees every category masked, never plain, with or without consents", () => {
    for (const category of Object.values(PiiCategory)) {
      expect(decideFieldAccess({ kind: "admin", subject: "ops-1" }, subject, category, [consent()], NOW))
        .toEqual({ allowed: true, disclosure: "masked", consentId: null });
    }
  });
});

describe("decideFieldAccess: a lender", () => {
  it("reads a consented, permitted category in plain, naming the consent", () => {
    expect(decideFieldAccess(lender(), subject, PiiCategory.PHONE, [consent()], NOW))
      .toEqual({ allowed: true, disclosure: "plain", consentId: "consent-1" });
  });

  it("is refused without any consent (NO_CONSENT)", () => {
    expect(decideFieldAccess(lender(), subject, PiiCategory.PHONE, [], NOW))
      .toEqual({ allowed: false, reason: DenialReason.NO_CONSENT, consentId: null });
  });

  it("is refused with another lender's consent only (NO_CONSENT)", () => {
    expect(decideFieldAccess(lender(), subject, PiiCategory.PHONE, [consent({ lenderId: "lender-b" })], NOW))
      .toMatchObject({ allowed: false, reason: DenialReason.NO_CONSENT });
  });

  it("is refused a category the consent does not cover (CATEGORY_NOT_CONSENTED), and its twin is granted", () => {
    const permittedEverything = lender({ permittedCategories: Object.values(PiiCategory) });
    expect(decideFieldAccess(permittedEverything, subject, PiiCategory.EMAIL, [consent()], NOW))
      .toEqual({ allowed: false, reason: DenialReason.CATEGORY_NOT_CONSENTED, consentId: "consent-1" });
    expect(decideFieldAccess(permittedEverything, subject, PiiCategory.NAME, [consent()], NOW).allowed).toBe(true);
  });

  it("is refused a category an admin has not permitted (PARTNER_NOT_PERMITTED), even with consent", () => {
    expect(decideFieldAccess(lender({ permittedCategories: [PiiCategory.NAME] }), subject, PiiCategory.PHONE, [consent()], NOW))
      .toEqual({ allowed: false, reason: DenialReason.PARTNER_NOT_PERMITTED, consentId: null });
  });

  it("is refused while suspended (LENDER_SUSPENDED), whatever it holds", () => {
    expect(decideFieldAccess(lender({ status: LenderStatus.SUSPENDED }), subject, PiiCategory.PHONE, [consent()], NOW))
      .toEqual({ allowed: false, reason: DenialReason.LENDER_SUSPENDED, consentId: null });
  });

  it("is refused after a withdrawal (CONSENT_WITHDRAWN)", () => {
    const withdrawn = consent({
      storedStatus: ConsentStatus.WITHDRAWN, endedAtStored: new Date(NOW.getTime() - HOUR),
      endedByStored: ConsentEndedBy.APPLICANT, endReasonStored: ConsentEndReason.APPLICANT_WITHDREW,
    });
    expect(decideFieldAccess(lender(), subject, PiiCategory.PHONE, [withdrawn], NOW))
      .toEqual({ allowed: false, reason: DenialReason.CONSENT_WITHDRAWN, consentId: "consent-1" });
  });

  it("is refused after a system ending (CONSENT_TERMINATED)", () => {
    const terminated = consent({ storedStatus: ConsentStatus.TERMINATED, endReasonStored: ConsentEndReason.APPLICATION_CLOSED });
    expect(decideFieldAccess(lender(), subject, PiiCategory.PHONE, [terminated], NOW))
      .toMatchObject({ allowed: false, reason: DenialReason.CONSENT_TERMINATED });
  });

  it("is refused from the instant the consent expires, before any job records it (CONSENT_EXPIRED)", () => {
    const expiring = consent({ expiresAt: NOW });
    expect(decideFieldAccess(lender(), subject, PiiCategory.PHONE, [expiring], NOW))
      .toEqual({ allowed: false, reason: DenialReason.CONSENT_EXPIRED, consentId: "consent-1" });
    expect(decideFieldAccess(lender(), subject, PiiCategory.PHONE, [expiring], new Date(NOW.getTime() - 1)).allowed).toBe(true);
  });

  it("reads through a new consent after an earlier one was withdrawn", () => {
    const earlier = consent({ id: "consent-0", storedStatus: ConsentStatus.WITHDRAWN, grantedAt: new Date(NOW.getTime() - 5 * HOUR) });
    expect(decideFieldAccess(lender(), subject, PiiCategory.PHONE, [earlier, consent()], NOW))
      .toEqual({ allowed: true, disclosure: "plain", consentId: "consent-1" });
  });
});
