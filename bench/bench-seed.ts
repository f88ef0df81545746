import { signDevelopmentToken } from "../src/auth/jwt";
import { GatewayConfig } from "../src/config";

/** The benchmarked lender's credential and how many of its leads carry full consent. */
export interface SeededData {
  apiKey: string;
  lenderId: string;
  consentedLeads: number;
}

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = "10X98765432";

/** A synthetic resident ID number with a valid GB 11643-1999 check character (not a real person's). */
function residentId(sequence: number): string {
  const body = `110105${1970 + (Math.floor(sequence / 1000) % 30)}0307${String(sequence % 1000).padStart(3, "0")}`;
  const sum = [...body].reduce((total, digit, index) => total + Number(digit) * WEIGHTS[index], 0);
  return body + CHECK[sum % 11];
}

async function call(url: string, token: string, query: string, variables: Record<string, unknown>): Promise<any> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: any; errors?: unknown[] };
  if (body.errors?.length) throw new Error(`seeding failed: ${JSON.stringify(body.errors)}`);
  return body.data;
}

/**
 * Seeds through the public API of a running gateway, so the data is exactly what the gateway
 * itself writes (encryption at rest included): three lenders, `applications` applicants each
 * with one application matching all of them, and every applicant choosing the benchmarked
 * lender for all four identity categories.
 */
export async function seedThroughApi(url: string, config: Pick<GatewayConfig, "jwtSecret">, applications: number): Promise<SeededData> {
  const admin = await signDevelopmentToken(config.jwtSecret, "admin", "bench-admin");
  const criteria = { minAmount: 1000, maxAmount: 500000, minTermMonths: 1, maxTermMonths: 60 };
  const lenderIds: string[] = [];
  for (const name of ["Bench", "Other", "Third"]) {
    const created = await call(url, admin, `mutation($input: CreateLenderInput!) { createLender(input: $input) { id } }`, {
      input: { name, legalName: `${name} Consumer Finance Co., Ltd.`, contactEmail: `privacy@${name.toLowerCase()}.example`, criteria },
    });
    lenderIds.push(created.createLender.id);
  }
  const [lenderId] = lenderIds;
  await call(url, admin, `mutation($id: ID!) { setFieldPermissions(lenderId: $id, categories: [NAME, NATIONAL_ID, PHONE, EMAIL]) { id } }`, { id: lenderId });
  // Widening waits for a second admin (dual control).
  const checker = await signDevelopmentToken(config.jwtSecret, "admin", "bench-checker");
  const pending = await call(url, checker, `query($id: ID!) { lender(id: $id) { pendingChanges { id } } }`, { id: lenderId });
  for (const change of pending.lender.pendingChanges) await call(url, checker, `mutation($id: ID!) { approveAdminChange(id: $id) { id } }`, { id: change.id });
  const issued = await call(url, admin, `mutation($id: ID!) { issueApiKey(lenderId: $id, label: "bench") { secret } }`, { id: lenderId });
  for (let index = 0; index < applications; index++) {
    const applicant = await signDevelopmentToken(config.jwtSecret, "applicant", `bench-applicant-${index}`);
    const submitted = await call(url, applicant, `mutation($input: SubmitApplicationInput!, $key: String!) {
      submitApplication(input: $input, idempotencyKey: $key) { id } }`, {
      key: `bench-${index}`,
      input: {
        amount: 10000 + index * 100, termMonths: 12 + (index % 24), purpose: "CONSUMPTION", city: ["北京", "上海", "深圳"][index % 3],
        monthlyIncome: 8000 + index * 10, fullName: `基准${index}号`, nationalId: residentId(index),
        phone: `139${String(10000000 + index).slice(-8)}`, email: `bench${index}@example.com`,
      },
    });
    await call(url, applicant, `mutation($input: ChooseLenderInput!) { chooseLender(input: $input) { id } }`, {
      input: { applicationId: submitted.submitApplication.id, lenderId, categories: ["NAME", "NATIONAL_ID", "PHONE", "EMAIL"] },
    });
  }
  return { apiKey: issued.issueApiKey.secret, lenderId, consentedLeads: applications };
}
