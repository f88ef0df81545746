import "reflect-metadata";
import { signDevelopmentToken } from "../auth/jwt";
import { ConfigError, type GatewayConfig, loadConfig } from "../config";
import { openDatabase } from "../database/open-database";
import { createLogger } from "../logging/logger";
import { buildGatewaySchema } from "../schema";
import { startGateway } from "../server";
import { DEMO_APPLICANTS, DEMO_CHOICES, DEMO_LENDERS, demoEmail, demoNationalId, demoPhone } from "./demo-data";

/** A GraphQL call to the in-process gateway; any error stops the seeding with the error's code. */
type Call = (token: string, query: string, variables?: Record<string, unknown>) => Promise<any>;

function caller(url: string): Call {
  return async (token, query, variables = {}) => {
    const response = await fetch(url, {
      method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }),
    });
    const body = await response.json() as { data?: any; errors?: Array<{ extensions?: { code?: string; reason?: string; field?: string } }> };
    if (body.errors?.length) {
      const { code, reason, field } = body.errors[0].extensions ?? {};
      throw new Error(`the gateway refused a seeding step: ${[code, reason, field].filter(Boolean).join(" ")}`);
    }
    return body.data;
  };
}

/**
 * Seeds through the public API, as a frontend, admins and a lender would: what is stored is what
 * the gateway itself writes (identity encrypted, access log, admin action log). Running it again
 * adds nothing: lenders are found by legal name, submissions are idempotent by key, a choice or
 * an offer already made is not made again. Each run issues a new API key for the first lender.
 */
async function seed(call: Call, config: GatewayConfig) {
  const sign = (role: "admin" | "applicant", subject: string) => signDevelopmentToken(config.jwtSecret, role, subject, "12h", config.security);
  const [admin, secondAdmin] = [await sign("admin", "demo-admin-1"), await sign("admin", "demo-admin-2")];

  const existing = await call(admin, `query { lenders(first: 100) { edges { node { id legalName permittedCategories } } } }`);
  const byLegalName = new Map<string, { id: string; permittedCategories: string[] }>(existing.lenders.edges.map((edge: any) => [edge.node.legalName, edge.node]));
  const alreadySeeded = DEMO_LENDERS.every(lender => byLegalName.has(lender.legalName));
  const lenderIds: string[] = [];
  for (const lender of DEMO_LENDERS) {
    const found = byLegalName.get(lender.legalName);
    const id: string = found?.id ?? (await call(admin, `mutation($input: CreateLenderInput!) { createLender(input: $input) { id } }`, {
      input: { name: lender.name, legalName: lender.legalName, contactEmail: lender.contactEmail, criteria: lender.criteria },
    })).createLender.id;
    lenderIds.push(id);
    if (lender.permitted.length > 0 && [...(found?.permittedCategories ?? [])].sort().join() !== [...lender.permitted].sort().join()) {
      // Widening waits for a second admin (dual control).
      await call(admin, `mutation($id: ID!, $c: [PiiCategory!]!) { setFieldPermissions(lenderId: $id, categories: $c) { id } }`, { id, c: lender.permitted });
      const pending = await call(secondAdmin, `query($id: ID!) { lender(id: $id) { pendingChanges { id } } }`, { id });
      for (const change of pending.lender.pendingChanges) await call(secondAdmin, `mutation($id: ID!) { approveAdminChange(id: $id) { id } }`, { id: change.id });
    }
  }
  const apiKey: string = (await call(admin, `mutation($id: ID!) { issueApiKey(lenderId: $id, label: "sandbox") { secret } }`, { id: lenderIds[0] })).issueApiKey.secret;

  const applicantTokens: string[] = [];
  const applicationIds: string[] = [];
  for (const [index, applicant] of DEMO_APPLICANTS.entries()) {
    const token = await sign("applicant", applicant.subject);
    applicantTokens.push(token);
    const submitted = await call(token, `mutation($input: SubmitApplicationInput!, $key: String!) { submitApplication(input: $input, idempotencyKey: $key) { id } }`, {
      key: `sandbox-${applicant.subject}`,
      input: {
        amount: applicant.amount, termMonths: applicant.termMonths, purpose: applicant.purpose, city: applicant.city, monthlyIncome: applicant.monthlyIncome,
        fullName: applicant.fullName, nationalId: demoNationalId(applicant, index), phone: demoPhone(index), email: demoEmail(index),
      },
    });
    applicationIds.push(submitted.submitApplication.id);
  }

  // The first lender offers on every lead still NEW (a lead already offered on keeps its offer).
  const leads = await call(apiKey, `query { leads(first: 100, status: NEW) { edges { node { id application { amount termMonths } } } } }`);
  for (const { node } of leads.leads.edges) {
    await call(apiKey, `mutation($input: MakeOfferInput!) { makeOffer(input: $input) { id } }`, {
      input: { leadId: node.id, apr: 12.8, amount: node.application.amount, termMonths: node.application.termMonths },
    });
  }

  for (const choice of DEMO_CHOICES) {
    const token = applicantTokens[choice.applicant];
    const applicationId = applicationIds[choice.applicant];
    const lenderId = lenderIds[choice.lender];
    const current = await call(token, `query($id: ID!) { application(id: $id) { consents { id lender { id } } } }`, { id: applicationId });
    if (current.application.consents.some((consent: any) => consent.lender.id === lenderId)) continue;
    const consent = await call(token, `mutation($input: ChooseLenderInput!) { chooseLender(input: $input) { id } }`, {
      input: { applicationId, lenderId, categories: choice.categories },
    });
    if (choice.withdraw) await call(token, `mutation($id: ID!) { withdrawConsent(consentId: $id) { id } }`, { id: consent.chooseLender.id });
  }
  return { alreadySeeded, admin, secondAdmin, apiKey, lenderId: lenderIds[0], applicantToken: applicantTokens[0], applicationId: applicationIds[0] };
}

