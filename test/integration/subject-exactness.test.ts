import { Application } from "../../src/model/application.entity";
import { runRetention } from "../../src/retention/retention.service";
import { SUBMIT } from "../support/documents";
import { ALL_CATEGORIES, TestLender, applicationInput, choose, expectData, leadIdFor, submitApplication } from "../support/flow";
import { TestGateway } from "../support/gateway";
import { TestIdentity, uniqueIdentity } from "../support/identities";
import { startWithPersonas } from "../support/personas";

const MY_APPLICATIONS = "query { myApplications(first: 100) { edges { node { id } } } }";
const MY_DATA = `query { myData { subject identityErasedAt
  applications { id status applicant { fullName nationalId phone email } }
  consents { id status application { id } }
  accessLog(first: 100) { edges { node { consentId applicationId readerKind } } } } }`;
const MY_ACCESS_LOG = "query { myAccessLog(first: 100) { edges { node { consentId applicationId readerKind } } } }";
const ERASE = "mutation { eraseMyData { applicationsWithdrawn consentsTerminated } }";
const LENDER_READ = "query($id: ID!) { lead(id: $id) { application { applicant { fullName nationalId phone email } } } }";
const WITHDRAW = "mutation($id: ID!) { withdrawApplication(id: $id) { status } }";

/**
 * Subjects (the JWT `sub`) and idempotency keys compare byte for byte on every database. MySQL and
 * MariaDB default to case-, accent- and trailing-space-insensitive collations, under which each
 * pair below would be one person; SQLite always compared exactly.
 */
const LOOKALIKES: Array<[string, string, string]> = [
  ["case only", "Case-Subject", "case-subject"],
  ["accent only", "jose", "josé"],
  ["trailing space only", "pad-subject", "pad-subject "],
];

interface Person {
  subject: string;
  token: string;
  identity: TestIdentity;
  applicationId: string;
  consentId: string;
}

