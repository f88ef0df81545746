import { ChildProcess, execFile, spawn } from "node:child_process";
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort } from "../../faults/support/private-mariadb";

const run = promisify(execFile);
const MARIADBD = "/usr/sbin/mariadbd";
const PROVIDER = "/usr/lib/galera/libgalera_smm.so";
const PASSWORD = "cluster-only-password";

/**
 * A 3-node MariaDB Galera cluster of the test's own, from Debian's packages (galera-4 and
 * mariadb-backup): data directories under one temporary directory, every port private, state
 * transfer by mariabackup, node 1 bootstrapping the cluster. Only pids it spawned are signalled.
 */
export interface GaleraNode {
  readonly index: number;
  /** mysql://app:…@127.0.0.1:port/gateway on this node. */
  readonly url: string;
  readonly socket: string;
  readonly pid: number | null;
  /** SIGKILL (a crash), SIGTERM (a clean stop), SIGSTOP / SIGCONT (a frozen node); waits for exit on the first two. */
  signal(signal: NodeJS.Signals): Promise<void>;
  /** Starts it again on its data directory: it rejoins the cluster (IST, or SST by mariabackup). */
  start(): Promise<void>;
  /** `SHOW STATUS` through the root socket (no causal wait), or null if it does not answer. */
  status(name: string): Promise<string | null>;
  /** Runs SQL as root through the socket and returns tab-separated rows. */
  sql(statement: string): Promise<string>;
}

