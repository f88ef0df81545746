import { ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync, openSync, rmSync, closeSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const MARIADBD = "/usr/sbin/mariadbd";

/**
 * A MariaDB server of the test's own: its own data directory (from mariadb-install-db), port and
 * socket, so the fault tests may kill and stop it without touching the machine's shared server.
 * Started with the durability settings the README requires. Only the pid it spawned is signalled.
 */
export interface PrivateMariaDb {
  url: string;
  port: number;
  /** Unix socket on which root may connect (for statements the app user may not run). */
  socket: string;
  /** The running server's pid, or null while it is down. */
  readonly pid: number | null;
  /** Signals the server (SIGKILL for a crash, SIGTERM for a clean stop) and waits for it to exit. */
  kill(signal: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same data directory and port; resolves once it answers. */
  start(): Promise<void>;
  /** Kills it if still running and removes its data directory. Safe to call twice. */
  destroy(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise(resolve => child.once("exit", () => resolve()));
}

export interface PrivateMariaDbOptions {
  /** `innodb_flush_log_at_trx_commit` and `sync_binlog`; 1 (the default) is what the README requires. */
  flushLogAtTrxCommit?: 0 | 1 | 2;
  syncBinlog?: 0 | 1;
}

export async function startPrivateMariaDb(options: PrivateMariaDbOptions = {}): Promise<PrivateMariaDb> {
  const directory = mkdtempSync(join(tmpdir(), "gateway-faults-mariadb-"));
  const dataDirectory = join(directory, "data");
  const socket = join(directory, "mariadb.sock");
  const port = await freePort();
  await run("mariadb-install-db", [
    "--no-defaults", `--datadir=${dataDirectory}`, "--user=root", "--auth-root-authentication-method=socket", "--skip-test-db",
  ]);
  const args = [
    "--no-defaults", `--datadir=${dataDirectory}`, `--socket=${socket}`, `--port=${port}`, "--bind-address=127.0.0.1",
    `--pid-file=${join(directory, "mariadb.pid")}`, "--user=root", "--skip-name-resolve",
    "--innodb-buffer-pool-size=64M", "--max-connections=200",
    // The settings under test: every commit on disk before it is acknowledged.
    `--innodb-flush-log-at-trx-commit=${options.flushLogAtTrxCommit ?? 1}`, `--log-bin=${join(directory, "binlog")}`,
    `--sync-binlog=${options.syncBinlog ?? 1}`,
  ];
  let child: ChildProcess | null = null;
  const logFile = join(directory, "mariadb.log");
  const password = "faults-only-password";

  const ping = async () => {
    try {
      await run("mariadb-admin", [`--socket=${socket}`, "-uroot", "ping"], { timeout: 2000 });
      return true;
    } catch {
      return false;
    }
  };

  const start = async () => {
    const log = openSync(logFile, "a");
    child = spawn(MARIADBD, args, { stdio: ["ignore", log, log] });
    closeSync(log);
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`private mariadbd exited with ${child.exitCode}; see ${logFile}`);
      if (await ping()) return;
      await new Promise(resolve => setTimeout(resolve, 200));
    }
    throw new Error(`private mariadbd did not answer within 60 s; see ${logFile}`);
  };

  const kill = async (signal: NodeJS.Signals) => {
    const running = child;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    running.kill(signal);
    await exited(running);
    child = null;
  };

  try {
    await start();
    await run("mariadb", [`--socket=${socket}`, "-uroot", "-e", [
      "CREATE DATABASE gateway CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci",
      `CREATE USER 'app'@'127.0.0.1' IDENTIFIED BY '${password}'`,
      "GRANT ALL PRIVILEGES ON gateway.* TO 'app'@'127.0.0.1'",
      // For the readiness probe's durability check (@@GLOBAL reads need no grant) and for tests
      // that hold locks from a second connection.
      "FLUSH PRIVILEGES",
    ].join("; ")]);
  } catch (error) {
    await kill("SIGKILL");
    rmSync(directory, { recursive: true, force: true });
    throw error;
  }

  return {
    url: `mysql://app:${password}@127.0.0.1:${port}/gateway`,
    port,
    socket,
    get pid() {
      const running = child as ChildProcess | null;
      return running && running.exitCode === null && running.signalCode === null ? running.pid ?? null : null;
    },
    kill,
    start,
    async destroy() {
      await kill("SIGKILL");
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
