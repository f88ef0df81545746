import { Consent } from "../../src/model/consent.entity";
import { Lead } from "../../src/model/lead.entity";
import { PiiCategory } from "../../src/model/pii-category";
import { ALL_CATEGORIES, TestLender, expectData, leadIdFor, onboardLender, submitApplication, approvePendingChanges } from "../support/flow";
import { GraphQLResult, TestGateway, startTestGateway } from "../support/gateway";
import { uniqueIdentity } from "../support/identities";
import { setLenderStatus, startWithPersonas } from "../support/personas";
import { NOTICE, NOTICE_FIELDS, SET_PERMISSIONS } from "../support/documents";

declare const __DATABASE_KIND__: "sqlite" | "mysql";

const CHOOSE = `mutation($input: ChooseLenderInput!) { chooseLender(input: $input) { id status categories grantedAt noticeVersion notice { ${NOTICE_FIELDS} } } }`;
const WITHDRAW = "mutation($id: ID!) { withdrawConsent(consentId: $id) { id status } }";
const OUTCOME = "mutation($input: ReportOutcomeInput!) { reportOutcome(input: $input) { status } }";
const LENDER_READ = "query($id: ID!) { lead(id: $id) { application { applicant { phone } } } }";

/** [code, field, reason] of each error: clients branch on these, never on the message. */
const refusals = (result: GraphQLResult) =>
  (result.body.errors ?? []).map(error => [error.extensions?.code, error.extensions?.field, error.extensions?.reason ?? null]);

describe("the notice version follows the settings, and a notice shown under others is refused", () => {
  /** A fresh gateway (and, on MySQL, a wiped database) with these settings; the same lender names every time. */
  async function withGateway<T>(settings: Record<string, string>, use: (gateway: TestGateway, alice: string, alpha: TestLender, applicationId: string) => Promise<T>): Promise<T> {
    const gateway = await startTestGateway(settings);
    try {
      const alpha = await onboardLender(gateway, await gateway.token("admin", "ops-1"), "Alpha");
      const alice = await gateway.token("applicant", "alice-settings");
      return await use(gateway, alice, alpha, await submitApplication(gateway, alice, uniqueIdentity()));
    } finally {
      await gateway.stop();
    }
  }

  const noticeOf = (gateway: TestGateway, alice: string, lenderId: string, applicationId: string) =>
    gateway.request(NOTICE, { a: applicationId, l: lenderId, c: [PiiCategory.PHONE] }, alice).then(result => expectData(result).consentNotice);

  it("CONSENT_TTL_DAYS changes the notice and its version; a version shown before the change grants nothing; the same settings give the same version", async () => {
    const before = await withGateway({ CONSENT_TTL_DAYS: "30", RETENTION_DAYS: "180" }, (gateway, alice, alpha, applicationId) =>
      noticeOf(gateway, alice, alpha.id, applicationId));
    await withGateway({ CONSENT_TTL_DAYS: "31", RETENTION_DAYS: "180" }, async (gateway, alice, alpha, applicationId) => {
      const now = await noticeOf(gateway, alice, alpha.id, applicationId);
      expect(now.retention).toContain("31 days");
      expect(now.noticeVersion).not.toBe(before.noticeVersion);
      const stale = await gateway.request(CHOOSE, {
        input: { applicationId, lenderId: alpha.id, categories: [PiiCategory.PHONE], noticeVersion: before.noticeVersion },
      }, alice);
      expect(refusals(stale)).toEqual([["BAD_USER_INPUT", "noticeVersion", null]]);
      expect(stale.text).not.toContain(before.noticeVersion);
      expect(await gateway.dataSource.getRepository(Consent).countBy({ applicationId })).toBe(0);
      // Twin: the notice shown under the current settings is accepted and stored.
      const chosen = expectData(await gateway.request(CHOOSE, {
        input: { applicationId, lenderId: alpha.id, categories: [PiiCategory.PHONE], noticeVersion: now.noticeVersion },
      }, alice)).chooseLender;
      expect(chosen.notice).toEqual(now);
    });
    // A restart (or another replica) with the same settings builds the same notice and version.
    const again = await withGateway({ CONSENT_TTL_DAYS: "30", RETENTION_DAYS: "180" }, (gateway, alice, alpha, applicationId) =>
      noticeOf(gateway, alice, alpha.id, applicationId));
    expect(again).toEqual(before);
  });
});

