import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";

/**
 * CPU time of a process, read from Linux's /proc (user + system, all its threads), so the
 * report can say what a request costs in CPU as well as in throughput. On a machine whose
 * cores the server, the database and autocannon share, throughput moves with the CPU every
 * request needs, wherever it is spent. Elsewhere than Linux every reading is null and the
 * report prints "–".
 */
let ticksPerSecond: number | null | undefined;

function clockTicks(): number | null {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || null;
    } catch {
      ticksPerSecond = null;
    }
  }
  return ticksPerSecond;
}

/** Milliseconds of CPU the process has used so far, or null when it cannot be read. */
export function processCpuMs(pid: number | undefined): number | null {
  const ticks = clockTicks();
  if (pid === undefined || ticks === null) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces) start with field 3, the state;
    // utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticks;
  } catch {
    return null;
  }
}

const DATABASE_SERVERS = new Set(["mariadbd", "mysqld"]);

/**
 * The pid of the MySQL/MariaDB server when the benchmark's database runs on this machine and
 * exactly one such server is running; otherwise undefined (its CPU is then not reported,
 * rather than attributed to the wrong process).
 */
export function localDatabaseServerPid(databaseUrl: string): number | undefined {
  let host: string;
  try {
    host = new URL(databaseUrl).hostname;
  } catch {
    return undefined;
  }
  if (!["127.0.0.1", "localhost", "[::1]"].includes(host)) return undefined;
  const found: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync("/proc").filter(entry => /^\d+$/.test(entry));
  } catch {
    return undefined;
  }
  for (const entry of entries) {
    try {
      if (DATABASE_SERVERS.has(readFileSync(`/proc/${entry}/comm`, "utf8").trim())) found.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return found.length === 1 ? found[0] : undefined;
}
