import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { LEADS_WITH_IDENTITY } from "../support/documents";
import { GatewayProcess, graphql, startGatewayProcess, token } from "./support/gateway-process";
import { PrivateMariaDb, freePort, startPrivateMariaDb } from "./support/private-mariadb";
import { chooseOver, errorCode, eventually, onboardLenderOver, readiness, submitOver } from "./support/scenario";

/**
 * The database goes away under a running gateway: requests fail fast with SERVICE_UNAVAILABLE
 * and /readyz turns red; when it returns, the same gateway process serves again.
 */
describe("database outage on a private MariaDB", () => {
  let database: PrivateMariaDb | undefined;
  let gateway: GatewayProcess | undefined;

  afterAll(async () => {
    await gateway?.kill("SIGKILL");
    await database?.destroy();
  }, 30_000);

  it("fails fast with SERVICE_UNAVAILABLE and a red /readyz, then recovers without a restart", async () => {
    database = await startPrivateMariaDb();
    gateway = await startGatewayProcess(database.url, await freePort());
    const url = gateway.url;
    const admin = await token("admin", "ops-admin");
    const alice = await token("applicant", "outage-alice");
    const lender = await onboardLenderOver(url, admin, "Outage");

    const before = await submitOver(url, alice);
    expect(before.body.data?.submitApplication.id).toEqual(expect.any(String));
    const ready = await readiness(url);
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: "ready", database: "reachable", migrations: "applied", durability: { ok: true } });

    // Negative twin of the durability report: weakened settings are reported, readiness stays green.
    const root = (statement: string) => promisify(execFile)("mariadb", [`--socket=${database!.socket}`, "-uroot", "-e", statement]);
    await root("SET GLOBAL innodb_flush_log_at_trx_commit = 2; SET GLOBAL sync_binlog = 0");
    const weakened = await readiness(url);
    expect(weakened.status).toBe(200);
    expect(weakened.body.durability).toEqual({ ok: false, innodbFlushLogAtTrxCommit: "2", syncBinlog: "0" });
    await root("SET GLOBAL innodb_flush_log_at_trx_commit = 1; SET GLOBAL sync_binlog = 1");
    expect((await readiness(url)).body.durability).toEqual({ ok: true, innodbFlushLogAtTrxCommit: "1", syncBinlog: "1" });

    await database.kill("SIGTERM");

    await eventually("/readyz turns red", 15_000, async () => {
      const probe = await readiness(url);
      return probe.status === 503 && probe.body.database === "unreachable";
    });
    const refusedKey = "outage-refused-submission";
    const refused = await submitOver(url, alice, refusedKey);
    expect(errorCode(refused)).toBe("SERVICE_UNAVAILABLE");
    expect(refused.body.data?.submitApplication ?? null).toBeNull();
    // A lender's API key is checked against the database before anything else runs.
    const lenderDuringOutage = await graphql(url, "query { leads(first: 1) { edges { node { id } } } }", {}, lender.apiKey);
    expect(errorCode(lenderDuringOutage)).toBe("SERVICE_UNAVAILABLE");
    expect(lenderDuringOutage.status).toBe(503);
    // The process is up the whole time; only readiness is red.
    expect((await fetch(`${url}/healthz`)).status).toBe(200);

    await database.start();

    await eventually("/readyz turns green again", 30_000, async () => (await readiness(url)).status === 200);
    const retried = await submitOver(url, alice, refusedKey);
    expect(retried.body.data?.submitApplication.id).toEqual(expect.any(String));
    const leads = await graphql(url, "query { leads(first: 10) { edges { node { id } } } }", {}, lender.apiKey);
    expect(leads.body.errors).toBeUndefined();
    expect(leads.body.data.leads.edges.length).toBe(2);

    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/gateway_graphql_requests_total\{operation="submitApplication",outcome="SERVICE_UNAVAILABLE"\} [1-9]/);
    expect(metrics).toMatch(/gateway_database_unavailable_total [1-9]/);
    // Same process throughout: it never exited.
    expect(await Promise.race([gateway.exited.then(() => "exited"), Promise.resolve("running")])).toBe("running");
  }, 150_000);

  it("withholds an identity value whose access-log write fails, and releases it once the write succeeds", async () => {
    if (!database || !gateway) throw new Error("the previous test sets up the database and gateway");
    const url = gateway.url;
    const admin = await token("admin", "ops-admin");
    const bob = await token("applicant", "outage-bob");
    const lender = await onboardLenderOver(url, admin, "Audit");
    const submitted = await submitOver(url, bob);
    const applicationId = submitted.body.data.submitApplication.id as string;
    expect((await chooseOver(url, bob, applicationId, lender.id)).body.errors).toBeUndefined();

    // The access log refuses writes (as a full disk or a lost table would) while all else works.
    const sql = (statement: string) => promisify(execFile)("mariadb", [`--socket=${database!.socket}`, "-uroot", "gateway", "-e", statement]);
    await sql("CREATE TRIGGER refuse_audit BEFORE INSERT ON access_records FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'refused'");
    const withheld = await graphql(url, LEADS_WITH_IDENTITY, {}, lender.apiKey);
    const node = withheld.body.data.leads.edges.find((edge: any) => edge.node.application.id === applicationId).node;
    expect(node.application.applicant.fullName).toBeNull();
    expect(node.application.applicant.phone).toBeNull();
    expect(withheld.body.errors.map((error: any) => error.extensions.code)).toContain("INTERNAL_SERVER_ERROR");

    await sql("DROP TRIGGER refuse_audit");
    const released = await graphql(url, LEADS_WITH_IDENTITY, {}, lender.apiKey);
    expect(released.body.errors).toBeUndefined();
    const again = released.body.data.leads.edges.find((edge: any) => edge.node.application.id === applicationId).node;
    expect(again.application.applicant.fullName).toEqual(expect.any(String));
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/gateway_identity_audit_failures_total [1-9]/);
  }, 60_000);
});
