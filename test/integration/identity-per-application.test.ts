import { ApplicantRecord } from "../../src/model/applicant.entity";
import { Application } from "../../src/model/application.entity";
import { PiiCategory } from "../../src/model/pii-category";
import { SUBMIT } from "../support/documents";
import { TestLender, applicationInput, choose, expectData, leadIdFor, onboardLender } from "../support/flow";
import { TestGateway, startTestGateway } from "../support/gateway";
import { TestIdentity, uniqueIdentity } from "../support/identities";
import { startWithPersonas } from "../support/personas";
import { ERASE } from "../support/documents";

const LENDER_READ = "query($id: ID!) { lead(id: $id) { application { id applicant { fullName nationalId phone email } } } }";
const LENDER_PAGE = "query { leads(first: 100) { edges { node { application { id applicant { fullName nationalId phone email } } } } } }";
const MINE = "query { myApplications(first: 100) { edges { node { id applicant { fullName nationalId phone email } } } } }";
const MY_ACCESS_LOG = "query { myAccessLog(first: 100) { edges { node { applicationId field outcome reason readerKind lender { id } } } } }";
const NAME_AND_PHONE = [PiiCategory.NAME, PiiCategory.PHONE];

const values = (identity: TestIdentity) => [identity.fullName, identity.nationalId, identity.phone, identity.email];
const codes = (result: { body: { errors?: Array<{ extensions?: Record<string, unknown> }> } }) =>
  new Set(result.body.errors?.map(error => `${error.extensions?.code}:${error.extensions?.reason}`));

/**
 * Identity resolves for (that application, that lender, that category): what a lender reads
 * through application X is exactly what was submitted with X, never what the same person
 * submitted later with another application (one identity row per application).
 */
describe("identity is the one submitted with the application it is read through", () => {
  let gateway: TestGateway;
  let lima: TestLender;
  let mike: TestLender;
  let alice: string;
  const first = uniqueIdentity();
  const second = uniqueIdentity();
  const third = uniqueIdentity();
  let a1: string;
  let a2: string;
  let a3: string;

  async function submit(identity: TestIdentity, key: string, overrides: Record<string, unknown> = {}): Promise<string> {
    return expectData(await gateway.request(SUBMIT, { input: applicationInput(identity, overrides), key }, alice)).submitApplication.id;
  }

  beforeAll(async () => {
    // Lima takes loans up to 100 000 only, so it gets no lead on A2.
    ({ gateway, applicant: alice, lenders: [lima, mike] } = await startWithPersonas({
      lenders: [{ name: "Lima", criteria: { minAmount: 1000, maxAmount: 100000, minTermMonths: 1, maxTermMonths: 60 } }, "Mike"],
    }));
    a1 = await submit(first, "a1");
    await choose(gateway, alice, a1, lima.id, NAME_AND_PHONE);
    // Another name and phone, nothing released to Lima: A2 has no Lima lead, A3 a lead but no consent.
    a2 = await submit(second, "a2", { amount: 200000 });
    await choose(gateway, alice, a2, mike.id, NAME_AND_PHONE);
    a3 = await submit(third, "a3");
  });

  afterAll(async () => gateway?.stop());

  it("the lender chosen on A1 reads A1's name and phone, and nothing submitted with A2 or A3", async () => {
    const result = await gateway.request(LENDER_READ, { id: await leadIdFor(gateway, lima, a1) }, lima.apiKey);
    expect(result.body.data?.lead.application).toEqual({
      id: a1, applicant: { fullName: first.fullName, nationalId: null, phone: first.phone, email: null },
    });
    expect(codes(result)).toEqual(new Set(["FORBIDDEN:CATEGORY_NOT_CONSENTED"]));
    for (const value of [...values(second), ...values(third)]) expect(result.text).not.toContain(value);
  });

  it("its whole lead page holds A1's values only: A3 (lead, no consent) resolves nothing", async () => {
    const result = await gateway.request(LENDER_PAGE, {}, lima.apiKey);
    const applications = result.body.data?.leads.edges.map((edge: any) => edge.node.application);
    expect(applications.map((application: any) => application.id).sort()).toEqual([a1, a3].sort());
    expect(applications.find((application: any) => application.id === a3).applicant)
      .toEqual({ fullName: null, nationalId: null, phone: null, email: null });
    expect(applications.find((application: any) => application.id === a1).applicant.phone).toBe(first.phone);
    for (const value of [...values(second), ...values(third)]) expect(result.text).not.toContain(value);
  });

  it("the lender chosen on A2 reads A2's values, never A1's (the twin in the other direction)", async () => {
    const result = await gateway.request(LENDER_READ, { id: await leadIdFor(gateway, mike, a2) }, mike.apiKey);
    expect(result.body.data?.lead.application.applicant).toEqual({ fullName: second.fullName, nationalId: null, phone: second.phone, email: null });
    for (const value of [...values(first), ...values(third)]) expect(result.text).not.toContain(value);
  });

  it("the applicant sees every application with the identity submitted with it", async () => {
    const mine = expectData(await gateway.request(MINE, {}, alice)).myApplications.edges.map((edge: any) => edge.node);
    expect(Object.fromEntries(mine.map((node: any) => [node.id, node.applicant]))).toEqual({
      [a1]: { ...first }, [a2]: { ...second }, [a3]: { ...third },
    });
  });

  it("the access log of every application reaches the applicant, each read logged on its own application", async () => {
    const rows = expectData(await gateway.request(MY_ACCESS_LOG, {}, alice)).myAccessLog.edges.map((edge: any) => edge.node)
      .filter((row: any) => row.readerKind === "LENDER");
    const granted = rows.filter((row: any) => row.outcome === "GRANTED").map((row: any) => `${row.lender.id}:${row.applicationId}:${row.field}`);
    expect(new Set(granted)).toEqual(new Set([
      `${lima.id}:${a1}:fullName`, `${lima.id}:${a1}:phone`, `${mike.id}:${a2}:fullName`, `${mike.id}:${a2}:phone`,
    ]));
    expect(rows.filter((row: any) => row.applicationId === a3).every((row: any) => row.reason === "NO_CONSENT")).toBe(true);
  });

  it("a replay writes no new identity row, and concurrent duplicates yield one application with one row", async () => {
    const rowsBefore = await gateway.dataSource.getRepository(ApplicantRecord).countBy({ subject: "alice" });
    expect(rowsBefore).toBe(3);
    expect(await submit(first, "a1")).toBe(a1);
    const fourth = uniqueIdentity();
    const results = await Promise.all(Array.from({ length: 4 }, () => gateway.request(SUBMIT, { input: applicationInput(fourth), key: "a4" }, alice)));
    const ids = new Set(results.map(result => expectData(result).submitApplication.id));
    expect(ids.size).toBe(1);
    expect(await gateway.dataSource.getRepository(ApplicantRecord).countBy({ subject: "alice" })).toBe(4);
    const a4 = await gateway.dataSource.getRepository(Application).findOneByOrFail({ id: [...ids][0] });
    expect(a4.applicantSubject).toBe("alice");
    // A1 still reads as submitted after the later submissions.
    const read = await gateway.request(LENDER_READ, { id: await leadIdFor(gateway, lima, a1) }, lima.apiKey);
    expect(read.body.data?.lead.application.applicant).toEqual({ fullName: first.fullName, nationalId: null, phone: first.phone, email: null });
    for (const value of [...values(second), ...values(third), ...values(fourth)]) expect(read.text).not.toContain(value);
  });

  it("erasure erases every identity row of the person, and is idempotent", async () => {
    const report = expectData(await gateway.request(ERASE, {}, alice)).eraseMyData;
    expect(report).toMatchObject({ alreadyErased: false, applicationsWithdrawn: 4 });
    const rows = await gateway.dataSource.getRepository(ApplicantRecord).findBy({ subject: "alice" });
    expect(rows).toHaveLength(4);
    expect(rows.every(row => row.erasedAt !== null && row.fullNameSealed === null && row.phoneSealed === null && row.nationalIdHash === null)).toBe(true);
    expect(expectData(await gateway.request(ERASE, {}, alice)).eraseMyData).toMatchObject({ alreadyErased: true, applicationsWithdrawn: 0 });
  });
});