describe("subjects and idempotency keys compare exactly", () => {
  let gateway: TestGateway;
  let lender: TestLender;

  beforeAll(async () => {
    ({ gateway, lenders: [lender] } = await startWithPersonas({ lenders: ["Kilo"] }));
  });

  afterAll(async () => gateway?.stop());

  /** Submits, consents to the lender, and has the lender read the identity once (access-log rows). */
  async function person(subject: string): Promise<Person> {
    const token = await gateway.token("applicant", subject);
    const identity = uniqueIdentity();
    const applicationId = await submitApplication(gateway, token, identity);
    const consentId = await choose(gateway, token, applicationId, lender.id, ALL_CATEGORIES);
    expectData(await gateway.request(LENDER_READ, { id: await leadIdFor(gateway, lender, applicationId) }, lender.apiKey));
    return { subject, token, identity, applicationId, consentId };
  }

  describe.each(LOOKALIKES)("two subjects differing by %s", (_difference, firstSubject, secondSubject) => {
    let first: Person;
    let second: Person;

    beforeAll(async () => {
      first = await person(firstSubject);
      second = await person(secondSubject);
    });

    it("each sees only its own applications in myApplications", async () => {
      for (const [me, other] of [[first, second], [second, first]]) {
        const ids = expectData(await gateway.request(MY_APPLICATIONS, {}, me.token)).myApplications.edges.map((edge: any) => edge.node.id);
        expect(ids).toEqual([me.applicationId]);
        expect(ids).not.toContain(other.applicationId);
      }
    });

    it("each gets only its own applications, identity, consents and access log in myData", async () => {
      for (const [me, other] of [[first, second], [second, first]]) {
        const result = await gateway.request(MY_DATA, {}, me.token);
        const data = expectData(result).myData;
        expect(data.subject).toBe(me.subject);
        expect(data.applications).toEqual([{ id: me.applicationId, status: "SUBMITTED", applicant: { ...me.identity } }]);
        expect(data.consents).toEqual([{ id: me.consentId, status: "ACTIVE", application: { id: me.applicationId } }]);
        const log = data.accessLog.edges.map((edge: any) => edge.node);
        // The lender's reads, and this applicant's own (myData reads its identity), of its own application only.
        expect(log.filter((row: any) => row.readerKind === "LENDER")).toHaveLength(ALL_CATEGORIES.length);
        expect(log.filter((row: any) => row.readerKind === "LENDER").every((row: any) => row.consentId === me.consentId)).toBe(true);
        expect(log.every((row: any) => row.applicationId === me.applicationId && row.readerKind !== "ADMIN")).toBe(true);
        for (const value of Object.values(other.identity)) expect(result.text).not.toContain(value);
      }
    });

    it("each sees only the reads of its own identity in myAccessLog", async () => {
      for (const me of [first, second]) {
        const log = expectData(await gateway.request(MY_ACCESS_LOG, {}, me.token)).myAccessLog.edges.map((edge: any) => edge.node);
        const lenders = log.filter((row: any) => row.readerKind === "LENDER");
        expect(lenders).toHaveLength(ALL_CATEGORIES.length);
        expect(lenders.every((row: any) => row.consentId === me.consentId)).toBe(true);
        expect(log.every((row: any) => row.applicationId === me.applicationId)).toBe(true);
      }
    });

    it("the database itself matches each subject exactly, not only the code", async () => {
      for (const me of [first, second]) {
        const applicants = await gateway.dataSource.query("SELECT id FROM applicants WHERE subject = ?", [me.subject]);
        const applications = await gateway.dataSource.query("SELECT id FROM applications WHERE applicant_subject = ?", [me.subject]);
        expect(applicants).toHaveLength(1);
        expect(applications.map((row: { id: string }) => row.id)).toEqual([me.applicationId]);
      }
    });

    it("eraseMyData by one erases its own data and leaves the other's applications, identity and consents", async () => {
      const report = expectData(await gateway.request(ERASE, {}, first.token)).eraseMyData;
      expect(report).toEqual({ applicationsWithdrawn: 1, consentsTerminated: 1 });

      // The positive twin: the eraser's own data is gone.
      const erased = expectData(await gateway.request(MY_DATA, {}, first.token)).myData;
      expect(erased.identityErasedAt).not.toBeNull();
      expect(erased.applications).toEqual([{ id: first.applicationId, status: "WITHDRAWN", applicant: { fullName: null, nationalId: null, phone: null, email: null } }]);

      const kept = expectData(await gateway.request(MY_DATA, {}, second.token)).myData;
      expect(kept.identityErasedAt).toBeNull();
      expect(kept.applications).toEqual([{ id: second.applicationId, status: "SUBMITTED", applicant: { ...second.identity } }]);
      expect(kept.consents).toEqual([{ id: second.consentId, status: "ACTIVE", application: { id: second.applicationId } }]);
    });
  });

  it("retention erasure of one subject leaves a lookalike with an open application untouched", async () => {
    const gone = await person("Retained-Subject");
    const open = await person("retained-subject");
    expectData(await gateway.request(WITHDRAW, { id: gone.applicationId }, gone.token));
    // No API moves time: the closing is moved 400 days back.
    await gateway.dataSource.getRepository(Application).update({ id: gone.applicationId }, { closedAt: new Date(Date.now() - 400 * 86_400_000) });

    expect((await runRetention(gateway.dataSource, new Date(), 365)).applicantsErased).toBe(1);
    expect(expectData(await gateway.request(MY_DATA, {}, gone.token)).myData.identityErasedAt).not.toBeNull();
    const kept = expectData(await gateway.request(MY_DATA, {}, open.token)).myData;
    expect(kept.identityErasedAt).toBeNull();
    expect(kept.applications).toEqual([{ id: open.applicationId, status: "SUBMITTED", applicant: { ...open.identity } }]);
    expect(kept.consents).toEqual([{ id: open.consentId, status: "ACTIVE", application: { id: open.applicationId } }]);
  });

  it("the same idempotency key in another case is another submission, not a replay", async () => {
    const token = await gateway.token("applicant", "key-case");
    const input = applicationInput(uniqueIdentity());
    const upper = expectData(await gateway.request(SUBMIT, { input, key: "Retry-Key" }, token)).submitApplication.id;
    const lower = expectData(await gateway.request(SUBMIT, { input, key: "retry-key" }, token)).submitApplication.id;
    expect(lower).not.toBe(upper);
    // The positive twin: the exact same key still replays.
    expect(expectData(await gateway.request(SUBMIT, { input, key: "Retry-Key" }, token)).submitApplication.id).toBe(upper);
    expect(expectData(await gateway.request(SUBMIT, { input, key: "retry-key" }, token)).submitApplication.id).toBe(lower);
    const ids = expectData(await gateway.request(MY_APPLICATIONS, {}, token)).myApplications.edges.map((edge: any) => edge.node.id);
    expect(ids.sort()).toEqual([upper, lower].sort());
  });
});
