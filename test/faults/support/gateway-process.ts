import { ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import { signDevelopmentToken } from "../../../src/auth/jwt";
import { TEST_JWT_SECRET } from "../../support/gateway";

const ROOT = resolve(__dirname, "../../..");
/** One key for every process of a test run, so a restarted gateway reads what the last one sealed. */
const PII_KEY = randomBytes(32).toString("base64");

/**
 * The gateway as production runs it: `src/main.ts` in a child process of its own (through
 * ts-node, so no build is needed), signalled by pid only.
 */
export interface GatewayProcess {
  url: string;
  port: number;
  pid: number;
  /** Everything the process wrote, for assertions and for diagnosing a failure. */
  output(): string;
  /** Resolves with the exit code (null if killed by a signal) once the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export async function startGatewayProcess(databaseUrl: string, port: number, env: Record<string, string> = {}): Promise<GatewayProcess> {
  const child: ChildProcess = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "src/main.ts"], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      PATH: process.env.PATH ?? "",
      NODE_ENV: "test",
      JWT_SECRET: TEST_JWT_SECRET,
      PII_ENCRYPTION_KEY: PII_KEY,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      LOG_LEVEL: "info",
      ...env,
    },
  });
  let output = "";
  child.stdout?.on("data", chunk => (output += chunk));
  child.stderr?.on("data", chunk => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(done =>
    child.once("exit", (code, signal) => done({ code, signal })));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`gateway exited during start:\n${output}`);
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`gateway did not become healthy within 60 s:\n${output}`);
    }
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    await new Promise(wait => setTimeout(wait, 100));
  }
  return {
    url,
    port,
    pid: child.pid!,
    output: () => output,
    exited,
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

export function token(role: "admin" | "applicant", subject: string): Promise<string> {
  return signDevelopmentToken(new TextEncoder().encode(TEST_JWT_SECRET), role, subject);
}

export interface HttpResult {
  status: number;
  body: any;
}

/** One GraphQL POST; network failures (a killed gateway) reject. */
export async function graphql(url: string, query: string, variables: Record<string, unknown>, bearer?: string, signal?: AbortSignal): Promise<HttpResult> {
  const response = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
    body: JSON.stringify({ query, variables }),
    signal,
  });
  const text = await response.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = { unparsed: true };
  }
  return { status: response.status, body };
}
