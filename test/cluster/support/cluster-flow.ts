import { randomUUID } from "node:crypto";
import { APPROVE_CHANGE, CHOOSE, PENDING_CHANGES, SUBMIT } from "../../support/documents";
import { ALL_CATEGORIES, applicationInput } from "../../support/flow";
import { uniqueIdentity } from "../../support/identities";
import { GatewayProcess, HttpResult, graphql, startGatewayProcess, token } from "../../faults/support/gateway-process";
import { freePort } from "../../faults/support/private-mariadb";
import { errorCode } from "../../faults/support/scenario";

/** One lender's read that decides access: the applicant's name on one lead. */
export const READ_NAME = `query($id: ID!) { lead(id: $id) { id application { applicant { fullName } } } }`;
const SUBMIT_WITH_LEADS = SUBMIT.replace("{ id status amount }", "{ id leads { id lender { id } } }");

/**
 * A gateway instance of the cluster: `src/main.ts` in its own process on one node, sharing the
 * machine's Redis under a prefix of this run only, quotas out of the way of the round counts,
 * and a short request deadline so a frozen node's requests end quickly.
 */
export async function startClusterGateway(databaseUrl: string, redisPrefix: string, env: Record<string, string> = {}): Promise<GatewayProcess> {
  return startGatewayProcess(databaseUrl, await freePort(), {
    REDIS_URL: "redis://127.0.0.1:6379", REDIS_KEY_PREFIX: redisPrefix,
    LENDER_REQUESTS_PER_MINUTE: "1000000", LENDER_DAILY_READ_BUDGET: "1000000",
    REQUEST_TIMEOUT_SECONDS: "4", LOG_LEVEL: "warn",
    // To see the rounds fail without causal reads: CLUSTER_CAUSAL_READS=off npm run test:cluster -- -t 'withdraw on one'.
    DATABASE_CAUSAL_READS: process.env.CLUSTER_CAUSAL_READS ?? "auto", ...env,
  });
}

/** Throws with the response when it is not a plain success: setup steps must not fail. */
export function dataOf(result: HttpResult, what: string): any {
  if (result.status !== 200 || result.body?.errors?.length) throw new Error(`${what}: ${result.status} ${JSON.stringify(result.body)}`);
  return result.body.data;
}

/** An application submitted through `url`, with the lead the lender reads it by. */
export async function submitThrough(url: string, applicant: string, lenderId: string): Promise<{ applicationId: string; leadId: string }> {
  const submitted = dataOf(await graphql(url, SUBMIT_WITH_LEADS, { input: applicationInput(uniqueIdentity()), key: randomUUID() }, applicant), "submit").submitApplication;
  const lead = (submitted.leads as Array<{ id: string; lender: { id: string } }>).find(entry => entry.lender.id === lenderId);
  if (!lead) throw new Error("the application has no lead for the lender");
  return { applicationId: submitted.id, leadId: lead.id };
}

/** The lender chosen for every category, through `url`. */
export function chooseOver(url: string, applicant: string, applicationId: string, lenderId: string): Promise<HttpResult> {
  return graphql(url, CHOOSE, { input: { applicationId, lenderId, categories: ALL_CATEGORIES } }, applicant);
}

/** An application submitted and its lender chosen through `url`; the lead the lender reads it by. */
export async function chooseThrough(url: string, applicant: string, lenderId: string): Promise<{ applicationId: string; leadId: string; consentId: string }> {
  const { applicationId, leadId } = await submitThrough(url, applicant, lenderId);
  const chosen = dataOf(await chooseOver(url, applicant, applicationId, lenderId), "choose");
  return { applicationId, leadId, consentId: chosen.chooseLender.id };
}

export type ReadOutcome = "granted" | "denied" | "unavailable";

/** A lender's read of a name: granted (a value came back), denied (no value, a refusal), or unavailable (503, no answer). */
export async function readName(url: string, apiKey: string, leadId: string): Promise<{ outcome: ReadOutcome; code?: string; reason?: string }> {
  let result: HttpResult;
  try {
    result = await graphql(url, READ_NAME, { id: leadId }, apiKey, AbortSignal.timeout(10_000));
  } catch {
    return { outcome: "unavailable" };
  }
  const name = result.body?.data?.lead?.application?.applicant?.fullName;
  if (typeof name === "string" && name.length > 0) return { outcome: "granted" };
  const code = errorCode(result);
  const reason = result.body?.errors?.[0]?.extensions?.reason;
  if (result.status >= 500 || code === "SERVICE_UNAVAILABLE" || code === "INTERNAL_SERVER_ERROR") return { outcome: "unavailable", code };
  return { outcome: "denied", code, reason };
}

/** A second admin approves every change pending on the lender, through `url`. */
export async function approveAllThrough(url: string, lenderId: string): Promise<void> {
  const checker = await token("admin", "cluster-checker");
  const pending = dataOf(await graphql(url, PENDING_CHANGES, { id: lenderId }, checker), "pending changes").lender.pendingChanges;
  for (const change of pending) dataOf(await graphql(url, APPROVE_CHANGE, { id: change.id }, checker), "approve");
}

/** `gateway_transaction_retries_total`, summed over operations, as one gateway's /metrics shows it. */
export async function transactionRetries(url: string): Promise<number> {
  try {
    const text = await (await fetch(`${url}/metrics`)).text();
    return text.split("\n").filter(line => line.startsWith("gateway_transaction_retries_total{"))
      .reduce((sum, line) => sum + Number(line.split(" ").pop()), 0);
  } catch {
    return 0;
  }
}
