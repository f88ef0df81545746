import { createConnection, Connection } from "mysql2/promise";
import { GatewayProcess, HttpResult, startGatewayProcess, token } from "./support/gateway-process";
import { PrivateMariaDb, freePort, startPrivateMariaDb } from "./support/private-mariadb";
import { eventually, submitOver, within } from "./support/scenario";

const IN_FLIGHT = 5;

/**
 * SIGTERM while requests are in flight: they complete and are acknowledged, the process stops
 * accepting and exits 0. Requests are held in flight deterministically by a table lock taken
 * from a second connection, not by timing.
 */
describe("graceful shutdown of a gateway process", () => {
  let database: PrivateMariaDb | undefined;
  let gateway: GatewayProcess | undefined;
  let locker: Connection | undefined;

  afterAll(async () => {
    await locker?.end().catch(() => undefined);
    await gateway?.kill("SIGKILL");
    await database?.destroy();
  }, 30_000);

  it("finishes in-flight submissions after SIGTERM, refuses new connections, then exits 0", async () => {
    database = await startPrivateMariaDb();
    gateway = await startGatewayProcess(database.url, await freePort(), { SHUTDOWN_GRACE_SECONDS: "60" });
    const url = gateway.url;
    const applicant = await token("applicant", "shutdown-carol");
    const warmUp = await submitOver(url, applicant);
    expect(warmUp.body.data?.submitApplication.id).toEqual(expect.any(String));

    locker = await createConnection(database.url);
    await locker.query("LOCK TABLES applications WRITE");
    const pending: Array<Promise<HttpResult>> = [];
    for (let index = 0; index < IN_FLIGHT; index += 1) pending.push(submitOver(url, applicant, `shutdown-${index}`));
    await eventually(`${IN_FLIGHT} submissions wait on the lock`, 20_000, async () => {
      const [rows] = await locker!.query("SELECT COUNT(*) AS waiting FROM information_schema.PROCESSLIST WHERE STATE LIKE '%lock%' AND ID <> CONNECTION_ID()");
      return Number((rows as Array<{ waiting: unknown }>)[0].waiting) >= IN_FLIGHT;
    });

    process.kill(gateway.pid, "SIGTERM");
    // Draining: the listening socket is closed, so a new connection is refused...
    await eventually("new connections are refused", 10_000, async () => {
      try {
        await fetch(`${url}/healthz`, { headers: { connection: "close" } });
        return false;
      } catch {
        return true;
      }
    });
    // ...while the process waits for the held requests instead of exiting.
    expect(await within(gateway.exited.then(() => "exited"), 500, "waiting")).toBe("waiting");

    await locker.query("UNLOCK TABLES");
    const results = await Promise.all(pending);
    for (const result of results) {
      expect(result.status).toBe(200);
      expect(result.body.errors).toBeUndefined();
      expect(result.body.data.submitApplication.id).toEqual(expect.any(String));
    }
    const exit = await gateway.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(gateway.output()).toContain("gateway_stopped");

    // Acknowledged means committed: every answered id is in the database.
    const ids = results.map(result => result.body.data.submitApplication.id as string);
    const [rows] = await locker.query("SELECT id FROM applications WHERE id IN (?)", [ids]);
    expect((rows as Array<{ id: string }>).map(row => row.id).sort()).toEqual([...ids].sort());
  }, 150_000);

  it("bounds the wait by SHUTDOWN_GRACE_SECONDS: a request still held then is cut off and the process exits 0", async () => {
    if (!database || !locker) throw new Error("the previous test sets up the database");
    const impatient = await startGatewayProcess(database.url, await freePort(), { SHUTDOWN_GRACE_SECONDS: "1" });
    gateway = impatient;
    const applicant = await token("applicant", "shutdown-dave");
    await locker.query("LOCK TABLES applications WRITE");
    try {
      const held = submitOver(impatient.url, applicant, "held-past-grace").then(() => "answered", () => "cut off");
      await eventually("the submission waits on the lock", 20_000, async () => {
        const [rows] = await locker!.query("SELECT COUNT(*) AS waiting FROM information_schema.PROCESSLIST WHERE STATE LIKE '%lock%' AND ID <> CONNECTION_ID()");
        return Number((rows as Array<{ waiting: unknown }>)[0].waiting) >= 1;
      });
      process.kill(impatient.pid, "SIGTERM");
      // Exits while the lock is still held: the grace period, not the request, decides.
      const exit = await within(impatient.exited, 30_000, "still running");
      expect(exit).toEqual({ code: 0, signal: null });
      expect(await held).toBe("cut off");
      expect(impatient.output()).toContain("shutdown_grace_expired");
    } finally {
      await locker.query("UNLOCK TABLES");
    }
  }, 90_000);
});
