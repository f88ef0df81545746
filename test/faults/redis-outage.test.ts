import { ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GatewayProcess, graphql, startGatewayProcess, token } from "./support/gateway-process";
import { freePort } from "./support/private-mariadb";
import { errorCode, eventually, onboardLenderOver, readiness } from "./support/scenario";

/** A Redis of this test's own (no persistence), killed and restarted on the same port. */
function startRedis(port: number): ChildProcess {
  return spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
}

async function stopRedis(redis: ChildProcess): Promise<void> {
  if (redis.exitCode !== null || redis.signalCode !== null) return;
  const exited = new Promise(done => redis.once("exit", done));
  redis.kill("SIGKILL");
  await exited;
}

/**
 * With REDIS_URL, the quota counters live in Redis. When it goes away, lender requests fail
 * closed and retryably (SERVICE_UNAVAILABLE, HTTP 503), /readyz turns red, the outage is logged
 * through the gateway's own log; when it returns, the same process serves again.
 */
describe("Redis outage (quota store)", () => {
  const directory = mkdtempSync(join(tmpdir(), "gateway-redis-outage-"));
  let redis: ChildProcess | undefined;
  let gateway: GatewayProcess | undefined;

  afterAll(async () => {
    await gateway?.kill("SIGKILL");
    if (redis) await stopRedis(redis);
    rmSync(directory, { recursive: true, force: true });
  }, 30_000);

  it("answers SERVICE_UNAVAILABLE while Redis is down and recovers without a restart", async () => {
    const redisPort = await freePort();
    redis = startRedis(redisPort);
    gateway = await startGatewayProcess(`sqlite:${join(directory, "gateway.sqlite")}`, await freePort(), {
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
    }).catch(async error => {
      // Redis may take a moment to listen: the gateway refuses to start without its quota store.
      await new Promise(wait => setTimeout(wait, 1000));
      if (error instanceof Error && /ECONNREFUSED/.test(error.message)) {
        return startGatewayProcess(`sqlite:${join(directory, "gateway.sqlite")}`, await freePort(), { REDIS_URL: `redis://127.0.0.1:${redisPort}` });
      }
      throw error;
    });
    const url = gateway.url;
    const lender = await onboardLenderOver(url, await token("admin", "ops-admin"), "RedisOutage");
    const leads = "query { leads(first: 1) { edges { node { id } } } }";
    expect((await graphql(url, leads, {}, lender.apiKey)).body.errors).toBeUndefined();
    expect((await readiness(url)).body).toMatchObject({ status: "ready", quotaStore: "reachable" });

    await stopRedis(redis);

    const refused = await graphql(url, leads, {}, lender.apiKey);
    expect(refused.status).toBe(503);
    expect(errorCode(refused)).toBe("SERVICE_UNAVAILABLE");
    const probe = await readiness(url);
    expect(probe.status).toBe(503);
    expect(probe.body).toMatchObject({ status: "unavailable", database: "reachable", quotaStore: "unreachable" });
    // Admins and applicants are not counted, so they are not refused.
    expect((await graphql(url, "query { viewer { role } }", {}, await token("admin", "ops-admin"))).body.data.viewer.role).toBe("ADMIN");

    // ioredis keeps reconnecting; its failures reach the gateway's log (once per 30 s).
    await eventually("the outage is logged", 10_000, async () => gateway!.output().includes("quota_store_unreachable"));

    redis = startRedis(redisPort);
    await eventually("lender requests are served again", 30_000, async () => (await graphql(url, leads, {}, lender.apiKey)).status === 200);
    await eventually("/readyz turns green again", 10_000, async () => (await readiness(url)).status === 200);

    const output = gateway.output();
    // Every line is the gateway's JSON log: nothing printed by ioredis outside it.
    expect(output).not.toContain("Unhandled error event");
    for (const line of output.split("\n").filter(Boolean)) expect(() => JSON.parse(line)).not.toThrow();
  }, 120_000);
});
