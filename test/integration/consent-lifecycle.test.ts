import { Consent } from "../../src/model/consent.entity";
import { PiiCategory } from "../../src/model/pii-category";
import { runRetention } from "../../src/retention/retention.service";
import { ALL_CATEGORIES, TestLender, expectData, leadIdFor, onboardLender, submitApplication } from "../support/flow";
import { GraphQLResult, TestGateway } from "../support/gateway";
import { TestIdentity, uniqueIdentity } from "../support/identities";
import { setLenderStatus, startWithPersonas } from "../support/personas";
import { NOTICE, NOTICE_FIELDS, OUTCOME } from "../support/documents";

const CHOOSE = `mutation($input: ChooseLenderInput!) { chooseLender(input: $input) { id status noticeVersion notice { ${NOTICE_FIELDS} } } }`;
const CONSENT_STATE = "id status endedAt endedBy endReason";
const WITHDRAW = `mutation($id: ID!) { withdrawConsent(consentId: $id) { ${CONSENT_STATE} } }`;
const CONSENTS = `query($id: ID!) { application(id: $id) { consents { ${CONSENT_STATE} expiresAt lender { id } } } }`;
const LENDER_READ = `query($id: ID!) { lead(id: $id) { application { applicant { phone } } } }`;

const phoneReason = (result: GraphQLResult) => result.body.errors?.find(error => error.path?.includes("phone"))?.extensions?.reason ?? null;

