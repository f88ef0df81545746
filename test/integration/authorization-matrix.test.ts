import { MoreThan } from "typeorm";
import { AccessOutcome, PiiAccess } from "../../src/model/pii-access.type";
import { lastRecordSeq, storedReads } from "../support/access-log";
import { signDevelopmentToken } from "../../src/auth/jwt";
import { Consent } from "../../src/model/consent.entity";
import { PiiCategory } from "../../src/model/pii-category";
import { GraphQLResult, TestGateway } from "../support/gateway";
import { TestIdentity, uniqueIdentity } from "../support/identities";
import { SET_PERMISSIONS, WITHDRAW_CONSENT } from "../support/documents";
import { ALL_CATEGORIES, TestLender, choose, expectData, leadIdFor, onboardLender, submitApplication } from "../support/flow";
import { setLenderStatus, startWithPersonas } from "../support/personas";
import { REVOKE_KEY, SET_STATUS } from "../support/documents";

type Field = "fullName" | "nationalId" | "phone" | "email";
const FIELDS: ReadonlyArray<[Field, PiiCategory]> = [
  ["fullName", PiiCategory.NAME],
  ["nationalId", PiiCategory.NATIONAL_ID],
  ["phone", PiiCategory.PHONE],
  ["email", PiiCategory.EMAIL],
];

type Reason =
  | "NO_CONSENT" | "CONSENT_WITHDRAWN" | "CONSENT_EXPIRED" | "CATEGORY_NOT_CONSENTED" | "PARTNER_NOT_PERMITTED" | "LENDER_SUSPENDED"
  | "CONSENT_TERMINATED";
/** A lender cell: the plain value (audited GRANTED), FORBIDDEN with a reason (audited DENIED), or no request at all. */
type LenderCell = "VALUE" | Reason | "UNAUTHENTICATED";
type LenderKey = "consented" | "unconsented" | "withdrawn" | "expired" | "partial" | "narrowed" | "suspended" | "revoked";
const LENDER_KEYS: LenderKey[] = ["consented", "unconsented", "withdrawn", "expired", "partial", "narrowed", "suspended", "revoked"];

const every = (cell: LenderCell): Record<Field, LenderCell> => ({ fullName: cell, nationalId: cell, phone: cell, email: cell });
const nameAndPhoneOnly = (others: Reason): Record<Field, LenderCell> =>
  ({ fullName: "VALUE", nationalId: others, phone: "VALUE", email: others });

const IDENTITY = "applicant { id city fullName nationalId phone email }";
/** Both ways a lender reaches an applicant, in one request: its lead list and one lead by id. */
const LENDER_READ = `query($leadId: ID!) {
  leads(first: 100) { edges { node { id application { id ${IDENTITY} } } } }
  lead(id: $leadId) { id application { id ${IDENTITY} } } }`;
const APPLICATION_READ = `query($id: ID!) { application(id: $id) { id ${IDENTITY} } }`;

/** What an admin sees, written out from the identity (not from src/privacy/masking). */
const MASKS: Record<Field, (value: string) => string> = {
  fullName: value => Array.from(value)[0] + "*".repeat(Array.from(value).length - 1),
  nationalId: value => `**************${value.slice(-4)}`,
  phone: value => `139******${value.slice(-2)}`,
  // The test identities' domain (example.com) is nobody's public mail provider: its last label only.
  email: value => `${value[0]}***@***.com`,
};

const valueAt = (data: unknown, path: readonly (string | number)[]): any =>
  path.reduce<any>((node, key) => (node === null || node === undefined ? node : node[key]), data);

/** The error shape clients branch on, one entry per error whose path ends in `field`, in path order. */
function errorsAt(result: GraphQLResult, field: Field) {
  return (result.body.errors ?? [])
    .filter(error => error.path?.[error.path.length - 1] === field)
    .map(error => ({ path: error.path?.join("."), code: error.extensions?.code, reason: error.extensions?.reason }))
    .sort((a, b) => String(a.path).localeCompare(String(b.path)));
}

function expectUnauthenticated(result: GraphQLResult): void {
  expect(result.body.data ?? null).toBeNull();
  expect((result.body.errors ?? []).map(error => error.extensions?.code)).toEqual(["UNAUTHENTICATED"]);
}

