import { ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { signDevelopmentToken } from "../../src/auth/jwt";
import { openDatabase } from "../../src/database/open-database";
import { ALL_CATEGORIES } from "../support/flow";
import { TEST_JWT_SECRET, TEST_PII_ENCRYPTION_KEY, TEST_TRANSPARENCY_SIGNING_KEY } from "../support/gateway";
import { residentId } from "../support/identities";

declare const __DATABASE_KIND__: "sqlite" | "mysql";

/** Values that must never appear in anything the server writes; distinctive so a hit is certain. */
const CANARY = {
  fullName: "金丝雀甲乙丙",
  nationalId: residentId("110105", "19871104", "731"),
  phone: "13677788899",
  email: "canary.zz9plural@example.org",
};
/** ts-node compiles the whole app at start; generous, because the machine may be busy. */
const STARTUP_TIMEOUT_MS = 60_000;

interface RunningServer {
  child: ChildProcess;
  url: string;
  output: () => string;
}

/** Starts `src/main.ts` as its own process at debug level and captures everything it writes. */
async function startServerProcess(databaseUrl: string): Promise<RunningServer> {
  const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "src/main.ts"], {
    cwd: join(__dirname, "../.."),
    env: {
      PATH: process.env.PATH ?? "",
      NODE_ENV: "test",
      LOG_LEVEL: "debug",
      PORT: "0",
      DATABASE_URL: databaseUrl,
      JWT_SECRET: TEST_JWT_SECRET,
      PII_ENCRYPTION_KEY: TEST_PII_ENCRYPTION_KEY,
      TRANSPARENCY_SIGNING_KEY: TEST_TRANSPARENCY_SIGNING_KEY,
      TS_NODE_PROJECT: "tsconfig.json",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let written = "";
  child.stdout!.on("data", (chunk: Buffer) => (written += chunk.toString("utf8")));
  child.stderr!.on("data", (chunk: Buffer) => (written += chunk.toString("utf8")));
  const port = await new Promise<number>((resolve, reject) => {
    // The output holds no identity yet (nothing was sent), so it may go into the failure message.
    const timer = setTimeout(() => reject(new Error(`server did not start within ${STARTUP_TIMEOUT_MS} ms: ${written.slice(-2000)}`)), STARTUP_TIMEOUT_MS);
    const poll = setInterval(() => {
      const started = /"event":"gateway_started"[^\n]*"port":(\d+)|"port":(\d+)[^\n]*"event":"gateway_started"/.exec(written);
      if (started) {
        clearInterval(poll);
        clearTimeout(timer);
        resolve(Number(started[1] ?? started[2]));
      }
    }, 50);
    child.once("exit", code => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before starting: ${written.slice(-2000)}`));
    });
  });
  return { child, url: `http://127.0.0.1:${port}/graphql`, output: () => written };
}

async function stopServerProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>(resolve => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const forced = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(forced);
}

describe("no identity or credential in anything the server writes", () => {
  let server: RunningServer | null = null;
  let cleanup = () => undefined as void;
  const messages: string[] = [];
  const secrets: string[] = [];

  async function call(query: string, variables: Record<string, unknown> = {}, token?: string, rawBody?: string): Promise<any> {
    const response = await fetch(server!.url, {
      method: "POST",
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: rawBody ?? JSON.stringify({ query, variables }),
    });
    const body: any = await response.json();
    for (const error of body.errors ?? []) messages.push(String(error.message));
    return body;
  }

  beforeAll(async () => {
    let databaseUrl: string;
    if (typeof __DATABASE_KIND__ === "string" && __DATABASE_KIND__ === "mysql") {
      databaseUrl = process.env.TEST_MYSQL_URL!;
      const wipe = await openDatabase({ kind: "mysql", url: databaseUrl, causalReads: "auto" });
      await wipe.dropDatabase();
      await wipe.destroy();
    } else {
      const directory = mkdtempSync(join(tmpdir(), "gateway-canary-"));
      databaseUrl = `sqlite:${join(directory, "gateway.sqlite")}`;
      cleanup = () => rmSync(directory, { recursive: true, force: true });
    }
    server = await startServerProcess(databaseUrl);
  }, 90_000);

  afterAll(async () => {
    if (server) await stopServerProcess(server.child);
    cleanup();
  }, 20_000);

  it("runs the whole flow with canary values, including failures, then finds none of them in stdout, stderr or error messages", async () => {
    const secret = new TextEncoder().encode(TEST_JWT_SECRET);
    const admin = await signDevelopmentToken(secret, "admin", "ops-canary");
    const applicant = await signDevelopmentToken(secret, "applicant", "canary-subject");
    secrets.push(admin, applicant);

    const lender = (await call(`mutation { createLender(input: { name: "Canary", legalName: "Canary Finance Co., Ltd.", contactEmail: "privacy@canary.example",
      criteria: { minAmount: 1000, maxAmount: 500000, minTermMonths: 1, maxTermMonths: 60 } }) { id } }`, {}, admin)).data.createLender.id;
    await call(`mutation($id: ID!, $c: [PiiCategory!]!) { setFieldPermissions(lenderId: $id, categories: $c) { id } }`, { id: lender, c: ALL_CATEGORIES }, admin);
    // Widening needs a second admin (dual control).
    const checker = await signDevelopmentToken(secret, "admin", "ops-canary-checker");
    secrets.push(checker);
    const pending = (await call(`query($id: ID!) { lender(id: $id) { pendingChanges { id } } }`, { id: lender }, checker)).data.lender.pendingChanges;
    for (const change of pending) await call(`mutation($id: ID!) { approveAdminChange(id: $id) { id } }`, { id: change.id }, checker);
    const apiKey = (await call(`mutation($id: ID!) { issueApiKey(lenderId: $id) { secret } }`, { id: lender }, admin)).data.issueApiKey.secret as string;
    secrets.push(apiKey);

    const input = { amount: 50000, termMonths: 12, purpose: "CONSUMPTION", city: "北京", monthlyIncome: 12000, ...CANARY };
    const submitted = await call(`mutation($input: SubmitApplicationInput!) { submitApplication(input: $input, idempotencyKey: "canary-1") { id } }`, { input }, applicant);
    const applicationId = submitted.data.submitApplication.id;
    const leads = `query { leads(first: 10) { edges { node { id application { applicant { fullName nationalId phone email } } } } } }`;
    await call(leads, {}, apiKey); // denied: NO_CONSENT
    const consent = await call(`mutation($input: ChooseLenderInput!) { chooseLender(input: $input) { id } }`,
      { input: { applicationId, lenderId: lender, categories: ALL_CATEGORIES } }, applicant);
    const granted = await call(leads, {}, apiKey);
    expect(granted.data.leads.edges[0].node.application.applicant).toEqual(CANARY); // the values really flowed
    await call(`query($id: ID!) { application(id: $id) { applicant { fullName nationalId phone email } } }`, { id: applicationId }, admin);
    await call(`query { myData { applications { applicant { fullName nationalId phone email } } } }`, {}, applicant);

    // Failures that carry the canary in the request: bad inputs, wrongly typed variables, bad JSON, bad credentials.
    await call(`mutation($input: SubmitApplicationInput!) { submitApplication(input: $input, idempotencyKey: "canary-2") { id } }`,
      { input: { ...input, phone: `${CANARY.phone}${CANARY.fullName}` } }, applicant);
    await call(`mutation($input: SubmitApplicationInput!) { submitApplication(input: $input, idempotencyKey: "canary-3") { id } }`,
      { input: { ...input, amount: CANARY.nationalId } }, applicant);
    await call(`mutation($input: SubmitApplicationInput!) { submitApplication(input: $input, idempotencyKey: "canary-4") { id } }`,
      { input: { ...input, city: `成都|${CANARY.fullName}|${CANARY.nationalId}|${CANARY.phone}` } }, applicant); // not a region
    await call(`mutation($cities: [String!]) { createLender(input: { name: "Smuggler", legalName: "Smuggler Co.", contactEmail: "privacy@smuggler.example",
      criteria: { minAmount: 1000, maxAmount: 500000, minTermMonths: 1, maxTermMonths: 60, cities: $cities } }) { id } }`,
    { cities: ["北京", `${CANARY.email}|${CANARY.phone}`] }, admin); // not a region
    await call(`mutation($input: SubmitApplicationInput!) { submitApplication(input: $input, idempotencyKey: "canary-1") { id } }`,
      { input: { ...input, amount: 60000 } }, applicant); // IDEMPOTENCY_CONFLICT
    await call(`query { viewer { id } }`, {}, `${apiKey.slice(0, -4)}AAAA`);
    await call("", {}, undefined, `{"query": "query { viewer { id } }", "variables": {"x": "${CANARY.email}"`);
    await call(`query { ${CANARY.email.replace(/\W/g, "_")} }`, {}, applicant);
    await call(`query($n: String) { viewer { id } }`, { n: CANARY.fullName }, `Bearer ${CANARY.phone}`);

    await call(`mutation($id: ID!) { withdrawConsent(consentId: $id) { id } }`, { id: consent.data.chooseLender.id }, applicant);
    await call(leads, {}, apiKey); // denied: CONSENT_WITHDRAWN
    await call(`mutation { eraseMyData { erasedAt } }`, {}, applicant);
    await call(leads, {}, apiKey);

    await stopServerProcess(server!.child);
    const written = server!.output();

    // Positive twin: the server did log, at debug level, with the fields a log reader needs.
    const records = written.split("\n").filter(line => line.startsWith("{")).map(line => JSON.parse(line));
    const operations = records.filter(record => record.event === "graphql_operation");
    expect(operations.length).toBeGreaterThanOrEqual(10);
    expect(operations).toContainEqual(expect.objectContaining({
      principalKind: "lender", principalId: lender, operation: "leads", outcome: expect.any(String), durationMs: expect.any(Number), requestId: expect.any(String),
    }));
    expect(records.some(record => record.level === "debug")).toBe(true);

    for (const value of [...Object.values(CANARY), ...secrets]) {
      expect(written).not.toContain(value);
      for (const message of messages) expect(message).not.toContain(value);
    }
    // The API key's secret part alone, and the ID number without its check character.
    // (`lk_<16 hex id>_<secret>`; the secret is base64url and may itself hold "_", so it is cut by position.)
    expect(written).not.toContain(apiKey.slice("lk_".length + 16 + 1));
    expect(written).not.toContain(CANARY.nationalId.slice(0, 17));
    expect(messages.length).toBeGreaterThanOrEqual(8);
  }, 60_000);
});