export interface GaleraCluster {
  nodes: GaleraNode[];
  /** Resolves once every running node is Synced and the cluster has them all; fails after `timeoutMs`. */
  waitSynced(timeoutMs: number): Promise<void>;
  destroy(): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise(resolve => child.once("exit", () => resolve()));
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

export async function startGaleraCluster(size = 3): Promise<GaleraCluster> {
  const directory = mkdtempSync(join(tmpdir(), "gateway-cluster-"));
  const ports = await Promise.all(Array.from({ length: size }, async () => ({
    sql: await freePort(), group: await freePort(), ist: await freePort(), sst: await freePort(),
  })));
  const clusterAddress = `gcomm://${ports.map(port => `127.0.0.1:${port.group}`).join(",")}`;
  const nodes: Array<GaleraNode & { kill(): void }> = [];
  // Only the very first start bootstraps; a node restarted later, node 1 included, joins the others.
  let formed = false;

  for (let index = 1; index <= size; index += 1) {
    const port = ports[index - 1];
    const home = join(directory, `node${index}`);
    const dataDirectory = join(home, "data");
    const socket = join(home, "mariadb.sock");
    mkdirSync(home, { recursive: true });
    await run("mariadb-install-db", [
      "--no-defaults", `--datadir=${dataDirectory}`, "--user=root", "--auth-root-authentication-method=socket", "--skip-test-db",
    ]);
    const args = (bootstrap: boolean) => [
      "--no-defaults", `--datadir=${dataDirectory}`, `--socket=${socket}`, `--port=${port.sql}`, "--bind-address=127.0.0.1",
      `--pid-file=${join(home, "mariadb.pid")}`, "--user=root", "--skip-name-resolve", "--max-connections=200",
      "--innodb-flush-log-at-trx-commit=1", `--log-bin=${join(home, "binlog")}`, "--sync-binlog=1",
      // What Galera requires of every node.
      "--binlog-format=ROW", "--innodb-autoinc-lock-mode=2", "--default-storage-engine=InnoDB",
      "--wsrep-on=ON", `--wsrep-provider=${PROVIDER}`, "--wsrep-cluster-name=gateway-test", `--wsrep-cluster-address=${clusterAddress}`,
      `--wsrep-node-address=127.0.0.1:${port.group}`, `--wsrep-node-name=node${index}`,
      "--wsrep-sst-method=mariabackup", "--wsrep-sst-auth=root:", `--wsrep-sst-receive-address=127.0.0.1:${port.sst}`,
      // Private ports, and a frozen or killed node evicted in seconds rather than Galera's default
      // 15 s, so the rest of the cluster does not hold its commits for long.
      `--wsrep-provider-options=gmcast.listen_addr=tcp://127.0.0.1:${port.group};ist.recv_addr=127.0.0.1:${port.ist};gcache.size=128M;` +
        "evs.keepalive_period=PT0.5S;evs.suspect_timeout=PT2S;evs.inactive_timeout=PT4S;evs.inactive_check_period=PT0.5S;evs.install_timeout=PT4S",
      ...(bootstrap ? ["--wsrep-new-cluster"] : []),
    ];
    let child: ChildProcess | null = null;
    const logFile = join(home, "mariadb.log");
    const sql = async (statement: string) => (await run("mariadb", [`--socket=${socket}`, "-uroot", "-N", "-B", "-e", statement], { timeout: 5000 })).stdout;
    const status = async (name: string) => {
      try {
        const line = await sql(`SHOW GLOBAL STATUS LIKE '${name}'`);
        return line.trim().split("\t")[1] ?? null;
      } catch {
        return null;
      }
    };
    const launch = (bootstrap: boolean) => {
      const log = openSync(logFile, "a");
      child = spawn(MARIADBD, args(bootstrap), { stdio: ["ignore", log, log] });
      closeSync(log);
    };
    const node = {
      index,
      url: `mysql://app:${PASSWORD}@127.0.0.1:${port.sql}/gateway`,
      socket,
      get pid() {
        const running = child as ChildProcess | null;
        return running && running.exitCode === null && running.signalCode === null ? running.pid ?? null : null;
      },
      async signal(signal: NodeJS.Signals) {
        const running = child as ChildProcess | null;
        if (!running || running.exitCode !== null || running.signalCode !== null) return;
        running.kill(signal);
        if (signal === "SIGKILL" || signal === "SIGTERM") {
          await exited(running);
          child = null;
        }
      },
      async start() {
        launch(!formed);
        formed = true;
        await waitFor(`node ${index} synced`, 120_000, async () => (await status("wsrep_local_state_comment")) === "Synced", () => child);
      },
      status,
      sql,
      kill() {
        const running = child as ChildProcess | null;
        if (running?.pid && running.exitCode === null) {
          running.kill("SIGCONT");
          running.kill("SIGKILL");
        }
      },
    };
    nodes.push(node);
  }

  async function waitFor(what: string, timeoutMs: number, probe: () => Promise<boolean>, process?: () => ChildProcess | null): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const child = process?.();
      if (child && child.exitCode !== null) throw new Error(`${what}: mariadbd exited with ${child.exitCode} (logs under ${directory})`);
      if (await probe()) return;
      await sleep(250);
    }
    throw new Error(`${what}: not within ${timeoutMs} ms (logs under ${directory})`);
  }

  const destroy = async () => {
    for (const node of nodes) node.kill();
    await sleep(500);
    rmSync(directory, { recursive: true, force: true });
  };

  try {
    await nodes[0].start();
    await nodes[0].sql([
      "CREATE DATABASE gateway CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci",
      `CREATE USER 'app'@'127.0.0.1' IDENTIFIED BY '${PASSWORD}'`,
      "GRANT ALL PRIVILEGES ON gateway.* TO 'app'@'127.0.0.1'",
    ].join("; "));
    // Joiners one after the other: a donor serves one state transfer at a time anyway.
    for (const node of nodes.slice(1)) await node.start();
  } catch (error) {
    await destroy();
    throw error;
  }

  return {
    nodes,
    async waitSynced(timeoutMs) {
      await waitFor("cluster synced", timeoutMs, async () => {
        const running = nodes.filter(node => node.pid !== null);
        const states = await Promise.all(running.map(async node => [await node.status("wsrep_local_state_comment"), await node.status("wsrep_cluster_size")]));
        return states.every(([state, size]) => state === "Synced" && Number(size) === running.length);
      });
    },
    destroy,
  };
}