describe("the consent lifecycle over HTTP", () => {
  let gateway: TestGateway;
  let admin: string;
  let alice: string;
  let alpha: TestLender;
  let bravo: TestLender;

  /** A fresh application with alpha (and bravo) leads; alpha chosen for every category. */
  async function chosen(): Promise<{ applicationId: string; consentId: string; alphaLead: string; bravoLead: string; identity: TestIdentity }> {
    const identity = uniqueIdentity();
    const applicationId = await submitApplication(gateway, alice, identity);
    const consent = expectData(await gateway.request(CHOOSE, { input: { applicationId, lenderId: alpha.id, categories: ALL_CATEGORIES } }, alice));
    return {
      applicationId, identity, consentId: consent.chooseLender.id,
      alphaLead: await leadIdFor(gateway, alpha, applicationId), bravoLead: await leadIdFor(gateway, bravo, applicationId),
    };
  }

  async function consentOf(applicationId: string, lenderId: string) {
    const data = expectData(await gateway.request(CONSENTS, { id: applicationId }, alice));
    return data.application.consents.find((consent: any) => consent.lender.id === lenderId);
  }

  beforeAll(async () => {
    ({ gateway, admin, applicant: alice, lenders: [alpha, bravo] } = await startWithPersonas({
      env: { CONSENT_TTL_DAYS: "30", RETENTION_DAYS: "180" }, lenders: ["Alpha", "Bravo"],
    }));
  });

  afterAll(async () => gateway?.stop());

  describe("the notice", () => {
    it("consentNotice names recipient, contact, purpose, categories, retention, withdrawal and a version", async () => {
      const applicationId = await submitApplication(gateway, alice, uniqueIdentity());
      const notice = expectData(await gateway.request(NOTICE, { a: applicationId, l: alpha.id, c: [PiiCategory.PHONE, PiiCategory.NAME] }, alice)).consentNotice;
      expect(notice).toMatchObject({
        recipientLegalName: "Alpha Consumer Finance Co., Ltd.", recipientContact: "privacy@alpha.example",
        purpose: "third_party_sharing", categories: ["NAME", "PHONE"],
      });
      expect(notice.retention).toContain("30 days");
      expect(notice.retention).toContain("180 days");
      expect(notice.howToWithdraw).toContain("withdrawConsent");
      expect(notice.text).toContain("Alpha Consumer Finance Co., Ltd.");
      expect(notice.noticeVersion).toMatch(/\S/);
    });

    it("the consent stores that notice word for word, and shows it later", async () => {
      const applicationId = await submitApplication(gateway, alice, uniqueIdentity());
      const variables = { a: applicationId, l: alpha.id, c: [PiiCategory.PHONE] };
      const shown = expectData(await gateway.request(NOTICE, variables, alice)).consentNotice;
      const consent = expectData(await gateway.request(CHOOSE, {
        input: { applicationId, lenderId: alpha.id, categories: [PiiCategory.PHONE], noticeVersion: shown.noticeVersion },
      }, alice)).chooseLender;
      expect(consent.notice).toEqual(shown);
      expect(consent.noticeVersion).toBe(shown.noticeVersion);
      const stored = await gateway.dataSource.getRepository(Consent).findOneByOrFail({ id: consent.id });
      expect(stored.noticeStored).toEqual(shown);
    });

    it("chooseLender with a stale notice version is BAD_USER_INPUT on noticeVersion, and grants nothing", async () => {
      const applicationId = await submitApplication(gateway, alice, uniqueIdentity());
      const result = await gateway.request(CHOOSE, {
        input: { applicationId, lenderId: alpha.id, categories: [PiiCategory.PHONE], noticeVersion: "2000-01-01.0" },
      }, alice);
      expect(result.body.errors?.map(error => [error.extensions?.code, error.extensions?.field])).toEqual([["BAD_USER_INPUT", "noticeVersion"]]);
      expect(await gateway.dataSource.getRepository(Consent).countBy({ applicationId })).toBe(0);
    });

    it("another applicant's application has no notice (NOT_FOUND)", async () => {
      const applicationId = await submitApplication(gateway, alice, uniqueIdentity());
      const result = await gateway.request(NOTICE, { a: applicationId, l: alpha.id, c: [PiiCategory.PHONE] }, await gateway.token("applicant", "mallory"));
      expect(result.body.errors?.map(error => error.extensions?.code)).toEqual(["NOT_FOUND"]);
    });
  });

  describe("endings: who, why, when, and the lender's next read", () => {
    it("ACTIVE: the lender reads (twin of every ending below)", async () => {
      const { alphaLead, identity, applicationId } = await chosen();
      const read = expectData(await gateway.request(LENDER_READ, { id: alphaLead }, alpha.apiKey));
      expect(read.lead.application.applicant.phone).toBe(identity.phone);
      expect(await consentOf(applicationId, alpha.id)).toMatchObject({ status: "ACTIVE", endedAt: null, endedBy: null, endReason: null });
    });

    it("WITHDRAWN by the applicant, in one call: CONSENT_WITHDRAWN on the next read; withdrawing again changes nothing", async () => {
      const { consentId, alphaLead, identity } = await chosen();
      const withdrawn = expectData(await gateway.request(WITHDRAW, { id: consentId }, alice)).withdrawConsent;
      expect(withdrawn).toMatchObject({ status: "WITHDRAWN", endedBy: "APPLICANT", endReason: "APPLICANT_WITHDREW" });
      expect(withdrawn.endedAt).toEqual(expect.any(String));
      const read = await gateway.request(LENDER_READ, { id: alphaLead }, alpha.apiKey);
      expect(read.body.data?.lead.application.applicant.phone).toBeNull();
      expect(phoneReason(read)).toBe("CONSENT_WITHDRAWN");
      expect(read.text).not.toContain(identity.phone);
      const again = expectData(await gateway.request(WITHDRAW, { id: consentId }, alice)).withdrawConsent;
      expect(again).toEqual(withdrawn);
    });

    it("EXPIRED by the system after CONSENT_TTL_DAYS: CONSENT_EXPIRED; the retention job records it with the expiry as its end", async () => {
      const { consentId, alphaLead, applicationId } = await chosen();
      // No API moves time: the consent's expiry is moved into the past.
      const expiresAt = new Date(Date.now() - 60_000);
      await gateway.dataSource.getRepository(Consent).update({ id: consentId }, { expiresAt });
      const lazily = await consentOf(applicationId, alpha.id);
      expect(lazily).toMatchObject({ status: "EXPIRED", endedBy: "SYSTEM", endReason: "TTL_ELAPSED", endedAt: expiresAt.toISOString() });
      const report = await runRetention(gateway.dataSource, new Date(), 180);
      expect(report.consentsExpired).toBe(1);
      const stored = await gateway.dataSource.getRepository(Consent).findOneByOrFail({ id: consentId });
      expect([stored.storedStatus, stored.endedByStored, stored.endReasonStored]).toEqual(["EXPIRED", "SYSTEM", "TTL_ELAPSED"]);
      expect(stored.endedAtStored?.toISOString()).toBe(expiresAt.toISOString());
      expect(phoneReason(await gateway.request(LENDER_READ, { id: alphaLead }, alpha.apiKey))).toBe("CONSENT_EXPIRED");
      expect(await consentOf(applicationId, alpha.id)).toEqual(lazily);
    });

    it("TERMINATED by the system when the application is withdrawn: CONSENT_TERMINATED", async () => {
      const { applicationId, alphaLead } = await chosen();
      expectData(await gateway.request("mutation($id: ID!) { withdrawApplication(id: $id) { status } }", { id: applicationId }, alice));
      expect(await consentOf(applicationId, alpha.id)).toMatchObject({ status: "TERMINATED", endedBy: "SYSTEM", endReason: "APPLICATION_WITHDRAWN" });
      expect(phoneReason(await gateway.request(LENDER_READ, { id: alphaLead }, alpha.apiKey))).toBe("CONSENT_TERMINATED");
    });

    it("TERMINATED by the system when a lender funds the application: the others' and the funder's own", async () => {
      const { applicationId, alphaLead, bravoLead, identity } = await chosen();
      expectData(await gateway.request(CHOOSE, { input: { applicationId, lenderId: bravo.id, categories: [PiiCategory.PHONE] } }, alice));
      expectData(await gateway.request(OUTCOME, { input: { leadId: bravoLead, outcome: "FUNDED", fundedAmount: 50000 } }, bravo.apiKey));
      expect(await consentOf(applicationId, alpha.id)).toMatchObject({ status: "TERMINATED", endedBy: "SYSTEM", endReason: "FUNDED_BY_ANOTHER_LENDER" });
      expect(phoneReason(await gateway.request(LENDER_READ, { id: alphaLead }, alpha.apiKey))).toBe("CONSENT_TERMINATED");
      expect(await consentOf(applicationId, bravo.id)).toMatchObject({ status: "TERMINATED", endedBy: "SYSTEM", endReason: "APPLICATION_CLOSED" });
      const funder = await gateway.request(LENDER_READ, { id: bravoLead }, bravo.apiKey);
      expect(phoneReason(funder)).toBe("CONSENT_TERMINATED");
      expect(funder.text).not.toContain(identity.phone);
    });

    it("TERMINATED by the system when the lender is suspended; reactivation does not revive it", async () => {
      const sierra = await onboardLender(gateway, admin, "Sierra");
      const identity = uniqueIdentity();
      const applicationId = await submitApplication(gateway, alice, identity);
      expectData(await gateway.request(CHOOSE, { input: { applicationId, lenderId: sierra.id, categories: [PiiCategory.PHONE] } }, alice));
      const lead = await leadIdFor(gateway, sierra, applicationId);
      expect(expectData(await gateway.request(LENDER_READ, { id: lead }, sierra.apiKey)).lead.application.applicant.phone).toBe(identity.phone);
      await setLenderStatus(gateway, admin, sierra, "SUSPENDED");
      expect(await consentOf(applicationId, sierra.id)).toMatchObject({ status: "TERMINATED", endedBy: "SYSTEM", endReason: "LENDER_SUSPENDED" });
      expect(phoneReason(await gateway.request(LENDER_READ, { id: lead }, sierra.apiKey))).toBe("LENDER_SUSPENDED");
      await setLenderStatus(gateway, admin, sierra, "ACTIVE");
      const after = await gateway.request(LENDER_READ, { id: lead }, sierra.apiKey);
      expect(phoneReason(after)).toBe("CONSENT_TERMINATED");
      expect(after.text).not.toContain(identity.phone);
    });

    it("an ended consent is final: choosing the lender again makes a new ACTIVE consent, the old one keeps its ending", async () => {
      const { applicationId, consentId, alphaLead, identity } = await chosen();
      expectData(await gateway.request(WITHDRAW, { id: consentId }, alice));
      const again = expectData(await gateway.request(CHOOSE, { input: { applicationId, lenderId: alpha.id, categories: [PiiCategory.PHONE] } }, alice));
      expect(again.chooseLender.id).not.toBe(consentId);
      const data = expectData(await gateway.request(CONSENTS, { id: applicationId }, alice));
      expect(data.application.consents.map((consent: any) => consent.status).sort()).toEqual(["ACTIVE", "WITHDRAWN"]);
      expect(expectData(await gateway.request(LENDER_READ, { id: alphaLead }, alpha.apiKey)).lead.application.applicant.phone).toBe(identity.phone);
    });
  });

  describe("an ending after the consent's time ran out keeps it EXPIRED at its expiry", () => {
    const MY_CONSENTS = `query { myData { consents { ${CONSENT_STATE} expiresAt } } }`;
    const EXPIRED_AT = (expiresAt: Date) => ({ status: "EXPIRED", endedBy: "SYSTEM", endReason: "TTL_ELAPSED", endedAt: expiresAt.toISOString() });

    /** No API moves time: the consent's expiry is moved into the past (the retention job has not run). */
    async function expire(consentId: string): Promise<Date> {
      const expiresAt = new Date(Date.now() - 60_000);
      await gateway.dataSource.getRepository(Consent).update({ id: consentId }, { expiresAt });
      return expiresAt;
    }

    async function myConsent(token: string, consentId: string) {
      return expectData(await gateway.request(MY_CONSENTS, {}, token)).myData.consents.find((consent: any) => consent.id === consentId);
    }

    async function stored(consentId: string) {
      const row = await gateway.dataSource.getRepository(Consent).findOneByOrFail({ id: consentId });
      return { status: row.storedStatus, endedBy: row.endedByStored, endReason: row.endReasonStored, endedAt: row.endedAtStored?.toISOString() };
    }

    it("withdrawing the application: the expired consent stays EXPIRED (CONSENT_EXPIRED), the live one beside it is TERMINATED", async () => {
      const { applicationId, consentId, alphaLead, bravoLead } = await chosen();
      const bravoConsent = expectData(await gateway.request(CHOOSE, { input: { applicationId, lenderId: bravo.id, categories: [PiiCategory.PHONE] } }, alice)).chooseLender.id;
      const expiresAt = await expire(consentId);
      expect(phoneReason(await gateway.request(LENDER_READ, { id: alphaLead }, alpha.apiKey))).toBe("CONSENT_EXPIRED");

      expectData(await gateway.request("mutation($id: ID!) { withdrawApplication(id: $id) { status } }", { id: applicationId }, alice));
      expect(await myConsent(alice, consentId)).toMatchObject(EXPIRED_AT(expiresAt));
      expect(await stored(consentId)).toEqual(EXPIRED_AT(expiresAt));
      expect(phoneReason(await gateway.request(LENDER_READ, { id: alphaLead }, alpha.apiKey))).toBe("CONSENT_EXPIRED");
      // Twin: the consent still live at the withdrawal is the one the withdrawal ends.
      expect(await myConsent(alice, bravoConsent)).toMatchObject({ status: "TERMINATED", endedBy: "SYSTEM", endReason: "APPLICATION_WITHDRAWN" });
      expect(phoneReason(await gateway.request(LENDER_READ, { id: bravoLead }, bravo.apiKey))).toBe("CONSENT_TERMINATED");
    });

    it("funding by another lender: the expired consent stays EXPIRED, the funder's own is TERMINATED", async () => {
      const { applicationId, consentId, alphaLead, bravoLead } = await chosen();
      const bravoConsent = expectData(await gateway.request(CHOOSE, { input: { applicationId, lenderId: bravo.id, categories: [PiiCategory.PHONE] } }, alice)).chooseLender.id;
      const expiresAt = await expire(consentId);
      expectData(await gateway.request(OUTCOME, { input: { leadId: bravoLead, outcome: "FUNDED", fundedAmount: 50000 } }, bravo.apiKey));
      expect(await myConsent(alice, consentId)).toMatchObject(EXPIRED_AT(expiresAt));
      expect(await stored(consentId)).toEqual(EXPIRED_AT(expiresAt));
      expect(phoneReason(await gateway.request(LENDER_READ, { id: alphaLead }, alpha.apiKey))).toBe("CONSENT_EXPIRED");
      expect(await myConsent(alice, bravoConsent)).toMatchObject({ status: "TERMINATED", endReason: "APPLICATION_CLOSED" });
    });

    it("suspending the lender: its expired consent stays EXPIRED (CONSENT_EXPIRED after reactivation), its live one is TERMINATED", async () => {
      const tango = await onboardLender(gateway, admin, "Tango");
      const expiredApplication = await submitApplication(gateway, alice, uniqueIdentity());
      const expiredConsent = expectData(await gateway.request(CHOOSE, { input: { applicationId: expiredApplication, lenderId: tango.id, categories: [PiiCategory.PHONE] } }, alice)).chooseLender.id;
      const liveApplication = await submitApplication(gateway, alice, uniqueIdentity());
      const liveConsent = expectData(await gateway.request(CHOOSE, { input: { applicationId: liveApplication, lenderId: tango.id, categories: [PiiCategory.PHONE] } }, alice)).chooseLender.id;
      const expiresAt = await expire(expiredConsent);

      await setLenderStatus(gateway, admin, tango, "SUSPENDED");
      expect(await myConsent(alice, expiredConsent)).toMatchObject(EXPIRED_AT(expiresAt));
      expect(await stored(expiredConsent)).toEqual(EXPIRED_AT(expiresAt));
      expect(await myConsent(alice, liveConsent)).toMatchObject({ status: "TERMINATED", endedBy: "SYSTEM", endReason: "LENDER_SUSPENDED" });
      await setLenderStatus(gateway, admin, tango, "ACTIVE");
      expect(phoneReason(await gateway.request(LENDER_READ, { id: await leadIdFor(gateway, tango, expiredApplication) }, tango.apiKey))).toBe("CONSENT_EXPIRED");
      expect(phoneReason(await gateway.request(LENDER_READ, { id: await leadIdFor(gateway, tango, liveApplication) }, tango.apiKey))).toBe("CONSENT_TERMINATED");
    });
  });
});