describe("the migration detaches applications that shared one identity row", () => {
  let gateway: TestGateway;
  let lima: TestLender;

  beforeAll(async () => {
    gateway = await startTestGateway();
    lima = await onboardLender(gateway, await gateway.token("admin", "ops-1"), "Lima");
  });

  afterAll(async () => gateway?.stop());

  it("older applications lose the later submission's identity (fail closed); the newest keeps its own", async () => {
    const bob = await gateway.token("applicant", "bob-legacy");
    const old = uniqueIdentity();
    const latest = uniqueIdentity();
    const submit = async (identity: TestIdentity, key: string) =>
      expectData(await gateway.request(SUBMIT, { input: applicationInput(identity), key }, bob)).submitApplication.id as string;
    const older = await submit(old, "old");
    await choose(gateway, bob, older, lima.id, NAME_AND_PHONE);
    const newer = await submit(latest, "new");
    // Rebuild the state before the fix: one row per person, holding the latest submission's identity.
    const source = gateway.dataSource;
    const rowOf = async (id: string) => (await source.getRepository(Application).findOneByOrFail({ id })).applicantId;
    const [olderRow, newerRow] = [await rowOf(older), await rowOf(newer)];
    await source.getRepository(Application).update({ id: older }, { applicantId: newerRow });
    await source.getRepository(ApplicantRecord).delete({ id: olderRow });
    // No transaction: SQLite ignores `PRAGMA foreign_keys = OFF` inside one, and down rebuilds a referenced table.
    // Back to before the migration under test (the later ones are undone and run again too).
    for (;;) {
      const [last] = await source.query("SELECT name FROM migrations ORDER BY timestamp DESC LIMIT 1");
      await source.undoLastMigration({ transaction: "none" });
      if (last.name === "IdentityPerApplication1764600000000") break;
    }
    await source.runMigrations();

    const applications = await source.getRepository(Application).findBy({ applicantSubject: "bob-legacy" });
    expect(applications).toHaveLength(2);
    const detached = await source.getRepository(ApplicantRecord).findOneByOrFail({ id: await rowOf(older) });
    expect(detached).toMatchObject({ subject: "bob-legacy", fullNameSealed: null, phoneSealed: null, nationalIdHash: null });
    expect(detached.erasedAt).not.toBeNull();
    expect(await rowOf(newer)).toBe(newerRow);

    const result = await gateway.request(LENDER_READ, { id: await leadIdFor(gateway, lima, older) }, lima.apiKey);
    expect(result.body.data?.lead.application.applicant).toEqual({ fullName: null, nationalId: null, phone: null, email: null });
    for (const value of values(latest)) expect(result.text).not.toContain(value);
    // Positive twin: the newest application still resolves its own identity for its owner.
    const mine = expectData(await gateway.request(MINE, {}, bob)).myApplications.edges.map((edge: any) => edge.node);
    expect(mine.find((node: any) => node.id === newer).applicant).toEqual({ ...latest });
  });
});
