import { In } from "typeorm";
import { Application } from "../../src/model/application.entity";
import { Consent } from "../../src/model/consent.entity";
import { Lead } from "../../src/model/lead.entity";
import { closeIfStillIdle, idleApplications } from "../../src/retention/idle-applications";
import { runRetention } from "../../src/retention/retention.service";
import { WITHDRAW_CONSENT } from "../support/documents";
import { ALL_CATEGORIES, TestLender, choose, expectData, leadIdFor, submitApplication } from "../support/flow";
import { TestGateway } from "../support/gateway";
import { TestIdentity, uniqueIdentity } from "../support/identities";
import { rawDump } from "../support/raw-rows";
import { startWithPersonas } from "../support/personas";
import { OFFER, OUTCOME, WITHDRAW_APPLICATION } from "../support/documents";

const DAY_MS = 86_400_000;
const MY_APPLICATIONS = "query { myApplications(first: 50) { edges { node { id status } } } }";
const MY_CONSENTS = "query { myData { identityErasedAt consents { id status endedBy endReason application { id } } } }";
const LENDER_READ = "query($id: ID!) { lead(id: $id) { status application { status applicant { fullName nationalId phone email } } } }";

/**
 * APPLICATION_OPEN_DAYS: an application nobody closes (no lender funded it, its applicant went
 * away) is closed by the retention run once idle that long, so the retention clock can start.
 */
