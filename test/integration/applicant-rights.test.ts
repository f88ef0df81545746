import { In } from "typeorm";
import { subjectsDueForErasure } from "../../src/applications/applicant-erasure";
import { ApplicantRecord } from "../../src/model/applicant.entity";
import { Application } from "../../src/model/application.entity";
import { Consent } from "../../src/model/consent.entity";
import { eraseIfStillDue, runRetention } from "../../src/retention/retention.service";
import { ALL_CATEGORIES, TestLender, choose, expectData, leadIdFor, submitApplication } from "../support/flow";
import { TestGateway } from "../support/gateway";
import { TestIdentity, uniqueIdentity } from "../support/identities";
import { rawDump } from "../support/raw-rows";
import { startWithPersonas } from "../support/personas";
import { ERASE } from "../support/documents";

const MY_DATA = `query { myData { subject generatedAt identityErasedAt
  applications { id status applicant { fullName nationalId phone email } }
  consents { id status endedBy endReason noticeVersion notice { recipientLegalName purpose categories text } application { id } lender { id } }
  accessLog(first: 100) { edges { node { id at field category outcome reason consentId applicationId readerKind lender { id } } } pageInfo { hasNextPage } } } }`;
const LENDER_READ = "query($id: ID!) { lead(id: $id) { status application { status applicant { fullName nationalId phone email } } } }";
const ACCESS_LOG = "query { myAccessLog(first: 100) { edges { node { field category outcome reason consentId readerKind } } } }";

const values = (identity: TestIdentity) => [identity.fullName, identity.nationalId, identity.phone, identity.email];

