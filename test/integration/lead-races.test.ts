import { QueryRunner } from "typeorm";
import { PiiCategory } from "../../src/model/pii-category";
import { TestLender, choose, expectData, leadIdFor, submitApplication } from "../support/flow";
import { GraphQLResult, TestGateway } from "../support/gateway";
import { uniqueIdentity } from "../support/identities";
import { startWithPersonas } from "../support/personas";
import { OUTCOME } from "../support/documents";

declare const __DATABASE_KIND__: "sqlite" | "mysql";

/**
 * Lenders racing on one application, made deterministic as in races.test.ts: the test holds a
 * competing change uncommitted in its own transaction while the request waits on a row. MySQL
 * only: SQLite runs one writer at a time, so there is no interleaving to test.
 */
const onMysql = typeof __DATABASE_KIND__ === "string" && __DATABASE_KIND__ === "mysql" ? describe : describe.skip;

const OFFER = "mutation($input: MakeOfferInput!) { makeOffer(input: $input) { id apr amount termMonths lead { status } } }";

const codes = (result: GraphQLResult) => (result.body.errors ?? []).map(error => error.extensions?.code);
const pause = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));
/** Long enough for a request to pass its first checks and wait on a row the test holds. */
const SETTLE_MS = 500;

onMysql("lead races with a concurrent transaction (MySQL)", () => {
  let gateway: TestGateway;
  let admin: string;
  let alice: string;
  let alpha: TestLender;
  let bravo: TestLender;

  beforeAll(async () => {
    ({ gateway, admin, applicant: alice, lenders: [alpha, bravo] } = await startWithPersonas({ lenders: ["Alpha", "Bravo"] }));
  });

  afterAll(async () => gateway?.stop());

  /** An application both lenders were chosen for. */
  async function chosenByBoth() {
    const applicationId = await submitApplication(gateway, alice, uniqueIdentity());
    const alphaLead = await leadIdFor(gateway, alpha, applicationId);
    const bravoLead = await leadIdFor(gateway, bravo, applicationId);
    const alphaConsent = await choose(gateway, alice, applicationId, alpha.id, [PiiCategory.PHONE]);
    await choose(gateway, alice, applicationId, bravo.id, [PiiCategory.PHONE]);
    return { applicationId, alphaLead, bravoLead, alphaConsent };
  }

  async function withRunner<T>(work: (runner: QueryRunner) => Promise<T>): Promise<T> {
    const runner = gateway.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      return await work(runner);
    } finally {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      await runner.release();
    }
  }

  it("FUNDED racing withdrawApplication (which locks the application first) is refused with BAD_USER_INPUT, no deadlock", async () => {
    const { applicationId, alphaLead } = await chosenByBoth();
    const { answer, deadlock } = await withRunner(async runner => {
      // withdrawApplication's order: the application, then its leads, then its consents.
      await runner.query("UPDATE applications SET status = 'WITHDRAWN', closed_at = ? WHERE id = ? AND status = 'SUBMITTED'", [new Date(), applicationId]);
      const answer = gateway.request(OUTCOME, { input: { leadId: alphaLead, outcome: "FUNDED", fundedAmount: 50_000 } }, alpha.apiKey);
      await pause(SETTLE_MS);
      let deadlock: unknown = null;
      try {
        await runner.query("UPDATE leads SET status = 'CLOSED', updated_at = ? WHERE application_id = ? AND status NOT IN ('DECLINED', 'FUNDED', 'CLOSED')", [new Date(), applicationId]);
        await runner.query("UPDATE consents SET status = 'TERMINATED', ended_at = ?, ended_by = 'SYSTEM', end_reason = 'APPLICATION_WITHDRAWN' WHERE application_id = ? AND status = 'ACTIVE'", [new Date(), applicationId]);
        await runner.commitTransaction();
      } catch (error) {
        deadlock = (error as { code?: string }).code ?? error;
      }
      return { answer: await answer, deadlock };
    });
    expect(deadlock).toBeNull();
    expect(codes(answer)).toEqual(["BAD_USER_INPUT"]);
    // On leadId (the application is no longer open), not on outcome (the lead's own state).
    expect(answer.body.errors?.[0].extensions?.field).toBe("leadId");
    const [lead] = await gateway.dataSource.query("SELECT status, funded_amount FROM leads WHERE id = ?", [alphaLead]);
    expect(lead).toEqual({ status: "CLOSED", funded_amount: null });
  });

  it("positive twin: with the withdrawal rolled back instead, FUNDED goes through", async () => {
    const { applicationId, alphaLead } = await chosenByBoth();
    const answer = await withRunner(async runner => {
      await runner.query("UPDATE applications SET status = 'WITHDRAWN', closed_at = ? WHERE id = ?", [new Date(), applicationId]);
      const answer = gateway.request(OUTCOME, { input: { leadId: alphaLead, outcome: "FUNDED", fundedAmount: 50_000 } }, alpha.apiKey);
      await pause(SETTLE_MS);
      await runner.rollbackTransaction();
      return answer;
    });
    expect(expectData(answer).reportOutcome).toEqual({ id: alphaLead, status: "FUNDED", fundedAmount: 50_000 });
  });

  it("two lenders reporting FUNDED at once: one is answered, the other BAD_USER_INPUT, never an internal error", async () => {
    for (let round = 0; round < 5; round += 1) {
      const { applicationId, alphaLead, bravoLead } = await chosenByBoth();
      const answers = await Promise.all([
        gateway.request(OUTCOME, { input: { leadId: alphaLead, outcome: "FUNDED", fundedAmount: 50_000 } }, alpha.apiKey),
        gateway.request(OUTCOME, { input: { leadId: bravoLead, outcome: "FUNDED", fundedAmount: 50_000 } }, bravo.apiKey),
      ]);
      expect(answers.map(codes).sort()).toEqual([[], ["BAD_USER_INPUT"]]);
      const rows: Array<{ status: string }> = await gateway.dataSource.query("SELECT status FROM leads WHERE application_id = ? ORDER BY status", [applicationId]);
      expect(rows.map(row => row.status)).toEqual(["CLOSED", "FUNDED"]);
    }
  });

  it("a consent withdrawal in flight when FUNDED runs wins: FORBIDDEN CONSENT_WITHDRAWN, nothing funded", async () => {
    const { applicationId, alphaLead, alphaConsent } = await chosenByBoth();
    const answer = await withRunner(async runner => {
      // What withdrawConsent does; it does not lock the application.
      await runner.query("UPDATE consents SET status = 'WITHDRAWN', ended_at = ?, ended_by = 'APPLICANT', end_reason = 'APPLICANT_WITHDREW' WHERE id = ?", [new Date(), alphaConsent]);
      const answer = gateway.request(OUTCOME, { input: { leadId: alphaLead, outcome: "FUNDED", fundedAmount: 50_000 } }, alpha.apiKey);
      await pause(SETTLE_MS);
      await runner.commitTransaction();
      return answer;
    });
    expect(answer.body.errors?.map(error => [error.extensions?.code, error.extensions?.reason])).toEqual([["FORBIDDEN", "CONSENT_WITHDRAWN"]]);
    const [application] = await gateway.dataSource.query("SELECT status FROM applications WHERE id = ?", [applicationId]);
    expect(application.status).toBe("SUBMITTED");
    const [lead] = await gateway.dataSource.query("SELECT status FROM leads WHERE id = ?", [alphaLead]);
    expect(lead.status).toBe("CHOSEN");
  });

  it("a deadlock is re-run inside the gateway: the report is answered, written once, nothing of the failed attempt kept", async () => {
    const { applicationId, alphaLead } = await chosenByBoth();
    const answer = await withRunner(async runner => {
      // The reverse lock order (the lead, then the application), which no gateway path takes.
      // The rows written to quota_counters (rolled back below) make this transaction the
      // heavier one, so InnoDB rolls back the request rather than the test.
      await runner.query("UPDATE leads SET updated_at = ? WHERE id = ?", [new Date(), alphaLead]);
      for (let i = 0; i < 20; i += 1) {
        await runner.query("INSERT INTO quota_counters (counter_key, count, expires_at) VALUES (?, 1, ?)", [`lead-races-${applicationId}-${i}`, new Date(Date.now() + 60_000)]);
      }
      const answer = gateway.request(OUTCOME, { input: { leadId: alphaLead, outcome: "FUNDED", fundedAmount: 50_000 } }, alpha.apiKey);
      await pause(SETTLE_MS);
      await runner.query("UPDATE applications SET closed_at = NULL WHERE id = ?", [applicationId]);
      await runner.rollbackTransaction();
      return answer;
    });
    // InnoDB rolled the request's transaction back; the gateway ran it again (src/database/transaction-retry.ts)
    // once the outside transaction was gone. Running out of attempts is test/integration/transaction-retry.test.ts.
    expect(expectData(answer).reportOutcome.status).toBe("FUNDED");
    expect(answer.text).not.toMatch(/deadlock|ER_LOCK|SELECT|UPDATE/i);
    const rows: Array<{ status: string }> = await gateway.dataSource.query("SELECT status FROM leads WHERE application_id = ? ORDER BY status", [applicationId]);
    expect(rows.map(row => row.status)).toEqual(["CLOSED", "FUNDED"]);
  });

  it("makeOffer racing a first offer on the same NEW lead (a client retry) is answered, never an internal error; one offer", async () => {
    const applicationId = await submitApplication(gateway, alice, uniqueIdentity());
    const lead = await leadIdFor(gateway, alpha, applicationId);
    const terms = { apr: 12, amount: 40_000, termMonths: 12 };
    const answer = await withRunner(async runner => {
      // What the first makeOffer does in its transaction: insert the offer, move the lead.
      await runner.query("INSERT INTO offers (id, lead_id, apr, amount, term_months, expires_at, created_at) VALUES (?, ?, ?, ?, ?, NULL, ?)",
        ["00000000-0000-4000-8000-000000000001", lead, terms.apr, terms.amount, terms.termMonths, new Date()]);
      await runner.query("UPDATE leads SET status = 'OFFERED', updated_at = ? WHERE id = ? AND status = 'NEW'", [new Date(), lead]);
      const answer = gateway.request(OFFER, { input: { leadId: lead, ...terms } }, alpha.apiKey);
      await pause(SETTLE_MS);
      await runner.commitTransaction();
      return answer;
    });
    expect(expectData(answer).makeOffer).toEqual({ id: "00000000-0000-4000-8000-000000000001", ...terms, lead: { status: "OFFERED" } });
    expect(await gateway.dataSource.query("SELECT id FROM offers WHERE lead_id = ?", [lead])).toHaveLength(1);
  });
});
