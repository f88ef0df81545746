import { createConnection, type Connection } from "mysql2/promise";
import { QuotaCounter } from "../../src/model/quota-counter.entity";
import { Consent } from "../../src/model/consent.entity";
import { TRANSACTION_ATTEMPTS, backoffMs } from "../../src/database/transaction-retry";
import { runWithinRequest } from "../../src/common/deadline";
import { ALL_CATEGORIES, choose, expectData, leadIdFor, onboardLender, submitApplication } from "../support/flow";
import { WITHDRAW_CONSENT } from "../support/documents";
import { TestGateway, startTestGateway } from "../support/gateway";
import { uniqueIdentity } from "../support/identities";

declare const __DATABASE_KIND__: "sqlite" | "mysql";
const onMysql = typeof __DATABASE_KIND__ === "string" && __DATABASE_KIND__ === "mysql";
const pause = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/**
 * InnoDB (and Galera, for a certification conflict) rolls a deadlocked transaction back and
 * asks the application to run it again; the gateway does, a few times, before anyone is told
 * SERVICE_UNAVAILABLE. Real deadlocks between real connections: SQLite has none to provoke.
 */
(onMysql ? describe : describe.skip)("transactions the engine rolled back as a deadlock are re-run", () => {
  let gateway: TestGateway;
  let outside: Connection;

  beforeAll(async () => {
    gateway = await startTestGateway();
    outside = await createConnection(gateway.databaseUrl);
  });

  afterAll(async () => {
    await outside?.end();
    await gateway?.stop();
  });

  const retries = async (operation: string) => {
    const text = await (await fetch(new URL("/metrics", gateway.url))).text();
    const line = text.split("\n").find(entry => entry.startsWith(`gateway_transaction_retries_total{operation="${operation}"}`));
    return line ? Number(line.split(" ").pop()) : 0;
  };

  it("two transactions locking two rows in opposite orders both commit, each write once", async () => {
    const counters = gateway.dataSource.getRepository(QuotaCounter);
    const expiresAt = new Date(Date.now() + 600_000);
    await counters.insert([{ key: "deadlock:a", count: 0, expiresAt }, { key: "deadlock:b", count: 0, expiresAt }]);
    const attempts: Record<string, number> = { forward: 0, backward: 0 };
    const before = await retries("background");
    const run = (name: string, first: string, second: string) => gateway.dataSource.transaction(async manager => {
      attempts[name] += 1;
      await manager.query("UPDATE quota_counters SET count = count + 1 WHERE counter_key = ?", [first]);
      await pause(150);
      await manager.query("UPDATE quota_counters SET count = count + 1 WHERE counter_key = ?", [second]);
      await manager.getRepository(QuotaCounter).insert({ key: `deadlock:written-by-${name}`, count: 1, expiresAt });
    });
    await Promise.all([run("forward", "deadlock:a", "deadlock:b"), run("backward", "deadlock:b", "deadlock:a")]);
    // One of them was the deadlock's victim and ran again; its first attempt left nothing behind.
    expect(attempts.forward + attempts.backward).toBeGreaterThanOrEqual(3);
    expect(await retries("background")).toBeGreaterThan(before);
    const rows = await counters.find({ order: { key: "ASC" } });
    expect(rows.filter(row => row.key.startsWith("deadlock:")).map(row => [row.key, row.count])).toEqual([
      ["deadlock:a", 2], ["deadlock:b", 2], ["deadlock:written-by-backward", 1], ["deadlock:written-by-forward", 1],
    ]);
  });

  it("a withdrawal that deadlocks with an outside transaction is re-run and answered, written once", async () => {
    const admin = await gateway.token("admin", "ops-retry");
    const lender = await onboardLender(gateway, admin, "RetryLender", ALL_CATEGORIES);
    const applicant = await gateway.token("applicant", "applicant-retry");
    const applicationId = await submitApplication(gateway, applicant, uniqueIdentity());
    const consentId = await choose(gateway, applicant, applicationId, lender.id, ALL_CATEGORIES);
    const leadId = await leadIdFor(gateway, lender, applicationId);
    const before = await retries("withdrawConsent");

    // The outside transaction holds the consent and is made the heavier one (many rows written),
    // so InnoDB picks the gateway's withdrawal as the deadlock's victim.
    await outside.query("START TRANSACTION");
    await outside.query("SELECT id FROM consents WHERE id = ? FOR UPDATE", [consentId]);
    const expiresAt = new Date(Date.now() + 600_000);
    for (let batch = 0; batch < 5; batch += 1) {
      await outside.query("INSERT INTO quota_counters (counter_key, count, expires_at) VALUES ?",
        [Array.from({ length: 40 }, (_unused, row) => [`retry-weight:${batch}:${row}`, 1, expiresAt])]);
    }
    // The withdrawal writes the lead, then waits for the consent the outside transaction holds.
    const withdrawal = gateway.request(WITHDRAW_CONSENT, { id: consentId }, applicant);
    const probe = await createConnection(gateway.databaseUrl);
    try {
      for (let tries = 0; ; tries += 1) {
        if (tries > 200) throw new Error("the withdrawal never took the lead's lock");
        await probe.query("SET SESSION innodb_lock_wait_timeout = 1");
        const locked = await probe.query("SELECT id FROM leads WHERE id = ? FOR UPDATE NOWAIT", [leadId]).then(() => false, () => true);
        await probe.query("ROLLBACK");
        if (locked) break;
        await pause(10);
      }
    } finally {
      await probe.end();
    }
    // Closing the cycle: the outside transaction now wants the lead the withdrawal holds.
    await outside.query("UPDATE leads SET updated_at = updated_at WHERE id = ?", [leadId]);
    await outside.query("COMMIT");

    const answered = await withdrawal;
    expect(expectData(answered).withdrawConsent).toMatchObject({ id: consentId, status: "WITHDRAWN" });
    expect(await retries("withdrawConsent")).toBeGreaterThan(before);
    // The first attempt was rolled back whole: one consent, ended once, by the applicant.
    const consents = await gateway.dataSource.getRepository(Consent).findBy({ applicationId });
    expect(consents.map(consent => [consent.id, consent.storedStatus, consent.endReasonStored])).toEqual([[consentId, "WITHDRAWN", "APPLICANT_WITHDREW"]]);
  });
});

