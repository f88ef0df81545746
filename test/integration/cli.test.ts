import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { PiiCategory } from "../../src/model/pii-category";
import { choose, expectData, submitApplication } from "../support/flow";
import { TEST_JWT_SECRET, TEST_PII_ENCRYPTION_KEY, TEST_TRANSPARENCY_SIGNING_KEY, type TestGateway } from "../support/gateway";
import { uniqueIdentity } from "../support/identities";
import { startWithPersonas } from "../support/personas";
import { PRODUCTION_SETTINGS } from "../support/identity-providers";

const run = promisify(execFile);

/** The operator commands of src/cli, run as the README runs them (ts-node), against the suite's database. */
describe("the command-line entry points", () => {
  let gateway: TestGateway;
  let env: NodeJS.ProcessEnv;

  /** Runs `src/cli/<name>.ts`; resolves with its output and exit code, never throws on a non-zero exit. */
  async function cli(name: string, args: string[] = [], extraEnv: NodeJS.ProcessEnv = {}) {
    try {
      const { stdout, stderr } = await run(process.execPath, ["-r", "ts-node/register/transpile-only", `src/cli/${name}.ts`, ...args], {
        env: { ...env, ...extraEnv }, timeout: 60_000,
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code?: number; stdout?: string; stderr?: string };
      return { code: failed.code ?? -1, stdout: failed.stdout ?? "", stderr: failed.stderr ?? "" };
    }
  }

  beforeAll(async () => {
    let applicant: string;
    let lenders: Awaited<ReturnType<typeof startWithPersonas>>["lenders"];
    ({ gateway, applicant, lenders } = await startWithPersonas({ lenders: ["Cli"] }));
    env = {
      PATH: process.env.PATH, NODE_ENV: "test", LOG_LEVEL: "silent",
      JWT_SECRET: TEST_JWT_SECRET, PII_ENCRYPTION_KEY: TEST_PII_ENCRYPTION_KEY, TRANSPARENCY_SIGNING_KEY: TEST_TRANSPARENCY_SIGNING_KEY, DATABASE_URL: gateway.databaseUrl,
    };
    const applicationId = await submitApplication(gateway, applicant, uniqueIdentity());
    await choose(gateway, applicant, applicationId, lenders[0].id, [PiiCategory.PHONE]);
  }, 120_000);

  afterAll(async () => gateway?.stop());

  it("token: prints a development token the gateway accepts, with the role and subject asked for", async () => {
    const { code, stdout } = await cli("token", ["--role", "applicant", "--sub", "cli-person"]);
    expect(code).toBe(0);
    const viewer = expectData(await gateway.request("query { viewer { id role } }", {}, stdout.trim())).viewer;
    expect(viewer).toEqual({ id: "cli-person", role: "APPLICANT" });
  }, 90_000);

  it("token: refuses an unknown role (exit 2, nothing printed) and refuses to run in production", async () => {
    const unknown = await cli("token", ["--role", "superuser"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toBe("");
    // A complete production environment (METRICS_TOKEN included), so the refusal is the command's own.
    const production = await cli("token", ["--role", "admin"], { ...PRODUCTION_SETTINGS, NODE_ENV: "production" });
    expect(production.code).not.toBe(0);
    expect(production.stdout).toBe("");
    expect(production.stderr).toContain("refusing to mint tokens");
  }, 90_000);

  it("retention: one run against the gateway's database, reported as one JSON line of counts", async () => {
    const { code, stdout } = await cli("retention");
    expect(code).toBe(0);
    const report = JSON.parse(stdout.trim());
    expect(report).toMatchObject({ event: "retention_run", consentsExpired: 0, applicationsClosed: 0, applicantsErased: 0 });
  }, 90_000);

  it("audit:verify and audit:witness: run as `npm run` runs them (ts-node), they check the gateway's checkpoint", async () => {
    const base = gateway.url.replace(/\/graphql$/, "");
    const directory = mkdtempSync(join(tmpdir(), "cli-audit-"));
    try {
      const [note, key] = await Promise.all([fetch(`${base}/transparency/checkpoint`), fetch(`${base}/transparency/key`)].map(async answer => (await answer).text()));
      writeFileSync(join(directory, "checkpoint"), note);
      const size = Number(note.split("\n")[1]);
      const [verified, witnessed] = await Promise.all([
        cli("audit-verify", ["--checkpoint", join(directory, "checkpoint"), "--key", key.trim()]),
        cli("audit-witness", ["--url", base, "--state", join(directory, "witness")]),
      ]);
      expect(verified).toMatchObject({ code: 0, stdout: `verified ${size} leaves\n` });
      expect(witnessed.code).toBe(0);
      expect(witnessed.stdout).toContain(`first checkpoint: ${size} leaves`);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  }, 90_000);

  it("rotate-keys: scans every identity row; with the same key every row is already current", async () => {
    const { code, stdout } = await cli("rotate-keys");
    expect(code).toBe(0);
    const done = stdout.trim().split("\n").map(line => JSON.parse(line)).find(line => line.event === "rotate_keys_done");
    expect(done).toMatchObject({ scanned: 1, rotated: 0, alreadyCurrent: 1 });
  }, 90_000);
});
