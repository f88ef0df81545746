import { uniqueIdentity } from "../support/identities";
import { GatewayProcess, graphql, startGatewayProcess, token } from "./support/gateway-process";
import { PrivateMariaDb, freePort, startPrivateMariaDb } from "./support/private-mariadb";
import { errorCode, eventually, readiness, submitOver } from "./support/scenario";

/**
 * The database hangs instead of refusing (SIGSTOP: a frozen server, as a dead network path would
 * look): requests are answered SERVICE_UNAVAILABLE after REQUEST_TIMEOUT_SECONDS instead of
 * waiting as long as TCP does, and once the server runs again the same process serves and a
 * retried submission is stored once.
 */
describe("database that hangs (private MariaDB stopped with SIGSTOP)", () => {
  let database: PrivateMariaDb | undefined;
  let gateway: GatewayProcess | undefined;
  let frozenPid: number | null = null;

  afterAll(async () => {
    if (frozenPid !== null) process.kill(frozenPid, "SIGCONT");
    await gateway?.kill("SIGKILL");
    await database?.destroy();
  }, 30_000);

  it("answers SERVICE_UNAVAILABLE at the request deadline, then recovers; the retried submission is stored once", async () => {
    database = await startPrivateMariaDb();
    gateway = await startGatewayProcess(database.url, await freePort(), { REQUEST_TIMEOUT_SECONDS: "2" });
    const url = gateway.url;
    const alice = await token("applicant", "hang-alice");
    expect((await submitOver(url, alice)).body.data?.submitApplication.id).toEqual(expect.any(String));

    frozenPid = database.pid!;
    process.kill(frozenPid, "SIGSTOP");

    // Bounded by the test, not by the gateway: without a deadline this would wait for TCP.
    const key = "hang-submission";
    const identity = uniqueIdentity();
    const cutOff = await submitOver(url, alice, key, identity);
    expect(cutOff.status).toBe(503);
    expect(errorCode(cutOff)).toBe("SERVICE_UNAVAILABLE");
    expect(cutOff.body.data ?? null).toBeNull();
    expect((await readiness(url)).status).toBe(503);
    expect(gateway.output()).toContain("request_deadline_exceeded");

    process.kill(frozenPid, "SIGCONT");
    frozenPid = null;

    await eventually("/readyz turns green again", 30_000, async () => (await readiness(url)).status === 200);
    const retried = await submitOver(url, alice, key, identity);
    const id = retried.body.data?.submitApplication.id;
    expect(id).toEqual(expect.any(String));
    const mine = await graphql(url, "query { myApplications(first: 10) { edges { node { id } } } }", {}, alice);
    const ids = mine.body.data.myApplications.edges.map((edge: { node: { id: string } }) => edge.node.id);
    // The first one, plus the cut-off submission exactly once (whether it committed late or on retry).
    expect(ids).toHaveLength(2);
    expect(ids).toContain(id);
  }, 120_000);
});