describe("chooseLender stores the notice shown, repeats idempotently, and says why it refuses", () => {
  let gateway: TestGateway;
  let admin: string;
  let alice: string;
  let alpha: TestLender;

  beforeAll(async () => {
    ({ gateway, admin, applicant: alice, lenders: [alpha] } = await startWithPersonas({
      env: { CONSENT_TTL_DAYS: "30", RETENTION_DAYS: "180", APPLICATION_OPEN_DAYS: "45" }, lenders: ["Alpha"],
    }));
  });

  afterAll(async () => gateway?.stop());

  const consents = (applicationId: string) => gateway.dataSource.getRepository(Consent).findBy({ applicationId });
  const leadRow = async (applicationId: string, lender: TestLender) =>
    gateway.dataSource.getRepository(Lead).findOneByOrFail({ id: await leadIdFor(gateway, lender, applicationId) });
  const shownNotice = async (applicationId: string, categories: PiiCategory[], lender = alpha) =>
    expectData(await gateway.request(NOTICE, { a: applicationId, l: lender.id, c: categories }, alice)).consentNotice;

  describe("the notice is bound to what was shown", () => {
    it("a version shown for PHONE does not grant all four categories: BAD_USER_INPUT on noticeVersion, nothing written", async () => {
      const applicationId = await submitApplication(gateway, alice, uniqueIdentity());
      const shown = await shownNotice(applicationId, [PiiCategory.PHONE]);
      const result = await gateway.request(CHOOSE, {
        input: { applicationId, lenderId: alpha.id, categories: ALL_CATEGORIES, noticeVersion: shown.noticeVersion },
      }, alice);
      expect(refusals(result)).toEqual([["BAD_USER_INPUT", "noticeVersion", null]]);
      expect(result.text).not.toContain(shown.noticeVersion);
      expect(await consents(applicationId)).toEqual([]);
      expect((await leadRow(applicationId, alpha)).status).toBe("NEW");
    });

    it("twin: the version shown for these categories is accepted, and the consent stores that notice and version", async () => {
      const applicationId = await submitApplication(gateway, alice, uniqueIdentity());
      const shown = await shownNotice(applicationId, ALL_CATEGORIES);
      expect(shown.noticeVersion).not.toBe((await shownNotice(applicationId, [PiiCategory.PHONE])).noticeVersion);
      const consent = expectData(await gateway.request(CHOOSE, {
        input: { applicationId, lenderId: alpha.id, categories: ALL_CATEGORIES, noticeVersion: shown.noticeVersion },
      }, alice)).chooseLender;
      expect(consent.notice).toEqual(shown);
      const [stored] = await consents(applicationId);
      expect([stored.noticeVersionStored, stored.noticeStored]).toEqual([shown.noticeVersion, shown]);
    });

    it("the notice says erasure counts from the last application closing, when an idle one closes, and what the lender may do", async () => {
      const applicationId = await submitApplication(gateway, alice, uniqueIdentity());
      const shown = await shownNotice(applicationId, [PiiCategory.PHONE]);
      expect(shown.retention).toContain("180 days after the last of your applications closes");
      expect(shown.retention).toContain("after 45 days without activity");
      expect(shown.text).toContain("may use it to assess this application and to offer you the loan");
    });
  });

  describe("a consent covers only categories an admin permitted the lender", () => {
    let tango: TestLender;
    beforeAll(async () => {
      tango = await onboardLender(gateway, admin, "Tango", [PiiCategory.NAME, PiiCategory.PHONE]);
    });

    it("consentNotice lists only the permitted ones of the categories asked for", async () => {
      const applicationId = await submitApplication(gateway, alice, uniqueIdentity());
      const shown = await shownNotice(applicationId, [PiiCategory.EMAIL, PiiCategory.PHONE, PiiCategory.NAME], tango);
      expect(shown.categories).toEqual([PiiCategory.NAME, PiiCategory.PHONE]);
      expect(shown.text).not.toContain("e-mail");
      // The same notice as asking for the permitted ones only: one notice, one version.
      expect(await shownNotice(applicationId, [PiiCategory.NAME, PiiCategory.PHONE], tango)).toEqual(shown);
    });

    it("consentNotice for none of them: BAD_USER_INPUT on categories with reason CATEGORY_NOT_PERMITTED", async () => {
      const applicationId = await submitApplication(gateway, alice, uniqueIdentity());
      const result = await gateway.request(NOTICE, { a: applicationId, l: tango.id, c: [PiiCategory.EMAIL, PiiCategory.NATIONAL_ID] }, alice);
      expect(refusals(result)).toEqual([["BAD_USER_INPUT", "categories", "CATEGORY_NOT_PERMITTED"]]);
    });

    it("chooseLender naming one unpermitted category: BAD_USER_INPUT on categories with reason CATEGORY_NOT_PERMITTED, nothing written", async () => {
      const applicationId = await submitApplication(gateway, alice, uniqueIdentity());
      const result = await gateway.request(CHOOSE, { input: { applicationId, lenderId: tango.id, categories: [PiiCategory.NAME, PiiCategory.EMAIL] } }, alice);
      expect(refusals(result)).toEqual([["BAD_USER_INPUT", "categories", "CATEGORY_NOT_PERMITTED"]]);
      expect(await consents(applicationId)).toEqual([]);
      expect((await leadRow(applicationId, tango)).status).toBe("NEW");
    });

    it("twin: the categories of the notice shown are granted, with that notice", async () => {
      const applicationId = await submitApplication(gateway, alice, uniqueIdentity());
      const shown = await shownNotice(applicationId, ALL_CATEGORIES, tango);
      const consent = expectData(await gateway.request(CHOOSE, {
        input: { applicationId, lenderId: tango.id, categories: shown.categories, noticeVersion: shown.noticeVersion },
      }, alice)).chooseLender;
      expect([consent.status, consent.categories, consent.notice]).toEqual(["ACTIVE", [PiiCategory.NAME, PiiCategory.PHONE], shown]);
    });

    const onMysql = typeof __DATABASE_KIND__ === "string" && __DATABASE_KIND__ === "mysql" ? it : it.skip;

    /** Holds Tango narrowed to NAME uncommitted while chooseLender for PHONE runs, then commits (or rolls back). */
    async function chooseWhileNarrowing(applicationId: string, commit: boolean): Promise<GraphQLResult> {
      const runner = gateway.dataSource.createQueryRunner();
      await runner.connect();
      try {
        await runner.startTransaction();
        await runner.query("UPDATE lenders SET permitted_categories = 'NAME' WHERE id = ?", [tango.id]);
        const answer = gateway.request(CHOOSE, { input: { applicationId, lenderId: tango.id, categories: [PiiCategory.PHONE] } }, alice);
        // Long enough for the choice to pass its first checks (which see PHONE permitted) and wait on the lender row.
        await new Promise(resolve => setTimeout(resolve, 500));
        if (commit) await runner.commitTransaction();
        else await runner.rollbackTransaction();
        return await answer;
      } finally {
        await runner.release();
        // Back to both: re-adding PHONE waits for a second admin (dual control).
        expectData(await gateway.request(SET_PERMISSIONS, { id: tango.id, categories: [PiiCategory.NAME, PiiCategory.PHONE] }, admin));
        await approvePendingChanges(gateway, tango.id);
      }
    }

    onMysql("racing a narrowing that commits first: CATEGORY_NOT_PERMITTED and no consent (MySQL)", async () => {
      const applicationId = await submitApplication(gateway, alice, uniqueIdentity());
      const result = await chooseWhileNarrowing(applicationId, true);
      expect(refusals(result)).toEqual([["BAD_USER_INPUT", "categories", "CATEGORY_NOT_PERMITTED"]]);
      expect(await consents(applicationId)).toEqual([]);
    });

    onMysql("twin: with the narrowing rolled back instead, the choice is granted (MySQL)", async () => {
      const applicationId = await submitApplication(gateway, alice, uniqueIdentity());
      expect(expectData(await chooseWhileNarrowing(applicationId, false)).chooseLender.categories).toEqual([PiiCategory.PHONE]);
    });
  });

  describe("a repeated choice", () => {
    it("the same lender, categories and notice again (a retry after a lost response) returns the same consent and writes nothing", async () => {
      const applicationId = await submitApplication(gateway, alice, uniqueIdentity());
      const shown = await shownNotice(applicationId, [PiiCategory.PHONE]);
      const input = { applicationId, lenderId: alpha.id, categories: [PiiCategory.PHONE], noticeVersion: shown.noticeVersion };
      const first = expectData(await gateway.request(CHOOSE, { input }, alice)).chooseLender;
      const leadAfterFirst = await leadRow(applicationId, alpha);
      const retried = expectData(await gateway.request(CHOOSE, { input }, alice)).chooseLender;
      expect(retried).toEqual(first);
      // Without noticeVersion too: the notice built for the input is the same one.
      const { noticeVersion: _omitted, ...withoutVersion } = input;
      expect(expectData(await gateway.request(CHOOSE, { input: withoutVersion }, alice)).chooseLender).toEqual(first);
      expect((await consents(applicationId)).map(consent => consent.id)).toEqual([first.id]);
      expect(await leadRow(applicationId, alpha)).toEqual(leadAfterFirst);
      expect(leadAfterFirst.status).toBe("CHOSEN");
    });

    it("other categories while a consent is active: BAD_USER_INPUT on lenderId with reason CONSENT_ALREADY_ACTIVE, nothing written", async () => {
      const applicationId = await submitApplication(gateway, alice, uniqueIdentity());
      const first = expectData(await gateway.request(CHOOSE, { input: { applicationId, lenderId: alpha.id, categories: [PiiCategory.PHONE] } }, alice)).chooseLender;
      const result = await gateway.request(CHOOSE, { input: { applicationId, lenderId: alpha.id, categories: [PiiCategory.PHONE, PiiCategory.EMAIL] } }, alice);
      expect(refusals(result)).toEqual([["BAD_USER_INPUT", "lenderId", "CONSENT_ALREADY_ACTIVE"]]);
      const stored = await consents(applicationId);
      expect(stored.map(consent => [consent.id, consent.categoriesStored])).toEqual([[first.id, "PHONE"]]);
    });

    it("a suspended lender: reason LENDER_SUSPENDED (same field, told apart); consentNotice says the same; nothing written", async () => {
      const sierra = await onboardLender(gateway, admin, "Sierra");
      const applicationId = await submitApplication(gateway, alice, uniqueIdentity());
      await setLenderStatus(gateway, admin, sierra, "SUSPENDED");
      const result = await gateway.request(CHOOSE, { input: { applicationId, lenderId: sierra.id, categories: [PiiCategory.PHONE] } }, alice);
      expect(refusals(result)).toEqual([["BAD_USER_INPUT", "lenderId", "LENDER_SUSPENDED"]]);
      const notice = await gateway.request(NOTICE, { a: applicationId, l: sierra.id, c: [PiiCategory.PHONE] }, alice);
      expect(refusals(notice)).toEqual([["BAD_USER_INPUT", "lenderId", "LENDER_SUSPENDED"]]);
      expect(await consents(applicationId)).toEqual([]);
      // Twin: reactivated, the same choice is granted.
      await setLenderStatus(gateway, admin, sierra, "ACTIVE");
      expect(expectData(await gateway.request(CHOOSE, { input: { applicationId, lenderId: sierra.id, categories: [PiiCategory.PHONE] } }, alice)).chooseLender.status).toBe("ACTIVE");
    });

    it("a withdrawn application: BAD_USER_INPUT on applicationId with reason APPLICATION_NOT_OPEN, nothing written", async () => {
      const applicationId = await submitApplication(gateway, alice, uniqueIdentity());
      expectData(await gateway.request("mutation($id: ID!) { withdrawApplication(id: $id) { status } }", { id: applicationId }, alice));
      const result = await gateway.request(CHOOSE, { input: { applicationId, lenderId: alpha.id, categories: [PiiCategory.PHONE] } }, alice);
      expect(refusals(result)).toEqual([["BAD_USER_INPUT", "applicationId", "APPLICATION_NOT_OPEN"]]);
      expect(await consents(applicationId)).toEqual([]);
    });
  });

  describe("a lead its lender declined cannot be chosen again", () => {
    /** Alpha chosen for PHONE, then (optionally) declined by alpha, then the consent withdrawn. */
    async function chosenThenWithdrawn(decline: boolean): Promise<{ applicationId: string; leadId: string; consentId: string }> {
      const applicationId = await submitApplication(gateway, alice, uniqueIdentity());
      const consentId = expectData(await gateway.request(CHOOSE, { input: { applicationId, lenderId: alpha.id, categories: [PiiCategory.PHONE] } }, alice)).chooseLender.id;
      const leadId = await leadIdFor(gateway, alpha, applicationId);
      if (decline) expectData(await gateway.request(OUTCOME, { input: { leadId, outcome: "DECLINED" } }, alpha.apiKey));
      expectData(await gateway.request(WITHDRAW, { id: consentId }, alice));
      return { applicationId, leadId, consentId };
    }

    it("DECLINED: BAD_USER_INPUT on lenderId with reason LEAD_NOT_CHOOSABLE, for the notice too; no consent, the lender reads nothing", async () => {
      const { applicationId, leadId, consentId } = await chosenThenWithdrawn(true);
      const result = await gateway.request(CHOOSE, { input: { applicationId, lenderId: alpha.id, categories: [PiiCategory.PHONE] } }, alice);
      expect(refusals(result)).toEqual([["BAD_USER_INPUT", "lenderId", "LEAD_NOT_CHOOSABLE"]]);
      const notice = await gateway.request(NOTICE, { a: applicationId, l: alpha.id, c: [PiiCategory.PHONE] }, alice);
      expect(refusals(notice)).toEqual([["BAD_USER_INPUT", "lenderId", "LEAD_NOT_CHOOSABLE"]]);
      expect((await consents(applicationId)).map(consent => consent.id)).toEqual([consentId]);
      expect((await gateway.dataSource.getRepository(Lead).findOneByOrFail({ id: leadId })).status).toBe("DECLINED");
      const read = await gateway.request(LENDER_READ, { id: leadId }, alpha.apiKey);
      expect(read.body.data?.lead.application.applicant.phone ?? null).toBeNull();
    });

    it("twin: a lead still CHOSEN takes a new consent after the withdrawal, and its lender reads again", async () => {
      const { applicationId, leadId, consentId } = await chosenThenWithdrawn(false);
      const again = expectData(await gateway.request(CHOOSE, { input: { applicationId, lenderId: alpha.id, categories: [PiiCategory.PHONE] } }, alice)).chooseLender;
      expect(again.id).not.toBe(consentId);
      expect(expectData(await gateway.request(LENDER_READ, { id: leadId }, alpha.apiKey)).lead.application.applicant.phone).toEqual(expect.any(String));
    });

    const onMysql = typeof __DATABASE_KIND__ === "string" && __DATABASE_KIND__ === "mysql" ? it : it.skip;

    /** Holds the decline of `leadId` uncommitted while chooseLender runs, then commits (or rolls back). */
    async function chooseWhileDeclining(applicationId: string, leadId: string, commit: boolean): Promise<GraphQLResult> {
      const runner = gateway.dataSource.createQueryRunner();
      await runner.connect();
      try {
        await runner.startTransaction();
        await runner.query("UPDATE leads SET status = 'DECLINED' WHERE id = ?", [leadId]);
        const answer = gateway.request(CHOOSE, { input: { applicationId, lenderId: alpha.id, categories: [PiiCategory.PHONE] } }, alice);
        // Long enough for the choice to pass its first checks (which see the lead CHOSEN) and wait on the row.
        await new Promise(resolve => setTimeout(resolve, 500));
        if (commit) await runner.commitTransaction();
        else await runner.rollbackTransaction();
        return await answer;
      } finally {
        await runner.release();
      }
    }

    onMysql("racing a decline that commits first: LEAD_NOT_CHOOSABLE and no new consent (MySQL)", async () => {
      const { applicationId, leadId, consentId } = await chosenThenWithdrawn(false);
      const result = await chooseWhileDeclining(applicationId, leadId, true);
      expect(refusals(result)).toEqual([["BAD_USER_INPUT", "lenderId", "LEAD_NOT_CHOOSABLE"]]);
      expect((await consents(applicationId)).map(consent => consent.id)).toEqual([consentId]);
    });

    onMysql("twin: with the decline rolled back instead, the choice is granted (MySQL)", async () => {
      const { applicationId, leadId } = await chosenThenWithdrawn(false);
      expect(expectData(await chooseWhileDeclining(applicationId, leadId, false)).chooseLender.status).toBe("ACTIVE");
    });
  });
});
