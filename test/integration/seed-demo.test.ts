import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { parseResidentId } from "../../src/common/identity-validation";
import { expectData } from "../support/flow";
import { TEST_JWT_SECRET, TEST_PII_ENCRYPTION_KEY, TEST_TRANSPARENCY_SIGNING_KEY, type TestGateway, startTestGateway, startTestGatewayOn } from "../support/gateway";
import { PRODUCTION_SETTINGS } from "../support/identity-providers";

const run = promisify(execFile);
const LEADS = `query($status: LeadStatus) { leads(first: 100, status: $status) { edges { node { id status application { id applicant {
  fullName nationalId phone email } } } } } }`;

/** `npm run seed:demo` as a lender trying the sandbox runs it, then the credentials it printed, used over HTTP. */
describe("the demo sandbox (seed:demo)", () => {
  let databaseUrl: string;
  let env: NodeJS.ProcessEnv;
  let gateway: TestGateway | undefined;

  async function seedDemo(extraEnv: NodeJS.ProcessEnv = {}) {
    try {
      const { stdout } = await run(process.execPath, ["-r", "ts-node/register/transpile-only", "src/cli/seed-demo.ts"], { env: { ...env, ...extraEnv }, timeout: 120_000 });
      const printed = Object.fromEntries([...stdout.matchAll(/^export (\w+)=(\S+)$/gm)].map(match => [match[1], match[2]]));
      return { code: 0, stdout, printed };
    } catch (error) {
      const failed = error as { code?: number; stdout?: string };
      return { code: failed.code ?? -1, stdout: failed.stdout ?? "", printed: {} as Record<string, string> };
    }
  }

  async function counts(on: TestGateway) {
    const count = async (table: string) => Number((await on.dataSource.query(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);
    return { lenders: await count("lenders"), applications: await count("applications"), offers: await count("offers"), consents: await count("consents") };
  }

  beforeAll(async () => {
    // An empty database of this project's kind (a fresh SQLite file, or the wiped MySQL test database).
    const empty = await startTestGateway();
    databaseUrl = empty.databaseUrl;
    await empty.stop({ keepDatabase: true });
    env = {
      PATH: process.env.PATH, NODE_ENV: "development", LOG_LEVEL: "silent", DATABASE_URL: databaseUrl,
      JWT_SECRET: TEST_JWT_SECRET, PII_ENCRYPTION_KEY: TEST_PII_ENCRYPTION_KEY, TRANSPARENCY_SIGNING_KEY: TEST_TRANSPARENCY_SIGNING_KEY,
    };
  }, 60_000);

  afterEach(async () => {
    await gateway?.stop({ keepDatabase: true });
    gateway = undefined;
  });

  afterAll(async () => (await startTestGatewayOn(databaseUrl)).stop());

  it("refuses NODE_ENV=production, printing no credential and writing nothing", async () => {
    const refused = await seedDemo({ ...PRODUCTION_SETTINGS, NODE_ENV: "production" });
    expect(refused.code).toBe(2);
    expect(refused.printed).toEqual({});
    gateway = await startTestGatewayOn(databaseUrl);
    expect(await counts(gateway)).toEqual({ lenders: 0, applications: 0, offers: 0, consents: 0 });
  }, 120_000);

  it("seeds through the API and prints credentials that read a consented identity over HTTP", async () => {
    const seeded = await seedDemo();
    expect(seeded.code).toBe(0);
    const { LENDER_API_KEY, LENDER_ID, APPLICANT_TOKEN, APPLICATION_ID, ADMIN_TOKEN, SECOND_ADMIN_TOKEN } = seeded.printed;
    expect(LENDER_API_KEY).toMatch(/^lk_/);
    gateway = await startTestGatewayOn(databaseUrl);
    expect(await counts(gateway)).toEqual({ lenders: 3, applications: 6, offers: 6, consents: 4 });

    // The lender reads the identity of the applicant who chose it for every category: valid, synthetic values.
    const chosenPage = await gateway.request(LEADS, { status: "CHOSEN" }, LENDER_API_KEY);
    const chosen = chosenPage.body.data!.leads.edges.map((edge: any) => edge.node);
    const first = chosen.find((lead: any) => lead.application.id === APPLICATION_ID);
    // The other chosen leads are the seeded partial and withdrawn consents, denied with their reasons.
    const reasons = new Set((chosenPage.body.errors ?? []).map(error => error.extensions?.reason));
    expect(reasons).toEqual(new Set(["CATEGORY_NOT_CONSENTED", "CONSENT_WITHDRAWN"]));
    expect((chosenPage.body.errors ?? []).some(error => chosen[error.path![2] as number].application.id === APPLICATION_ID)).toBe(false);
    expect(first.application.applicant).toEqual({ fullName: "演示用户甲", nationalId: expect.any(String), phone: "14400000001", email: "demo-applicant-1@example.com" });
    expect(parseResidentId(first.application.applicant.nationalId)).toMatchObject({ ok: true, birthDate: "1988-06-12" });
    // Its twin: a lead whose applicant chose another lender stays anonymized, with the reason.
    const unchosen = await gateway.request(LEADS, { status: "OFFERED" }, LENDER_API_KEY);
    const denied = (unchosen.body.errors ?? []).filter(error => error.path?.at(-1) === "phone").map(error => error.extensions?.reason);
    expect(denied.length).toBeGreaterThan(0);
    expect(new Set(denied)).toEqual(new Set(["NO_CONSENT"]));

    const applications = expectData(await gateway.request("query { myApplications(first: 10) { edges { node { id } } } }", {}, APPLICANT_TOKEN)).myApplications.edges;
    expect(applications.map((edge: any) => edge.node.id)).toEqual([APPLICATION_ID]);
    const log = expectData(await gateway.request("query { myAccessLog(first: 20) { edges { node { outcome field lender { id } } } } }", {}, APPLICANT_TOKEN)).myAccessLog.edges;
    expect(log.filter((edge: any) => edge.node.outcome === "GRANTED" && edge.node.lender.id === LENDER_ID)).toHaveLength(4);

    const lenders = expectData(await gateway.request("query { lenders(first: 10) { edges { node { id name permittedCategories } } } }", {}, ADMIN_TOKEN)).lenders.edges;
    expect(lenders.map((edge: any) => [edge.node.name, [...edge.node.permittedCategories].sort()])).toEqual([
      ["Demo Alpha", ["EMAIL", "NAME", "NATIONAL_ID", "PHONE"]], ["Demo Beta", ["NAME", "PHONE"]], ["Demo Gamma", []],
    ]);
    expect(expectData(await gateway.request("query { viewer { id role } }", {}, SECOND_ADMIN_TOKEN)).viewer).toEqual({ id: "demo-admin-2", role: "ADMIN" });
  }, 180_000);

  it("seeded again, adds nothing and prints a new key that works", async () => {
    const before = (await seedDemo()).printed;
    const again = await seedDemo();
    expect(again.code).toBe(0);
    expect(again.printed.LENDER_API_KEY).not.toBe(before.LENDER_API_KEY);
    expect(again.printed.APPLICATION_ID).toBe(before.APPLICATION_ID);
    gateway = await startTestGatewayOn(databaseUrl);
    expect(await counts(gateway)).toEqual({ lenders: 3, applications: 6, offers: 6, consents: 4 });
    expect(expectData(await gateway.request("query { viewer { id } }", {}, again.printed.LENDER_API_KEY)).viewer.id).toBe(before.LENDER_ID);
  }, 240_000);
});
