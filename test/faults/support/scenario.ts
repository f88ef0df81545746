import { randomUUID } from "node:crypto";
import { uniqueIdentity } from "../../support/identities";
import { APPROVE_CHANGE, CHOOSE, CREATE_LENDER, ISSUE_KEY, PENDING_CHANGES, SET_PERMISSIONS, SUBMIT } from "../../support/documents";
import { ALL_CATEGORIES, applicationInput } from "../../support/flow";
import { HttpResult, graphql, token } from "./gateway-process";

/** Polls `probe` until it returns true; fails with `what` after `timeoutMs`. */
export async function eventually(what: string, timeoutMs: number, probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await probe()) return;
    } catch {
      // keep polling: the process or database may be between states
    }
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise(resolve => setTimeout(resolve, 200));
  }
}

export function errorCode(result: HttpResult): string | undefined {
  return result.body?.errors?.[0]?.extensions?.code;
}

export async function readiness(url: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${url}/readyz`);
  return { status: response.status, body: await response.json() };
}

/** An admin-created lender with every category permitted (approved by a second admin) and an API key. */
export async function onboardLenderOver(url: string, adminToken: string, name: string): Promise<{ id: string; apiKey: string }> {
  const created = await graphql(url, CREATE_LENDER, {
    input: {
      name, legalName: `${name} Consumer Finance Co., Ltd.`, contactEmail: `privacy@${name.toLowerCase()}.example`,
      criteria: { minAmount: 1000, maxAmount: 500000, minTermMonths: 1, maxTermMonths: 60 },
    },
  }, adminToken);
  const id = created.body.data.createLender.id as string;
  await graphql(url, SET_PERMISSIONS, { id, categories: ALL_CATEGORIES }, adminToken);
  const checker = await token("admin", "faults-checker");
  const pending = await graphql(url, PENDING_CHANGES, { id }, checker);
  for (const change of pending.body.data.lender.pendingChanges) await graphql(url, APPROVE_CHANGE, { id: change.id }, checker);
  const issued = await graphql(url, ISSUE_KEY, { id, label: "faults" }, adminToken);
  return { id, apiKey: issued.body.data.issueApiKey.secret as string };
}

export async function submitOver(url: string, applicantToken: string, key: string = randomUUID(), identity = uniqueIdentity()): Promise<HttpResult> {
  return graphql(url, SUBMIT, { input: applicationInput(identity), key }, applicantToken);
}

export async function chooseOver(url: string, applicantToken: string, applicationId: string, lenderId: string): Promise<HttpResult> {
  return graphql(url, CHOOSE, { input: { applicationId, lenderId, categories: ALL_CATEGORIES } }, applicantToken);
}

/** `work`'s result, or `fallback` if it takes longer than `ms`; the timer never outlives the race. */
export async function within<T, F>(work: Promise<T>, ms: number, fallback: F): Promise<T | F> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([work, new Promise<F>(resolve => (timer = setTimeout(() => resolve(fallback), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}

/** Sleeps a random time in [lowMs, highMs): faults land at unpredictable moments of the load. */
export function sleepRandomly(lowMs: number, highMs: number): Promise<void> {
  return sleep(lowMs + Math.random() * (highMs - lowMs));
}
