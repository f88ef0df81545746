import type { PiiCategory } from "../../src/model/pii-category";
import { REVOKE_KEY, SET_STATUS } from "./documents";
import { ALL_CATEGORIES, type TestLender, approvePendingChanges, expectData, onboardLender } from "./flow";
import { type TestGateway, startTestGateway } from "./gateway";

/**
 * The people every suite talks about, signed in against one started gateway. Subjects are fixed
 * (each test file starts from an empty database); a test that needs another person signs one in
 * with `gateway.token`.
 */
export interface Personas {
  gateway: TestGateway;
  /** Staff member `ops-1`. */
  admin: string;
  /** Staff member `ops-2`: another person, for what one admin must not do alone. */
  secondAdmin: string;
  /** Applicant `alice`. */
  applicant: string;
  /** Applicant `bob`: another person, whose rows `alice` must never reach. */
  otherApplicant: string;
  /** No Authorization header at all. */
  anonymous: undefined;
  /** The lenders asked for, in the order asked, onboarded by `admin` (ACTIVE, with a key). */
  lenders: TestLender[];
}

/** A lender to onboard: its name, the categories it may ever receive (default all) and its criteria. */
export type LenderSpec = string | { name: string; permitted?: PiiCategory[]; criteria?: Record<string, unknown> };

export interface PersonaOptions {
  /** Environment for the gateway (CONSENT_TTL_DAYS, quotas, …). */
  env?: Record<string, string>;
  lenders?: LenderSpec[];
}

/** Starts a gateway on the test database and signs in the personas; onboards the lenders asked for. */
export async function startWithPersonas(options: PersonaOptions = {}): Promise<Personas> {
  const gateway = await startTestGateway(options.env);
  const admin = await gateway.token("admin", "ops-1");
  const lenders: TestLender[] = [];
  try {
    for (const spec of options.lenders ?? []) {
      const { name, permitted = ALL_CATEGORIES, criteria } = typeof spec === "string" ? { name: spec } : spec;
      lenders.push(await onboardLender(gateway, admin, name, permitted, criteria));
    }
  } catch (error) {
    // The suite's afterAll has no gateway to stop when this throws: stop it here, or its timers
    // (the sequencer) outlive the suite and keep Jest from exiting.
    await gateway.stop();
    throw error;
  }
  return {
    gateway,
    admin,
    secondAdmin: await gateway.token("admin", "ops-2"),
    applicant: await gateway.token("applicant", "alice"),
    otherApplicant: await gateway.token("applicant", "bob"),
    anonymous: undefined,
    lenders,
  };
}

/**
 * Sets a lender's status as admins would: SUSPENDED at once (its consents end); ACTIVE requested
 * by `admin` and approved by a second admin (dual control), reviving no consent.
 */
export async function setLenderStatus(gateway: TestGateway, admin: string, lender: Pick<TestLender, "id">, status: "ACTIVE" | "SUSPENDED") {
  const requested = expectData(await gateway.request(SET_STATUS, { id: lender.id, status }, admin)).setLenderStatus;
  if (status === "SUSPENDED") return requested;
  await approvePendingChanges(gateway, lender.id);
  return { ...requested, status };
}

/** Revokes the lender's key: its next request is UNAUTHENTICATED. */
export async function revokeKey(gateway: TestGateway, admin: string, lender: Pick<TestLender, "apiKeyId">) {
  return expectData(await gateway.request(REVOKE_KEY, { id: lender.apiKeyId }, admin)).revokeApiKey;
}
