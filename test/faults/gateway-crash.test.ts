import { Connection, createConnection } from "mysql2/promise";
import { GatewayProcess, startGatewayProcess, token } from "./support/gateway-process";
import { PrivateMariaDb, freePort, startPrivateMariaDb } from "./support/private-mariadb";
import { onboardLenderOver, sleep, sleepRandomly } from "./support/scenario";
import { Acknowledged, checkAcknowledged, runSetWorkload } from "./support/set-workload";

const CRASHES = 4;
const CLIENTS = 6;
const LENDERS = 2;

/**
 * The gateway process is killed with SIGKILL at random moments under load and restarted; the
 * clients retry what was not acknowledged with the same idempotency key. At the end every
 * acknowledged application, consent and withdrawal is stored exactly once.
 */
describe("gateway SIGKILLed under load", () => {
  let database: PrivateMariaDb | undefined;
  let gateway: GatewayProcess | undefined;
  let reader: Connection | undefined;

  afterAll(async () => {
    await reader?.end().catch(() => undefined);
    await gateway?.kill("SIGKILL");
    await database?.destroy();
  }, 30_000);

  it(`loses no acknowledged write across ${CRASHES} kills and restarts`, async () => {
    database = await startPrivateMariaDb();
    const port = await freePort();
    gateway = await startGatewayProcess(database.url, port);
    const url = gateway.url;
    const admin = await token("admin", "crash-admin");
    const lenders = [];
    for (let index = 0; index < LENDERS; index += 1) lenders.push(await onboardLenderOver(url, admin, `Crash${index}`));

    let loading = true;
    const workload: Promise<Acknowledged> = runSetWorkload({
      url, clients: CLIENTS, lenderId: lenders[0].id, running: () => loading, deadline: Date.now() + 120_000,
    });
    let kills = 0;
    for (let round = 0; round < CRASHES; round += 1) {
      await sleepRandomly(400, 1500);
      const exit = await gateway.kill("SIGKILL");
      expect(exit.signal).toBe("SIGKILL");
      kills += 1;
      await sleepRandomly(0, 500);
      gateway = await startGatewayProcess(database.url, port);
    }
    await sleep(1000);
    loading = false;
    const acknowledged = await workload;

    reader = await createConnection(database.url);
    const violations = await checkAcknowledged(reader, acknowledged, LENDERS);
    console.log(`gateway crash: ${kills} kills, ${acknowledged.applications.size} applications, ` +
      `${acknowledged.consents.size} consents, ${acknowledged.withdrawals.size} withdrawals acknowledged, ${acknowledged.retries} retries`);
    expect(violations).toEqual([]);
    // The test means something only if writes were acknowledged and requests were cut off.
    expect(kills).toBe(CRASHES);
    expect(acknowledged.applications.size).toBeGreaterThan(CLIENTS);
    expect(acknowledged.consents.size).toBeGreaterThan(0);
    expect(acknowledged.retries).toBeGreaterThan(0);
  }, 170_000);
});