/** `npm run seed:demo` (compiled: `npm run seed:demo:dist`): the sandbox in the development database; never in production. */
async function main(): Promise<void> {
  const config = loadConfig();
  if (config.nodeEnv === "production") {
    process.stderr.write("seed:demo refuses to run with NODE_ENV=production: it writes demo people and prints credentials\n");
    process.exit(2);
  }
  const dataSource = await openDatabase(config.database);
  const gateway = await startGateway(config, dataSource, await buildGatewaySchema(), createLogger("silent"), 0, "127.0.0.1");
  try {
    const seeded = await seed(caller(gateway.url), config);
    const database = config.database.kind === "sqlite" ? `sqlite:${config.database.path}` : "the MySQL database of DATABASE_URL";
    process.stdout.write([
      seeded.alreadySeeded
        ? `# The sandbox was already seeded in ${database}: nothing added; a new API key was issued for Demo Alpha.`
        : `# Seeded ${database}: ${DEMO_LENDERS.length} lenders, ${DEMO_APPLICANTS.length} applications, ${DEMO_CHOICES.length} consents (one withdrawn).`,
      "# Start the gateway (npm start), paste these lines into your shell, then follow the README's walk-through.",
      `export LENDER_API_KEY=${seeded.apiKey}`,
      `export LENDER_ID=${seeded.lenderId}`,
      `export APPLICANT_TOKEN=${seeded.applicantToken}`,
      `export APPLICATION_ID=${seeded.applicationId}`,
      `export ADMIN_TOKEN=${seeded.admin}`,
      `export SECOND_ADMIN_TOKEN=${seeded.secondAdmin}`,
      "# Tokens last 12 hours (npm run -s token -- --role applicant --sub demo-applicant-1 makes another).",
      "",
    ].join("\n"));
  } finally {
    await gateway.stop();
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  const message = error instanceof ConfigError || error instanceof Error ? error.message : "unknown error";
  process.stderr.write(`seed:demo failed: ${message}\n`);
  process.exit(1);
});