describe("applicant rights: a copy of my data, erasure, retention", () => {
  let gateway: TestGateway;
  let lender: TestLender;
  let other: TestLender;

  beforeAll(async () => {
    ({ gateway, lenders: [lender, other] } = await startWithPersonas({ lenders: ["Echo", "Foxtrot"] }));
  });

  afterAll(async () => gateway?.stop());

  it("myData returns applications with my identity, consents with their notices, and my access log", async () => {
    const token = await gateway.token("applicant", "copy-me");
    const identity = uniqueIdentity();
    const applicationId = await submitApplication(gateway, token, identity);
    const consentId = await choose(gateway, token, applicationId, lender.id, ALL_CATEGORIES);
    const leadId = await leadIdFor(gateway, lender, applicationId);
    expectData(await gateway.request(LENDER_READ, { id: leadId }, lender.apiKey));

    const data = expectData(await gateway.request(MY_DATA, {}, token)).myData;
    expect(data).toMatchObject({ subject: "copy-me", identityErasedAt: null });
    expect(data.applications).toEqual([{ id: applicationId, status: "SUBMITTED", applicant: { ...identity } }]);
    expect(data.consents).toHaveLength(1);
    expect(data.consents[0]).toMatchObject({
      id: consentId, status: "ACTIVE", application: { id: applicationId }, lender: { id: lender.id },
      notice: { recipientLegalName: "Echo Consumer Finance Co., Ltd.", purpose: "third_party_sharing", categories: ALL_CATEGORIES.slice().sort() },
    });
    // The lender's reads; this very request's own reads of the identity may or may not be in it yet.
    const accessLog = data.accessLog.edges.map((edge: any) => edge.node).filter((row: any) => row.readerKind === "LENDER");
    expect(accessLog.map((row: any) => `${row.field}:${row.outcome}`).sort())
      .toEqual(["email:GRANTED", "fullName:GRANTED", "nationalId:GRANTED", "phone:GRANTED"]);
    expect(accessLog.every((row: any) => row.consentId === consentId && row.lender.id === lender.id)).toBe(true);
    expect(data.accessLog.pageInfo.hasNextPage).toBe(false);
  });

  it("myData of someone else is never reachable: another applicant gets only its own (empty) copy", async () => {
    const data = expectData(await gateway.request(MY_DATA, {}, await gateway.token("applicant", "stranger"))).myData;
    expect(data).toMatchObject({ subject: "stranger", applications: [], consents: [], accessLog: { edges: [], pageInfo: { hasNextPage: false } } });
  });

  describe("eraseMyData", () => {
    const identity = uniqueIdentity();
    const bystanderIdentity = uniqueIdentity();
    let token: string;
    let applicationId: string;
    let consentId: string;
    let leadId: string;

    beforeAll(async () => {
      token = await gateway.token("applicant", "erase-me");
      applicationId = await submitApplication(gateway, token, identity);
      consentId = await choose(gateway, token, applicationId, lender.id, ALL_CATEGORIES);
      leadId = await leadIdFor(gateway, lender, applicationId);
      const bystander = await gateway.token("applicant", "bystander");
      await choose(gateway, bystander, await submitApplication(gateway, bystander, bystanderIdentity), lender.id, ALL_CATEGORIES);
    });

    it("before erasure the consented lender reads the values (twin of the erasure below)", async () => {
      const read = expectData(await gateway.request(LENDER_READ, { id: leadId }, lender.apiKey));
      expect(read.lead.application.applicant).toEqual({ ...identity });
    });

    it("destroys the identity values, withdraws the application, closes leads, terminates consents", async () => {
      const report = expectData(await gateway.request(ERASE, {}, token)).eraseMyData;
      expect(report).toMatchObject({ alreadyErased: false, applicationsWithdrawn: 1, consentsTerminated: 1, leadsClosed: 2 });

      const dump = await rawDump(gateway.dataSource);
      for (const value of values(identity)) expect(dump).not.toContain(value);
      const [row] = await gateway.dataSource.query("SELECT full_name, national_id, national_id_hash, phone, email, erased_at FROM applicants WHERE subject = ?", ["erase-me"]);
      expect([row.full_name, row.national_id, row.national_id_hash, row.phone, row.email]).toEqual([null, null, null, null, null]);
      expect(row.erased_at).not.toBeNull();
      const application = await gateway.dataSource.getRepository(Application).findOneByOrFail({ id: applicationId });
      expect(application.status).toBe("WITHDRAWN");
      expect(application.requestFingerprint).toBe("erased");

      const data = expectData(await gateway.request(MY_DATA, {}, token)).myData;
      expect(data.identityErasedAt).toBe(report.erasedAt);
      expect(data.applications[0].applicant).toEqual({ fullName: null, nationalId: null, phone: null, email: null });
      expect(data.consents[0]).toMatchObject({ id: consentId, status: "TERMINATED", endedBy: "SYSTEM", endReason: "APPLICANT_ERASED" });
    });

    it("the lender's next read is null with CONSENT_TERMINATED, and the lead is CLOSED", async () => {
      const result = await gateway.request(LENDER_READ, { id: leadId }, lender.apiKey);
      expect(result.body.data?.lead).toMatchObject({ status: "CLOSED", application: { status: "WITHDRAWN" } });
      expect(result.body.data?.lead.application.applicant).toEqual({ fullName: null, nationalId: null, phone: null, email: null });
      expect(new Set(result.body.errors?.map(error => `${error.extensions?.code}:${error.extensions?.reason}`))).toEqual(new Set(["FORBIDDEN:CONSENT_TERMINATED"]));
      for (const value of values(identity)) expect(result.text).not.toContain(value);
    });

    it("an admin sees nothing either (masking has no value left), and nothing crashes", async () => {
      const admin = await gateway.token("admin", "ops-1");
      const result = await gateway.request("query($id: ID!) { application(id: $id) { applicant { fullName nationalId phone email } } }", { id: applicationId }, admin);
      expect(result.body.errors).toBeUndefined();
      expect(result.body.data?.application.applicant).toEqual({ fullName: null, nationalId: null, phone: null, email: null });
    });

    it("the access log keeps ids, categories and decisions, including the denial after erasure", async () => {
      const rows = expectData(await gateway.request(ACCESS_LOG, {}, token)).myAccessLog.edges.map((edge: any) => edge.node)
        .filter((row: any) => row.readerKind === "LENDER");
      expect(rows.filter((row: any) => row.outcome === "GRANTED")).toHaveLength(4);
      expect(rows.filter((row: any) => row.reason === "CONSENT_TERMINATED")).toHaveLength(4);
      expect(rows.every((row: any) => row.consentId === consentId)).toBe(true);
    });

    it("is idempotent: a repeat reports the first erasure and changes nothing", async () => {
      // Read first: the applicant's own read of its (erased) identity is logged like any read.
      const first = expectData(await gateway.request(MY_DATA, {}, token)).myData.identityErasedAt;
      const before = await rawDump(gateway.dataSource);
      const again = expectData(await gateway.request(ERASE, {}, token)).eraseMyData;
      expect(again).toEqual({ erasedAt: first, alreadyErased: true, applicationsWithdrawn: 0, consentsTerminated: 0, leadsClosed: 0 });
      const after = await rawDump(gateway.dataSource);
      // Only the row's updated_at may move.
      expect(after.replace(/"updated_at":"[^"]*"/g, "")).toBe(before.replace(/"updated_at":"[^"]*"/g, ""));
    });

    it("touches no one else: the bystander's values are intact and still readable by its lender", async () => {
      const bystander = await gateway.token("applicant", "bystander");
      const data = expectData(await gateway.request(MY_DATA, {}, bystander)).myData;
      expect(data.applications[0].applicant).toEqual({ ...bystanderIdentity });
      expect(data.consents[0].status).toBe("ACTIVE");
    });

    it("a later submission starts a new identity on file", async () => {
      const fresh = uniqueIdentity();
      await submitApplication(gateway, token, fresh);
      const data = expectData(await gateway.request(MY_DATA, {}, token)).myData;
      expect(data.identityErasedAt).toBeNull();
      expect(data.applications[0].applicant).toEqual({ ...fresh });
    });
  });

  describe("retention", () => {
    it("erases applicants whose applications all closed more than RETENTION_DAYS ago, and no one else", async () => {
      const oldToken = await gateway.token("applicant", "long-gone");
      const oldIdentity = uniqueIdentity();
      const oldApplication = await submitApplication(gateway, oldToken, oldIdentity);
      expectData(await gateway.request("mutation($id: ID!) { withdrawApplication(id: $id) { status } }", { id: oldApplication }, oldToken));
      const recentToken = await gateway.token("applicant", "recently-closed");
      const recentIdentity = uniqueIdentity();
      const recentApplication = await submitApplication(gateway, recentToken, recentIdentity);
      expectData(await gateway.request("mutation($id: ID!) { withdrawApplication(id: $id) { status } }", { id: recentApplication }, recentToken));
      // No API moves time: the old application's closing is moved 400 days back.
      await gateway.dataSource.getRepository(Application).update({ id: oldApplication }, { closedAt: new Date(Date.now() - 400 * 86_400_000) });

      const report = await runRetention(gateway.dataSource, new Date(), 365);
      expect(report.applicantsErased).toBe(1);
      const dump = await rawDump(gateway.dataSource);
      for (const value of values(oldIdentity)) expect(dump).not.toContain(value);
      const rows = await gateway.dataSource.getRepository(ApplicantRecord).findBy({});
      expect(rows.find(row => row.subject === "long-gone")?.erasedAt).not.toBeNull();
      const recent = expectData(await gateway.request(MY_DATA, {}, recentToken)).myData;
      expect(recent.applications[0].applicant).toEqual({ ...recentIdentity });
      // Applicants with an open application are never due, whatever their age.
      expect(rows.find(row => row.subject === "bystander")?.erasedAt).toBeNull();
      expect((await runRetention(gateway.dataSource, new Date(), 365)).applicantsErased).toBe(0);
    });
  });

  describe("erasure and retention leave alone what is no longer theirs to end", () => {
    const WITHDRAW_APPLICATION = "mutation($id: ID!) { withdrawApplication(id: $id) { status } }";
    const CONSENT_ENDINGS = "query { myData { consents { id status endedAt endedBy endReason } } }";

    it("eraseMyData records a consent already past its expiry as EXPIRED at its expiry, and counts only the one it terminated", async () => {
      const token = await gateway.token("applicant", "erase-with-expired");
      const applicationId = await submitApplication(gateway, token, uniqueIdentity());
      const expiredConsent = await choose(gateway, token, applicationId, lender.id, ALL_CATEGORIES);
      const liveConsent = await choose(gateway, token, applicationId, other.id, ALL_CATEGORIES);
      // No API moves time: the consent's expiry is moved into the past (the retention job has not run).
      const expiresAt = new Date(Date.now() - 60_000);
      await gateway.dataSource.getRepository(Consent).update({ id: expiredConsent }, { expiresAt });

      const report = expectData(await gateway.request(ERASE, {}, token)).eraseMyData;
      expect(report).toMatchObject({ applicationsWithdrawn: 1, consentsTerminated: 1 });
      const consents = expectData(await gateway.request(CONSENT_ENDINGS, {}, token)).myData.consents;
      expect(consents.find((consent: any) => consent.id === expiredConsent))
        .toEqual({ id: expiredConsent, status: "EXPIRED", endedAt: expiresAt.toISOString(), endedBy: "SYSTEM", endReason: "TTL_ELAPSED" });
      expect(consents.find((consent: any) => consent.id === liveConsent)).toMatchObject({ status: "TERMINATED", endReason: "APPLICANT_ERASED" });
      const leadId = await leadIdFor(gateway, lender, applicationId);
      const read = await gateway.request(LENDER_READ, { id: leadId }, lender.apiKey);
      expect(new Set(read.body.errors?.map(error => error.extensions?.reason))).toEqual(new Set(["CONSENT_EXPIRED"]));
    });

    it("retention re-checks each subject before erasing: a new application made after the run selected it is kept; a subject still due is erased", async () => {
      const now = new Date();
      const closedBefore = new Date(now.getTime() - 365 * 86_400_000);
      const returning = await gateway.token("applicant", "returns-mid-run");
      const gone = await gateway.token("applicant", "stays-gone");
      const oldIdentity = uniqueIdentity();
      const goneIdentity = uniqueIdentity();
      const oldApplication = await submitApplication(gateway, returning, oldIdentity);
      const goneApplication = await submitApplication(gateway, gone, goneIdentity);
      for (const [id, token] of [[oldApplication, returning], [goneApplication, gone]]) {
        expectData(await gateway.request(WITHDRAW_APPLICATION, { id }, token));
      }
      // No API moves time: both closings are moved 400 days back, so both are due.
      await gateway.dataSource.getRepository(Application).update({ id: In([oldApplication, goneApplication]) }, { closedAt: new Date(now.getTime() - 400 * 86_400_000) });

      // The run selects, then the applicant comes back before its erasure step runs.
      const due = await subjectsDueForErasure(gateway.dataSource.manager, closedBefore);
      expect(due).toEqual(expect.arrayContaining(["returns-mid-run", "stays-gone"]));
      const freshIdentity = uniqueIdentity();
      const freshApplication = await submitApplication(gateway, returning, freshIdentity);
      const consentId = await choose(gateway, returning, freshApplication, lender.id, ALL_CATEGORIES);

      const skipped = await gateway.dataSource.transaction(manager => eraseIfStillDue(manager, "returns-mid-run", closedBefore, now));
      expect(skipped).toBeNull();
      const mine = expectData(await gateway.request(MY_DATA, {}, returning)).myData;
      expect(mine.identityErasedAt).toBeNull();
      expect(mine.applications.find((application: any) => application.id === freshApplication))
        .toEqual({ id: freshApplication, status: "SUBMITTED", applicant: { ...freshIdentity } });
      expect(mine.applications.find((application: any) => application.id === oldApplication)?.applicant).toEqual({ ...oldIdentity });
      expect(mine.consents.find((consent: any) => consent.id === consentId)?.status).toBe("ACTIVE");
      const leadRead = expectData(await gateway.request(LENDER_READ, { id: await leadIdFor(gateway, lender, freshApplication) }, lender.apiKey));
      expect(leadRead.lead.application).toEqual({ status: "SUBMITTED", applicant: { ...freshIdentity } });

      // Twin: the subject that did not come back is erased by the same step.
      const erased = await gateway.dataSource.transaction(manager => eraseIfStillDue(manager, "stays-gone", closedBefore, now));
      expect(erased).toMatchObject({ alreadyErased: false, applicationsWithdrawn: 0 });
      const goneData = expectData(await gateway.request(MY_DATA, {}, gone)).myData;
      expect(goneData.identityErasedAt).toEqual(now.toISOString());
      expect(goneData.applications[0].applicant).toEqual({ fullName: null, nationalId: null, phone: null, email: null });
      const dump = await rawDump(gateway.dataSource);
      for (const value of values(goneIdentity)) expect(dump).not.toContain(value);
    });
  });
});