describe("retention closes applications left open and idle", () => {
  let gateway: TestGateway;
  let lender: TestLender;

  beforeAll(async () => {
    ({ gateway, lenders: [lender] } = await startWithPersonas({ lenders: ["Idle"] }));
  });

  afterAll(async () => gateway?.stop());

  /** No API moves time: the application's creation, its leads' changes and its consents' grants are moved back. */
  async function age(applicationId: string, days: number, parts: Array<"created" | "leads" | "consents"> = ["created", "leads", "consents"]) {
    const at = new Date(Date.now() - days * DAY_MS);
    if (parts.includes("created")) await gateway.dataSource.getRepository(Application).update({ id: applicationId }, { createdAt: at });
    if (parts.includes("leads")) await gateway.dataSource.getRepository(Lead).update({ applicationId }, { updatedAt: at, statusChangedAt: at });
    if (parts.includes("consents")) await gateway.dataSource.getRepository(Consent).update({ applicationId }, { grantedAt: at });
  }

  async function applicationWithConsent(subject: string, identity: TestIdentity = uniqueIdentity()) {
    const token = await gateway.token("applicant", subject);
    const applicationId = await submitApplication(gateway, token, identity);
    const consentId = await choose(gateway, token, applicationId, lender.id, ALL_CATEGORIES);
    const leadId = await leadIdFor(gateway, lender, applicationId);
    return { token, identity, applicationId, consentId, leadId };
  }

  const statusIn = async (token: string, applicationId: string) => expectData(await gateway.request(MY_APPLICATIONS, {}, token))
    .myApplications.edges.map((edge: any) => edge.node).find((node: any) => node.id === applicationId)?.status;

  describe("a run with APPLICATION_OPEN_DAYS=90", () => {
    let idle: Awaited<ReturnType<typeof applicationWithConsent>>;
    let recent: Awaited<ReturnType<typeof applicationWithConsent>>;
    let recentLead: Awaited<ReturnType<typeof applicationWithConsent>>;
    let oldClosedApplication: string;
    let touchedOnly: Awaited<ReturnType<typeof applicationWithConsent>>;

    beforeAll(async () => {
      idle = await applicationWithConsent("left-open");
      // The same person's earlier application, withdrawn long ago: its identity row waits for the open one.
      oldClosedApplication = await submitApplication(gateway, idle.token, uniqueIdentity());
      expectData(await gateway.request(WITHDRAW_APPLICATION, { id: oldClosedApplication }, idle.token));
      await gateway.dataSource.getRepository(Application).update({ id: oldClosedApplication }, { createdAt: new Date(Date.now() - 500 * DAY_MS), closedAt: new Date(Date.now() - 400 * DAY_MS) });
      await age(idle.applicationId, 91);
      recent = await applicationWithConsent("chose-recently");
      // Old application, but the applicant granted a consent on it five days ago.
      await age(recent.applicationId, 200, ["created", "leads"]);
      await age(recent.applicationId, 5, ["consents"]);
      recentLead = await applicationWithConsent("lender-moved-recently");
      // Old application and consent, but a lead of it changed five days ago.
      await age(recentLead.applicationId, 200, ["created", "consents"]);
      await age(recentLead.applicationId, 5, ["leads"]);
      // Idle, though its lead's updatedAt moved today as a suspension's consent ending moves it
      // (for pollers): that is no activity, its status did not move.
      touchedOnly = await applicationWithConsent("touched-only");
      await age(touchedOnly.applicationId, 91);
      await gateway.dataSource.getRepository(Lead).update({ applicationId: touchedOnly.applicationId }, { updatedAt: new Date() });
    });

    it("before the run, the lender reads the idle application's identity (twin of the denial below)", async () => {
      const read = expectData(await gateway.request(LENDER_READ, { id: idle.leadId }, lender.apiKey));
      expect(read.lead.application).toEqual({ status: "SUBMITTED", applicant: { ...idle.identity } });
      expect(await statusIn(idle.token, idle.applicationId)).toBe("SUBMITTED");
    });

    it("closes the one idle past the limit, and reports it; the same run erases nobody (the retention clock starts now)", async () => {
      const report = await runRetention(gateway.dataSource, new Date(), 365, 90);
      expect(report).toMatchObject({ applicationOpenDays: 90, applicationsClosed: 2, consentsTerminated: 2, applicantsErased: 0 });

      expect(await statusIn(idle.token, idle.applicationId)).toBe("CLOSED");
      expect(await statusIn(touchedOnly.token, touchedOnly.applicationId)).toBe("CLOSED");
      const stored = await gateway.dataSource.getRepository(Application).findOneByOrFail({ id: idle.applicationId });
      expect(stored.closedAt).not.toBeNull();
      expect(Date.now() - stored.closedAt!.getTime()).toBeLessThan(10 * 60_000);
      const consents = expectData(await gateway.request(MY_CONSENTS, {}, idle.token)).myData;
      expect(consents.identityErasedAt).toBeNull();
      expect(consents.consents.find((consent: any) => consent.id === idle.consentId))
        .toMatchObject({ status: "TERMINATED", endedBy: "SYSTEM", endReason: "APPLICATION_CLOSED" });
    });

    it("the lender's next read of the closed application is null with CONSENT_TERMINATED, and its lead is CLOSED", async () => {
      const result = await gateway.request(LENDER_READ, { id: idle.leadId }, lender.apiKey);
      expect(result.body.data?.lead).toMatchObject({ status: "CLOSED", application: { status: "CLOSED" } });
      expect(result.body.data?.lead.application.applicant).toEqual({ fullName: null, nationalId: null, phone: null, email: null });
      expect(new Set(result.body.errors?.map(error => `${error.extensions?.code}:${error.extensions?.reason}`))).toEqual(new Set(["FORBIDDEN:CONSENT_TERMINATED"]));
      for (const value of Object.values(idle.identity)) expect(result.text).not.toContain(value);
    });

    it("leaves open an old application with a recent consent, or with a recently changed lead; its lender still reads", async () => {
      for (const kept of [recent, recentLead]) {
        expect(await statusIn(kept.token, kept.applicationId)).toBe("SUBMITTED");
        const read = expectData(await gateway.request(LENDER_READ, { id: kept.leadId }, lender.apiKey));
        expect(read.lead.application).toEqual({ status: "SUBMITTED", applicant: { ...kept.identity } });
        const consents = expectData(await gateway.request(MY_CONSENTS, {}, kept.token)).myData.consents;
        expect(consents.find((consent: any) => consent.id === kept.consentId)?.status).toBe("ACTIVE");
      }
    });

    it("a second run closes nothing more", async () => {
      expect(await runRetention(gateway.dataSource, new Date(), 365, 90)).toMatchObject({ applicationsClosed: 0, consentsTerminated: 0 });
    });

    it("RETENTION_DAYS after that closing, the person's identity is erased, the long-closed application's row included", async () => {
      const before = await runRetention(gateway.dataSource, new Date(Date.now() + 364 * DAY_MS), 365, 90);
      expect(before.applicantsErased).toBe(0);
      const dueAt = new Date(Date.now() + 366 * DAY_MS);
      const report = await runRetention(gateway.dataSource, dueAt, 365, 90);
      // left-open and touched-only, whose applications that first run closed.
      expect(report.applicantsErased).toBe(2);
      const mine = expectData(await gateway.request(MY_CONSENTS, {}, idle.token)).myData;
      expect(mine.identityErasedAt).toBe(dueAt.toISOString());
      const dump = await rawDump(gateway.dataSource);
      for (const value of Object.values(idle.identity)) expect(dump).not.toContain(value);
      const rows = await gateway.dataSource.query("SELECT erased_at FROM applicants WHERE subject = ?", ["left-open"]);
      expect(rows).toHaveLength(2);
      expect(rows.every((row: any) => row.erased_at !== null)).toBe(true);
    });
  });

  it("a lender revising its offer on a lead the applicant never chose does not keep the application open", async () => {
    const token = await gateway.token("applicant", "never-chose");
    const applicationId = await submitApplication(gateway, token, uniqueIdentity());
    const leadId = await leadIdFor(gateway, lender, applicationId);
    await age(applicationId, 200);
    // The lender offers today, and again: its lead changed, but not one the applicant chose.
    for (const apr of [12, 11]) expectData(await gateway.request(OFFER, { input: { leadId, apr, amount: 10000, termMonths: 12 } }, lender.apiKey));
    const idleSince = new Date(Date.now() - 90 * DAY_MS);
    expect(await idleApplications(gateway.dataSource.manager, idleSince, applicationId)).toEqual([applicationId]);
    // Twin: once the applicant chose it, the lender's work on that lead (an approval today) is activity.
    await choose(gateway, token, applicationId, lender.id, ALL_CATEGORIES);
    await age(applicationId, 200, ["consents"]);
    expectData(await gateway.request(OUTCOME, { input: { leadId, outcome: "APPROVED" } }, lender.apiKey));
    expect(await idleApplications(gateway.dataSource.manager, idleSince, applicationId)).toEqual([]);
  });

  describe("each closing asks again and is conditional on SUBMITTED", () => {
    it("an application withdrawn after the run selected it stays WITHDRAWN; one still idle is closed", async () => {
      const now = new Date();
      const idleSince = new Date(now.getTime() - 90 * DAY_MS);
      const withdrawn = await applicationWithConsent("withdraws-mid-run");
      const stillIdle = await applicationWithConsent("stays-idle");
      const rechose = await applicationWithConsent("chooses-mid-run");
      for (const { applicationId } of [withdrawn, stillIdle, rechose]) await age(applicationId, 120);
      expect(await idleApplications(gateway.dataSource.manager, idleSince))
        .toEqual(expect.arrayContaining([withdrawn.applicationId, stillIdle.applicationId, rechose.applicationId]));

      // After the selection: one applicant withdraws, another chooses its lender again.
      expectData(await gateway.request(WITHDRAW_APPLICATION, { id: withdrawn.applicationId }, withdrawn.token));
      expectData(await gateway.request(WITHDRAW_CONSENT, { id: rechose.consentId }, rechose.token));
      const fresh = await choose(gateway, rechose.token, rechose.applicationId, lender.id, ALL_CATEGORIES);

      for (const { applicationId } of [withdrawn, rechose]) {
        expect(await gateway.dataSource.transaction(manager => closeIfStillIdle(manager, applicationId, idleSince, now))).toBeNull();
      }
      expect(await statusIn(withdrawn.token, withdrawn.applicationId)).toBe("WITHDRAWN");
      const withdrawnConsents = expectData(await gateway.request(MY_CONSENTS, {}, withdrawn.token)).myData.consents;
      expect(withdrawnConsents.find((consent: any) => consent.id === withdrawn.consentId)).toMatchObject({ endReason: "APPLICATION_WITHDRAWN" });
      expect(await statusIn(rechose.token, rechose.applicationId)).toBe("SUBMITTED");
      const rechoseConsents = expectData(await gateway.request(MY_CONSENTS, {}, rechose.token)).myData.consents;
      expect(rechoseConsents.find((consent: any) => consent.id === fresh)?.status).toBe("ACTIVE");

      // Twin: the one nobody touched is closed by the same step.
      expect(await gateway.dataSource.transaction(manager => closeIfStillIdle(manager, stillIdle.applicationId, idleSince, now)))
        .toEqual({ leadsClosed: 1, consentsTerminated: 1 });
      expect(await statusIn(stillIdle.token, stillIdle.applicationId)).toBe("CLOSED");
      const rows = await gateway.dataSource.getRepository(Application).findBy({ id: In([withdrawn.applicationId, stillIdle.applicationId, rechose.applicationId]) });
      expect(rows.map(row => row.status).sort()).toEqual(["CLOSED", "SUBMITTED", "WITHDRAWN"]);
    });
  });
});
