import { Connection } from "mysql2/promise";
import { uniqueIdentity } from "../../support/identities";
import { WITHDRAW_CONSENT } from "../../support/documents";
import { graphql, HttpResult, token } from "./gateway-process";
import { chooseOver, errorCode, submitOver } from "./scenario";

/**
 * Jepsen's set test, for the gateway: concurrent clients add elements (applications, each with
 * a unique idempotency key) while processes are killed; an operation the client saw
 * acknowledged must survive, exactly once. Every third application is also chosen for a lender
 * and the consent withdrawn, so consents and withdrawals are checked the same way.
 */
export interface Acknowledged {
  /** `${subject}/${key}` -> application id */
  applications: Map<string, string>;
  /** consent id -> application id, for consents whose grant was acknowledged */
  consents: Map<string, string>;
  /** consent ids whose withdrawal was acknowledged */
  withdrawals: Set<string>;
  /** Responses that no crash can excuse (an idempotency conflict on a retry, a wrong payload). */
  anomalies: string[];
  /** Attempts that got no acknowledgement (network error, SERVICE_UNAVAILABLE, ...) and were retried. */
  retries: number;
}

/** Answers that mean "not done, or not known to be done": retry the same operation. */
function retryable(result: HttpResult | null): boolean {
  if (result === null) return true;
  const code = errorCode(result);
  return result.status >= 500 || code === "SERVICE_UNAVAILABLE" || code === "INTERNAL_SERVER_ERROR";
}

async function attempt(operation: () => Promise<HttpResult>): Promise<HttpResult | null> {
  try {
    return await operation();
  } catch {
    return null; // connection refused or reset: the gateway is down or was killed mid-request
  }
}

export interface WorkloadOptions {
  /** Several: a client spreads its operations over them and retries an unanswered one on the next (a load balancer's failover). */
  url: string | readonly string[];
  clients: number;
  lenderId: string;
  /** New operations start only while this returns true; started ones run until acknowledged. */
  running: () => boolean;
  /** Absolute time after which even an unacknowledged operation gives up (and is not counted). */
  deadline: number;
}

export async function runSetWorkload(options: WorkloadOptions): Promise<Acknowledged> {
  const acknowledged: Acknowledged = { applications: new Map(), consents: new Map(), withdrawals: new Set(), anomalies: [], retries: 0 };
  const pause = () => new Promise(resolve => setTimeout(resolve, 50 + Math.random() * 150));

  const urls = typeof options.url === "string" ? [options.url] : options.url;
  let turn = 0;

  /** Repeats `operation` until it gets an answer that is not retryable, or the deadline passes. */
  async function untilAnswered(operation: (url: string) => Promise<HttpResult>): Promise<HttpResult | null> {
    for (;;) {
      turn += 1;
      const url = urls[turn % urls.length];
      const result = await attempt(() => operation(url));
      if (!retryable(result)) return result;
      acknowledged.retries += 1;
      if (Date.now() > options.deadline) return null;
      await pause();
    }
  }

  async function client(index: number): Promise<void> {
    const subject = `crash-client-${index}`;
    const bearer = await token("applicant", subject);
    const identity = uniqueIdentity();
    for (let sequence = 0; options.running(); sequence += 1) {
      const key = `c${index}-${sequence}`;
      const submitted = await untilAnswered(url => submitOver(url, bearer, key, identity));
      if (submitted === null) return;
      const applicationId = submitted.body.data?.submitApplication?.id;
      if (typeof applicationId !== "string") {
        acknowledged.anomalies.push(`submit ${key}: ${errorCode(submitted) ?? submitted.status}`);
        continue;
      }
      acknowledged.applications.set(`${subject}/${key}`, applicationId);
      if (sequence % 3 !== 0) continue;

      const chosen = await untilAnswered(url => chooseOver(url, bearer, applicationId, options.lenderId));
      if (chosen === null) return;
      const consentId = chosen.body.data?.chooseLender?.id;
      // A grant that committed but whose answer was lost comes back from an identical retry (the
      // same consent); one that is never answered was never acknowledged, so it is not counted.
      if (typeof consentId !== "string") continue;
      acknowledged.consents.set(consentId, applicationId);
      const withdrawn = await untilAnswered(url => graphql(url, WITHDRAW_CONSENT, { id: consentId }, bearer));
      if (withdrawn === null) return;
      if (withdrawn.body.data?.withdrawConsent?.status === "WITHDRAWN") acknowledged.withdrawals.add(consentId);
      else acknowledged.anomalies.push(`withdraw ${consentId}: ${errorCode(withdrawn) ?? withdrawn.status}`);
    }
  }

  await Promise.all(Array.from({ length: options.clients }, (_unused, index) => client(index)));
  return acknowledged;
}

/** The set test's final read, straight from the database. Returns the violations found. */
export async function checkAcknowledged(database: Connection, acknowledged: Acknowledged, leadsPerApplication: number, options: { workloadOnly?: boolean } = {}): Promise<string[]> {
  const violations = [...acknowledged.anomalies];
  // workloadOnly: the database also holds other tests' applications (a cluster shared by several phases).
  const [applicationRows] = await database.query(
    "SELECT a.id, a.idempotency_key AS idempotencyKey, p.subject, (SELECT COUNT(*) FROM leads l WHERE l.application_id = a.id) AS leadCount " +
      "FROM applications a JOIN applicants p ON p.id = a.applicant_id" + (options.workloadOnly ? " WHERE p.subject LIKE 'crash-client-%'" : ""),
  );
  const rows = applicationRows as Array<{ id: string; idempotencyKey: string; subject: string; leadCount: unknown }>;
  const byKey = new Map<string, string[]>();
  for (const row of rows) {
    const key = `${row.subject}/${row.idempotencyKey}`;
    byKey.set(key, [...(byKey.get(key) ?? []), row.id]);
    // Application and leads commit together or not at all.
    if (Number(row.leadCount) !== leadsPerApplication) violations.push(`application ${row.id} has ${row.leadCount} leads`);
  }
  for (const [key, ids] of byKey) if (ids.length > 1) violations.push(`key ${key} maps to ${ids.length} applications`);
  for (const [key, id] of acknowledged.applications) {
    const stored = byKey.get(key) ?? [];
    if (stored.length !== 1 || stored[0] !== id) violations.push(`acknowledged ${key} -> ${id}, stored [${stored.join(", ")}]`);
  }
  const [consentRows] = await database.query("SELECT id, application_id AS applicationId, status FROM consents");
  const consents = new Map((consentRows as Array<{ id: string; applicationId: string; status: string }>).map(row => [row.id, row]));
  for (const [consentId, applicationId] of acknowledged.consents) {
    const stored = consents.get(consentId);
    if (!stored || stored.applicationId !== applicationId) violations.push(`acknowledged consent ${consentId} is missing`);
  }
  for (const consentId of acknowledged.withdrawals) {
    if (consents.get(consentId)?.status !== "WITHDRAWN") violations.push(`acknowledged withdrawal of ${consentId} is not stored`);
  }
  return violations;
}