describe("the bounds of the re-runs", () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await startTestGateway();
  });

  afterAll(async () => gateway?.stop());

  /** A transaction on the real database whose callback ends, every time, as the engine ends a deadlocked one. */
  const alwaysConflicting = (attempts: { count: number }, workMs = 0) => gateway.dataSource.transaction(async manager => {
    attempts.count += 1;
    await manager.query("SELECT 1");
    await pause(workMs);
    throw Object.assign(new Error("Deadlock found when trying to get lock"), { code: "ER_LOCK_DEADLOCK", errno: 1213 });
  });

  it("a conflict that persists is thrown after TRANSACTION_ATTEMPTS attempts, as it came", async () => {
    const attempts = { count: 0 };
    await expect(alwaysConflicting(attempts)).rejects.toMatchObject({ code: "ER_LOCK_DEADLOCK" });
    expect(attempts.count).toBe(TRANSACTION_ATTEMPTS);
  });

  it("in a request, no re-run starts that could not finish before its deadline", async () => {
    const attempts = { count: 0 };
    const scope = { deadlineAt: Date.now() + 250, operation: () => "withdrawConsent" };
    await expect(runWithinRequest(scope, () => alwaysConflicting(attempts, 100))).rejects.toMatchObject({ code: "ER_LOCK_DEADLOCK" });
    expect(attempts.count).toBeGreaterThanOrEqual(1);
    expect(attempts.count).toBeLessThanOrEqual(2);
  });

  it("positive twin: another error is not re-run", async () => {
    let attempts = 0;
    await expect(gateway.dataSource.transaction(async () => {
      attempts += 1;
      throw new Error("not a conflict");
    })).rejects.toThrow("not a conflict");
    expect(attempts).toBe(1);
  });

  it("a lock-wait timeout is re-run; a commit whose outcome is unknown never is (it may have committed)", async () => {
    const thrown = (error: object) => async () => {
      let attempts = 0;
      await gateway.dataSource.transaction(async () => {
        attempts += 1;
        if (attempts === 1) throw Object.assign(new Error("driver error"), error);
      }).catch(() => undefined);
      return attempts;
    };
    await expect(thrown({ code: "ER_LOCK_WAIT_TIMEOUT", errno: 1205 })()).resolves.toBe(2);
    for (const unknownOutcome of [
      { code: "ER_ERROR_DURING_COMMIT", errno: 1180 },
      { code: "PROTOCOL_CONNECTION_LOST", fatal: true },
      { code: "ECONNRESET", fatal: true },
    ]) {
      await expect(thrown(unknownOutcome)()).resolves.toBe(1);
    }
  });
});

describe("the backoff between re-runs", () => {
  it("is a random wait, growing with each retry and capped", () => {
    expect(backoffMs(1, () => 0.999)).toBeLessThan(20);
    expect(backoffMs(3, () => 0.999)).toBeGreaterThanOrEqual(79);
    expect(backoffMs(10, () => 0.999)).toBeLessThan(400);
    expect(backoffMs(2, () => 0)).toBe(0);
  });
});
