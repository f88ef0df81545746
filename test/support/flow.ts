import { PiiCategory } from "../../src/model/pii-category";
import { TestIdentity, uniqueIdentity } from "./identities";
import { APPROVE_CHANGE, CHOOSE, CREATE_LENDER, ISSUE_KEY, PENDING_CHANGES, SET_PERMISSIONS, SUBMIT } from "./documents";
import { TestGateway } from "./gateway";

export const ALL_CATEGORIES: PiiCategory[] = [PiiCategory.NAME, PiiCategory.NATIONAL_ID, PiiCategory.PHONE, PiiCategory.EMAIL];

export interface TestLender {
  id: string;
  apiKey: string;
  apiKeyId: string;
}

/** Fails the test with the response when GraphQL reported errors. */
export function expectData<T = any>(result: { body: { data?: any; errors?: unknown[] }; text: string }): T {
  if (result.body.errors && result.body.errors.length > 0) throw new Error(`unexpected errors: ${result.text}`);
  return result.body.data as T;
}

/** A second admin's token, for what one admin cannot do alone (`ops-2`, the personas' second admin). */
export function secondAdminOf(gateway: TestGateway): Promise<string> {
  return gateway.token("admin", "ops-2");
}

/** A different admin approves every change pending on the lender (dual control), as an onboarding team would. */
export async function approvePendingChanges(gateway: TestGateway, lenderId: string, approverToken?: string): Promise<string[]> {
  const approver = approverToken ?? await secondAdminOf(gateway);
  const pending = expectData(await gateway.request(PENDING_CHANGES, { id: lenderId }, approver)).lender.pendingChanges as Array<{ id: string }>;
  for (const change of pending) expectData(await gateway.request(APPROVE_CHANGE, { id: change.id }, approver));
  return pending.map(change => change.id);
}

/**
 * An ACTIVE lender with `permitted` categories (requested by `adminToken`, approved by a second
 * admin) and an API key.
 */
export async function onboardLender(
  gateway: TestGateway,
  adminToken: string,
  name: string,
  permitted: PiiCategory[] = ALL_CATEGORIES,
  criteria: Record<string, unknown> = { minAmount: 1000, maxAmount: 500000, minTermMonths: 1, maxTermMonths: 60 },
): Promise<TestLender> {
  const created = expectData(await gateway.request(CREATE_LENDER, {
    input: { name, legalName: `${name} Consumer Finance Co., Ltd.`, contactEmail: `privacy@${name.toLowerCase()}.example`, criteria },
  }, adminToken));
  const id = created.createLender.id as string;
  if (permitted.length > 0) {
    expectData(await gateway.request(SET_PERMISSIONS, { id, categories: permitted }, adminToken));
    await approvePendingChanges(gateway, id);
  }
  const issued = expectData(await gateway.request(ISSUE_KEY, { id, label: "integration" }, adminToken));
  return { id, apiKey: issued.issueApiKey.secret, apiKeyId: issued.issueApiKey.apiKey.id };
}

export function applicationInput(identity: TestIdentity = uniqueIdentity(), overrides: Record<string, unknown> = {}) {
  return {
    amount: 50000,
    termMonths: 12,
    purpose: "CONSUMPTION",
    city: "北京",
    monthlyIncome: 12000,
    fullName: identity.fullName,
    nationalId: identity.nationalId,
    phone: identity.phone,
    email: identity.email,
    ...overrides,
  };
}

export async function submitApplication(gateway: TestGateway, applicantToken: string, identity: TestIdentity, key = `key-${Math.random().toString(36).slice(2)}`) {
  const data = expectData(await gateway.request(SUBMIT, { input: applicationInput(identity), key }, applicantToken));
  return data.submitApplication.id as string;
}

export async function leadIdFor(gateway: TestGateway, lender: TestLender, applicationId: string): Promise<string> {
  const data = expectData(await gateway.request(`query { leads(first: 100) { edges { node { id application { id } } } } }`, {}, lender.apiKey));
  const edge = data.leads.edges.find((e: any) => e.node.application.id === applicationId);
  if (!edge) throw new Error("lead not found for lender");
  return edge.node.id;
}

export async function choose(gateway: TestGateway, applicantToken: string, applicationId: string, lenderId: string, categories: PiiCategory[]) {
  const data = expectData(await gateway.request(CHOOSE, { input: { applicationId, lenderId, categories } }, applicantToken));
  return data.chooseLender.id as string;
}
