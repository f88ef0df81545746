import { Connection, createConnection } from "mysql2/promise";
import { GatewayProcess, startGatewayProcess, token } from "./support/gateway-process";
import { PrivateMariaDb, freePort, startPrivateMariaDb } from "./support/private-mariadb";
import { eventually, onboardLenderOver, readiness, sleep, sleepRandomly } from "./support/scenario";
import { Acknowledged, checkAcknowledged, runSetWorkload } from "./support/set-workload";

const CRASHES = 3;
const CLIENTS = 6;
const LENDERS = 2;

/**
 * MariaDB itself is killed with SIGKILL mid-load (a private instance with the durability
 * settings) and restarted on the same data directory; the one gateway process stays up and
 * recovers each time. Every acknowledged write must be there after InnoDB's crash recovery.
 */
describe("MariaDB SIGKILLed under load", () => {
  let database: PrivateMariaDb | undefined;
  let gateway: GatewayProcess | undefined;
  let reader: Connection | undefined;

  afterAll(async () => {
    await reader?.end().catch(() => undefined);
    await gateway?.kill("SIGKILL");
    await database?.destroy();
  }, 30_000);

  it(`loses no acknowledged write across ${CRASHES} database kills, with no gateway restart`, async () => {
    database = await startPrivateMariaDb();
    gateway = await startGatewayProcess(database.url, await freePort());
    const url = gateway.url;
    const admin = await token("admin", "crash-admin");
    const lenders = [];
    for (let index = 0; index < LENDERS; index += 1) lenders.push(await onboardLenderOver(url, admin, `Crash${index}`));

    let loading = true;
    const workload: Promise<Acknowledged> = runSetWorkload({
      url, clients: CLIENTS, lenderId: lenders[0].id, running: () => loading, deadline: Date.now() + 120_000,
    });
    for (let round = 0; round < CRASHES; round += 1) {
      await sleepRandomly(500, 1500);
      await database.kill("SIGKILL");
      await eventually("/readyz turns red", 15_000, async () => (await readiness(url)).status === 503);
      await sleepRandomly(0, 500);
      await database.start();
      await eventually("/readyz turns green", 30_000, async () => (await readiness(url)).status === 200);
    }
    await sleep(1000);
    loading = false;
    const acknowledged = await workload;

    reader = await createConnection(database.url);
    const violations = await checkAcknowledged(reader, acknowledged, LENDERS);
    console.log(`database crash: ${CRASHES} kills, ${acknowledged.applications.size} applications, ` +
      `${acknowledged.consents.size} consents, ${acknowledged.withdrawals.size} withdrawals acknowledged, ${acknowledged.retries} retries`);
    expect(violations).toEqual([]);
    expect(acknowledged.applications.size).toBeGreaterThan(CLIENTS);
    expect(acknowledged.consents.size).toBeGreaterThan(0);
    expect(acknowledged.retries).toBeGreaterThan(0);
    // One gateway process throughout.
    expect(await Promise.race([gateway.exited.then(() => "exited"), Promise.resolve("running")])).toBe("running");
  }, 170_000);
});