describe("authorization matrix: every @pii field of Applicant × every persona", () => {
  let gateway: TestGateway;
  let admin: string;
  let alice: string;
  let bob: string;
  const identity = uniqueIdentity("19900307");
  const bobIdentity = uniqueIdentity("19850611");
  let applicationId: string;
  let bobApplicationId: string;
  const lenders = {} as Record<LenderKey, TestLender>;
  const leadIds = {} as Record<LenderKey, string>;
  const consentIds = {} as Partial<Record<LenderKey, string>>;

  beforeAll(async () => {
    ({ gateway, admin, applicant: alice, otherApplicant: bob } = await startWithPersonas());
    // Bob applies before any lender exists, so no lender has a lead on his application.
    bobApplicationId = await submitApplication(gateway, bob, bobIdentity);
    for (const key of LENDER_KEYS) lenders[key] = await onboardLender(gateway, admin, `Matrix${key}`);
    applicationId = await submitApplication(gateway, alice, identity);
    for (const key of LENDER_KEYS) {
      leadIds[key] = await leadIdFor(gateway, lenders[key], applicationId);
      if (key === "unconsented") continue;
      const categories = key === "partial" ? [PiiCategory.NAME, PiiCategory.PHONE] : ALL_CATEGORIES;
      consentIds[key] = await choose(gateway, alice, applicationId, lenders[key].id, categories);
    }
  });

  afterAll(async () => gateway?.stop());

  const asAdmin = async (query: string, variables: Record<string, unknown>) =>
    expectData(await gateway.request(query, variables, admin));

  interface LenderRow {
    persona: string;
    lender: LenderKey;
    /** A state change made just before this row's request; rows run in order. */
    arrange?: () => Promise<unknown>;
    cells: Record<Field, LenderCell>;
  }

  // Each denial sits next to a positive twin: the same lender reading before the change, or the
  // covered categories of the same request.
  const LENDER_MATRIX: LenderRow[] = [
    { persona: "with an active consent to all four categories", lender: "consented", cells: every("VALUE") },
    { persona: "with no consent", lender: "unconsented", cells: every("NO_CONSENT") },
    {
      persona: "with no consent, once the applicant chooses it", lender: "unconsented", cells: every("VALUE"),
      arrange: () => choose(gateway, alice, applicationId, lenders.unconsented.id, ALL_CATEGORIES),
    },
    { persona: "before its consent is withdrawn", lender: "withdrawn", cells: every("VALUE") },
    {
      persona: "whose consent was withdrawn", lender: "withdrawn", cells: every("CONSENT_WITHDRAWN"),
      arrange: async () => expectData(await gateway.request(WITHDRAW_CONSENT, { id: consentIds.withdrawn }, alice)),
    },
    { persona: "before its consent expires", lender: "expired", cells: every("VALUE") },
    {
      persona: "whose consent expired", lender: "expired", cells: every("CONSENT_EXPIRED"),
      // The design has no API to move time: the consent's expires_at is moved into the past.
      arrange: () => gateway.dataSource.getRepository(Consent)
        .update({ id: consentIds.expired }, { expiresAt: new Date(Date.now() - 60_000) }),
    },
    { persona: "whose consent covers NAME and PHONE only", lender: "partial", cells: nameAndPhoneOnly("CATEGORY_NOT_CONSENTED") },
    {
      persona: "consented to all four but permitted NAME and PHONE only by the admin", lender: "narrowed",
      cells: nameAndPhoneOnly("PARTNER_NOT_PERMITTED"),
      arrange: () => asAdmin(SET_PERMISSIONS, { id: lenders.narrowed.id, categories: [PiiCategory.NAME, PiiCategory.PHONE] }),
    },
    { persona: "before its suspension", lender: "suspended", cells: every("VALUE") },
    {
      persona: "suspended after the consent was granted", lender: "suspended", cells: every("LENDER_SUSPENDED"),
      arrange: () => asAdmin(SET_STATUS, { id: lenders.suspended.id, status: "SUSPENDED" }),
    },
    {
      // Suspension terminated the consent: reactivation does not bring it back; the applicant must choose again.
      persona: "reactivated after suspension", lender: "suspended", cells: every("CONSENT_TERMINATED"),
      arrange: () => setLenderStatus(gateway, admin, lenders.suspended, "ACTIVE"),
    },
    { persona: "before its API key is revoked", lender: "revoked", cells: every("VALUE") },
    {
      persona: "whose API key was revoked", lender: "revoked", cells: every("UNAUTHENTICATED"),
      arrange: () => asAdmin(REVOKE_KEY, { id: lenders.revoked.apiKeyId }),
    },
  ];

  describe.each(LENDER_MATRIX)("lender $persona", row => {
    let result: GraphQLResult;
    /** The access-log rows this one request wrote for (lender, application). */
    let written: PiiAccess[];

    beforeAll(async () => {
      await row.arrange?.();
      const before = await lastRecordSeq(gateway.dataSource);
      result = await gateway.request(LENDER_READ, { leadId: leadIds[row.lender] }, lenders[row.lender].apiKey);
      written = await storedReads(gateway.dataSource, { seq: MoreThan(before), lenderId: lenders[row.lender].id, applicationId });
    });

    it.each(FIELDS)("%s (%s)", (field, category) => {
      const cell = row.cells[field];
      const raw = identity[field];
      const audit = written.filter(access => access.field === field);
      if (cell === "UNAUTHENTICATED") {
        expectUnauthenticated(result);
        expect(result.text).not.toContain(raw);
        expect(audit).toHaveLength(0);
        return;
      }
      const data = result.body.data;
      const edge = (data?.leads.edges ?? []).findIndex((e: any) => e.node.application.id === applicationId);
      expect(edge).toBeGreaterThanOrEqual(0);
      const paths = [["leads", "edges", edge, "node", "application", "applicant"], ["lead", "application", "applicant"]];
      for (const path of paths) {
        const applicant = valueAt(data, path);
        expect(applicant.city).toBe("北京市");
        expect(applicant[field]).toBe(cell === "VALUE" ? raw : null);
      }
      // Read at two paths, decided and audited once for the request.
      expect(audit).toHaveLength(1);
      expect(audit[0].category).toBe(category);
      if (cell === "VALUE") {
        expect(errorsAt(result, field)).toEqual([]);
        expect(audit[0]).toMatchObject({ outcome: AccessOutcome.GRANTED, reason: null, consentId: expect.any(String) });
      } else {
        const expected = paths
          .map(path => ({ path: [...path, field].join("."), code: "FORBIDDEN", reason: cell }))
          .sort((a, b) => a.path.localeCompare(b.path));
        expect(errorsAt(result, field)).toEqual(expected);
        expect(audit[0]).toMatchObject({ outcome: AccessOutcome.DENIED, reason: cell });
        expect(result.text).not.toContain(raw);
      }
    });
  });

  type CallerOutcome = "OWN" | "MASKED" | "NOT_FOUND" | "UNAUTHENTICATED";
  interface CallerRow {
    persona: string;
    token: () => Promise<string | undefined> | string | undefined;
    application: () => string;
    /** Whose identity is at stake in the response. */
    owner: () => TestIdentity;
    outcome: CallerOutcome;
  }

  const CALLER_MATRIX: CallerRow[] = [
    { persona: "the applicant itself", token: () => alice, application: () => applicationId, owner: () => identity, outcome: "OWN" },
    { persona: "another applicant", token: () => bob, application: () => applicationId, owner: () => identity, outcome: "NOT_FOUND" },
    {
      persona: "another applicant, on its own application", token: () => bob, application: () => bobApplicationId,
      owner: () => bobIdentity, outcome: "OWN",
    },
    { persona: "an admin", token: () => admin, application: () => applicationId, owner: () => identity, outcome: "MASKED" },
    { persona: "anonymous", token: () => undefined, application: () => applicationId, owner: () => identity, outcome: "UNAUTHENTICATED" },
    {
      persona: "a garbage bearer token", token: () => "not-a-token", application: () => applicationId,
      owner: () => identity, outcome: "UNAUTHENTICATED",
    },
    {
      persona: "an admin token signed with another secret",
      token: () => signDevelopmentToken(new TextEncoder().encode("some-other-secret-0123456789abcdefghijklmnop"), "admin", "ops-1"),
      application: () => applicationId, owner: () => identity, outcome: "UNAUTHENTICATED",
    },
  ];

  describe.each(CALLER_MATRIX)("$persona via application(id:)", row => {
    let result: GraphQLResult;

    beforeAll(async () => {
      result = await gateway.request(APPLICATION_READ, { id: row.application() }, await row.token());
    });

    it.each(FIELDS)("%s (%s)", field => {
      const raw = row.owner()[field];
      switch (row.outcome) {
        case "OWN":
          expect(expectData(result).application.applicant[field]).toBe(raw);
          return;
        case "MASKED": {
          const masked = expectData(result).application.applicant[field];
          expect(masked).toBe(MASKS[field](raw));
          expect(masked).not.toBe(raw);
          expect(result.text).not.toContain(raw);
          return;
        }
        case "NOT_FOUND":
          expect(result.body.data?.application).toBeNull();
          expect((result.body.errors ?? []).map(error => [error.path?.join("."), error.extensions?.code]))
            .toEqual([["application", "NOT_FOUND"]]);
          expect(result.text).not.toContain(raw);
          return;
        case "UNAUTHENTICATED":
          expectUnauthenticated(result);
          expect(result.text).not.toContain(raw);
          return;
        default: {
          const unreachable: never = row.outcome;
          throw new Error(`unknown outcome ${String(unreachable)}`);
        }
      }
    });
  });
});
