import { QuotaCounter } from "../../src/model/quota-counter.entity";
import { ALL_CATEGORIES, choose, expectData, onboardLender, submitApplication } from "../support/flow";
import { TestGateway, startTestGateway } from "../support/gateway";
import { uniqueIdentity } from "../support/identities";

/**
 * Requests overlap in time; so do their transactions. On MySQL each has its own pooled
 * connection. On SQLite there is one connection (src/common/sqlite-transactions.ts): without
 * lending it to one transaction at a time, a second BEGIN became a savepoint of the first and a
 * plain statement of another request ran inside whichever transaction was open.
 */
describe("overlapping transactions and statements", () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await startTestGateway();
  });

  afterAll(async () => gateway?.stop());

  const counters = () => gateway.dataSource.getRepository(QuotaCounter);
  const row = (key: string) => ({ key, count: 1, expiresAt: new Date(Date.now() + 60_000) });
  const pause = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

  it("a rollback undoes only its own transaction: a concurrent transaction and a plain statement are kept", async () => {
    const failing = gateway.dataSource.transaction(async manager => {
      await manager.getRepository(QuotaCounter).insert(row("overlap:rolled-back"));
      await pause(100);
      throw new Error("this transaction fails after a pause");
    });
    await pause(20);
    const committed = gateway.dataSource.transaction(async manager => {
      await manager.getRepository(QuotaCounter).insert(row("overlap:committed"));
      await pause(20);
    });
    // A plain statement while the failing transaction is open (an access-log insert, a counter).
    const plain = counters().insert(row("overlap:plain"));
    await expect(failing).rejects.toThrow("fails after a pause");
    await committed;
    await plain;
    const keys = (await counters().find()).map(counter => counter.key).filter(key => key.startsWith("overlap:")).sort();
    expect(keys).toEqual(["overlap:committed", "overlap:plain"]);
  });

  it("a plain read does not see another transaction's uncommitted write", async () => {
    let seen: number | undefined;
    const open = gateway.dataSource.transaction(async manager => {
      await manager.getRepository(QuotaCounter).insert(row("overlap:uncommitted"));
      await pause(50);
      throw new Error("rolled back");
    });
    await pause(10);
    seen = await counters().countBy({ key: "overlap:uncommitted" });
    await expect(open).rejects.toThrow("rolled back");
    expect(seen).toBe(0);
    expect(await counters().countBy({ key: "overlap:uncommitted" })).toBe(0);
  });

  it("concurrent submissions and choices over HTTP all succeed, each stored once", async () => {
    const admin = await gateway.token("admin", "ops-overlap");
    const lender = await onboardLender(gateway, admin, "Overlap");
    const applicants = await Promise.all(Array.from({ length: 12 }, (_unused, index) => gateway.token("applicant", `overlap-${index}`)));
    const applicationIds = await Promise.all(applicants.map(token => submitApplication(gateway, token, uniqueIdentity())));
    const consentIds = await Promise.all(applicants.map((token, index) => choose(gateway, token, applicationIds[index], lender.id, ALL_CATEGORIES)));
    expect(new Set(applicationIds).size).toBe(12);
    expect(new Set(consentIds).size).toBe(12);
    const page = expectData(await gateway.request("query { leads(first: 50) { edges { node { status application { id } } } } }", {}, lender.apiKey));
    const chosen = page.leads.edges.filter((edge: any) => applicationIds.includes(edge.node.application.id));
    expect(chosen.map((edge: any) => edge.node.status)).toEqual(Array(12).fill("CHOSEN"));
  });
});
