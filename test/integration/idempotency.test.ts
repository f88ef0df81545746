import { ApplicantRecord } from "../../src/model/applicant.entity";
import { Application } from "../../src/model/application.entity";
import { Lead } from "../../src/model/lead.entity";
import { TestGateway } from "../support/gateway";
import { uniqueIdentity } from "../support/identities";
import { SUBMIT } from "../support/documents";
import { TestLender, applicationInput, expectData } from "../support/flow";
import { startWithPersonas } from "../support/personas";

/** submitApplication is idempotent per (applicant, idempotencyKey); another payload under a used key conflicts. */
describe("submitApplication idempotency over HTTP", () => {
  let gateway: TestGateway;
  let admin: string;
  let lenders: TestLender[];

  /** The rows a submission writes, whole: a replay or a conflict must leave them exactly as they were. */
  async function writtenRows() {
    const all = async <T extends { id: string }>(entity: new () => T) =>
      gateway.dataSource.getRepository<T>(entity).find({ order: { id: "ASC" } as never });
    return { applicants: await all(ApplicantRecord), applications: await all(Application), leads: await all(Lead) };
  }

  async function submit(token: string, input: Record<string, unknown>, key: string): Promise<string> {
    return expectData(await gateway.request(SUBMIT, { input, key }, token)).submitApplication.id;
  }

  beforeAll(async () => {
    ({ gateway, admin, lenders } = await startWithPersonas({ lenders: ["Alpha", "Beta"] }));
  });

  afterAll(async () => gateway?.stop());

  it("a retry with the same key and payload returns the same application and writes nothing", async () => {
    const carol = await gateway.token("applicant", "carol");
    const input = applicationInput(uniqueIdentity("19900307"));
    const first = await submit(carol, input, "order-1");
    const afterFirst = await writtenRows();
    expect(afterFirst.leads.filter(lead => lead.applicationId === first)).toHaveLength(lenders.length);

    expect(await submit(carol, input, "order-1")).toBe(first);
    // The payload is compared as normalized, so the frontend may resend the phone as it was typed.
    expect(await submit(carol, { ...input, phone: `+86 ${input.phone}` }, "order-1")).toBe(first);
    expect(await writtenRows()).toEqual(afterFirst);
  });

  it("the same key with another payload is IDEMPOTENCY_CONFLICT and writes nothing", async () => {
    const dave = await gateway.token("applicant", "dave");
    const identity = uniqueIdentity("19870721");
    const input = applicationInput(identity);
    await submit(dave, input, "order-1");
    const before = await writtenRows();

    const changes = [{ amount: 60000 }, { purpose: "CAR" }, { phone: "13800138000" }, { email: "another@example.com" }];
    for (const change of changes) {
      const result = await gateway.request(SUBMIT, { input: { ...input, ...change }, key: "order-1" }, dave);
      expect(result.body.errors?.map(error => error.extensions?.code)).toEqual(["IDEMPOTENCY_CONFLICT"]);
      for (const value of [...Object.values(identity), ...Object.values(change).map(String)]) expect(result.text).not.toContain(value);
    }
    // Nothing written, the applicant's identity on file included.
    expect(await writtenRows()).toEqual(before);
  });

  it("another applicant's use of the same key is independent", async () => {
    const erin = await gateway.token("applicant", "erin");
    const frank = await gateway.token("applicant", "frank");
    const erinApplication = await submit(erin, applicationInput(uniqueIdentity("19800101")), "shared-key");
    const before = await writtenRows();

    const frankApplication = await submit(frank, applicationInput(uniqueIdentity("19811111")), "shared-key");
    expect(frankApplication).not.toBe(erinApplication);
    const after = await writtenRows();
    expect(after.applications).toHaveLength(before.applications.length + 1);
    expect(after.leads.filter(lead => lead.applicationId === frankApplication)).toHaveLength(lenders.length);
    expect(after.applications.find(application => application.id === erinApplication)).toEqual(
      before.applications.find(application => application.id === erinApplication),
    );
  });

  it.each([
    ["a first-time applicant", false],
    ["an applicant already on file", true],
  ])("five concurrent identical submissions by %s yield one application", async (_name, alreadyOnFile) => {
    const subject = `concurrent-${alreadyOnFile ? "known" : "new"}`;
    const token = await gateway.token("applicant", subject);
    const input = applicationInput(uniqueIdentity("19950615"));
    if (alreadyOnFile) await submit(token, input, "earlier-order");
    const before = await writtenRows();

    const results = await Promise.all(Array.from({ length: 5 }, () => gateway.request(SUBMIT, { input, key: "double-click" }, token)));
    const ids = results.map(result => expectData(result).submitApplication.id as string);
    expect(new Set(ids).size).toBe(1);

    const after = await writtenRows();
    // One identity row per application: exactly one new row, the losers' rolled back with them.
    expect(after.applicants).toHaveLength(before.applicants.length + 1);
    const application = after.applications.find(row => row.id === ids[0])!;
    expect(after.applicants.filter(row => row.subject === subject && !before.applicants.some(old => old.id === row.id)).map(row => row.id))
      .toEqual([application.applicantId]);
    expect(after.applications.filter(row => row.applicantSubject === subject && row.idempotencyKey === "double-click").map(row => row.id))
      .toEqual([ids[0]]);
    expect(after.applications).toHaveLength(before.applications.length + 1);
    expect(after.leads).toHaveLength(before.leads.length + lenders.length);
  });

  it("a replay with another monthly income is IDEMPOTENCY_CONFLICT though the income itself is not stored", async () => {
    const gina = await gateway.token("applicant", "gina");
    const identity = uniqueIdentity("19920202");
    const input = applicationInput(identity, { monthlyIncome: 12000 });
    const first = await submit(gina, input, "order-income");
    const before = await writtenRows();
    expect(Object.keys(before.applications.find(row => row.id === first)!)).not.toContain("monthlyIncome");

    // Within the same band (12 000 and 12 001 are both 10000_19999), and across bands.
    for (const monthlyIncome of [12001, 55000]) {
      const result = await gateway.request(SUBMIT, { input: { ...input, monthlyIncome }, key: "order-income" }, gina);
      expect(result.body.errors?.map(error => error.extensions?.code)).toEqual(["IDEMPOTENCY_CONFLICT"]);
      expect(result.text).not.toContain(String(monthlyIncome));
    }
    expect(await writtenRows()).toEqual(before);
    // Positive twin: the same income replays to the same application.
    expect(await submit(gina, input, "order-income")).toBe(first);
  });
});
