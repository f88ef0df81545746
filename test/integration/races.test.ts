import { QueryRunner } from "typeorm";
import { CHOOSE } from "../support/documents";
import { ALL_CATEGORIES, TestLender, expectData, onboardLender, submitApplication } from "../support/flow";
import { GraphQLResult, TestGateway } from "../support/gateway";
import { uniqueIdentity } from "../support/identities";
import { startWithPersonas } from "../support/personas";

declare const __DATABASE_KIND__: "sqlite" | "mysql";

/**
 * Two writers racing, made deterministic: the test holds a concurrent change uncommitted in
 * its own transaction (what a suspension or a FUNDED report does in the middle of its
 * transaction), sends the competing request over HTTP, lets it reach the row and wait, then
 * commits. MySQL only: SQLite runs one writer at a time, so there is no interleaving to test.
 */
const onMysql = typeof __DATABASE_KIND__ === "string" && __DATABASE_KIND__ === "mysql" ? describe : describe.skip;

const codes = (result: GraphQLResult) => (result.body.errors ?? []).map(error => error.extensions?.code);

onMysql("races with a concurrent transaction (MySQL)", () => {
  let gateway: TestGateway;
  let admin: string;

  beforeAll(async () => {
    ({ gateway, admin } = await startWithPersonas());
  });

  afterAll(async () => gateway?.stop());

  /** Runs `change` in a transaction left open while `request` is sent, then commits. */
  async function whileUncommitted(change: (runner: QueryRunner) => Promise<unknown>, request: () => Promise<GraphQLResult>): Promise<GraphQLResult> {
    const runner = gateway.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      await change(runner);
      const answer = request();
      // Long enough for the request to pass its first checks (which cannot see the uncommitted
      // change) and wait on the row; if it has not got there yet, it sees the committed state.
      await new Promise(resolve => setTimeout(resolve, 500));
      await runner.commitTransaction();
      return await answer;
    } finally {
      await runner.release();
    }
  }

  it("chooseLender racing a suspension leaves no ACTIVE consent for the suspended lender", async () => {
    const lender: TestLender = await onboardLender(gateway, admin, "Racer");
    const applicant = await gateway.token("applicant", "race-chooser");
    const applicationId = await submitApplication(gateway, applicant, uniqueIdentity());
    const result = await whileUncommitted(
      runner => runner.query("UPDATE lenders SET status = 'SUSPENDED' WHERE id = ?", [lender.id]),
      () => gateway.request(CHOOSE, { input: { applicationId, lenderId: lender.id, categories: ALL_CATEGORIES } }, applicant),
    );
    expect(codes(result)).toEqual(["BAD_USER_INPUT"]);
    expect(result.body.errors?.[0].extensions?.field).toBe("lenderId");
    const stored = await gateway.dataSource.query("SELECT status FROM consents WHERE application_id = ? AND lender_id = ?", [applicationId, lender.id]);
    expect(stored).toEqual([]);
  });

  it("positive twin: with the suspension rolled back instead, the consent is granted", async () => {
    const lender: TestLender = await onboardLender(gateway, admin, "Steady");
    const applicant = await gateway.token("applicant", "race-chooser-2");
    const applicationId = await submitApplication(gateway, applicant, uniqueIdentity());
    const runner = gateway.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      await runner.query("UPDATE lenders SET status = 'SUSPENDED' WHERE id = ?", [lender.id]);
      const answer = gateway.request(CHOOSE, { input: { applicationId, lenderId: lender.id, categories: ALL_CATEGORIES } }, applicant);
      await new Promise(resolve => setTimeout(resolve, 500));
      await runner.rollbackTransaction();
      expect(expectData(await answer).chooseLender.status).toBe("ACTIVE");
    } finally {
      await runner.release();
    }
  });

  it("withdrawApplication racing a FUNDED report does not overwrite the closed application", async () => {
    const applicant = await gateway.token("applicant", "race-withdrawer");
    const applicationId = await submitApplication(gateway, applicant, uniqueIdentity());
    const result = await whileUncommitted(
      // What the FUNDED report does to the application inside its transaction.
      runner => runner.query("UPDATE applications SET status = 'CLOSED', closed_at = ? WHERE id = ?", [new Date(), applicationId]),
      () => gateway.request("mutation($id: ID!) { withdrawApplication(id: $id) { id status } }", { id: applicationId }, applicant),
    );
    expect(codes(result)).toEqual(["BAD_USER_INPUT"]);
    expect(result.body.errors?.[0].message).toContain("CLOSED");
    const [row] = await gateway.dataSource.query("SELECT status FROM applications WHERE id = ?", [applicationId]);
    expect(row.status).toBe("CLOSED");
  });

  it("two withdrawals racing: both succeed (withdrawing is idempotent), the application is WITHDRAWN once", async () => {
    const applicant = await gateway.token("applicant", "race-withdrawer-2");
    const applicationId = await submitApplication(gateway, applicant, uniqueIdentity());
    const result = await whileUncommitted(
      runner => runner.query("UPDATE applications SET status = 'WITHDRAWN', closed_at = ? WHERE id = ?", [new Date(), applicationId]),
      () => gateway.request("mutation($id: ID!) { withdrawApplication(id: $id) { id status } }", { id: applicationId }, applicant),
    );
    expect(expectData(result).withdrawApplication).toEqual({ id: applicationId, status: "WITHDRAWN" });
  });
});
