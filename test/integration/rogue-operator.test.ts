import { AdminChange } from "../../src/model/admin-change.entity";
import { PiiCategory } from "../../src/model/pii-category";
import { APPROVE_CHANGE, ISSUE_KEY, PENDING_CHANGES, REJECT_CHANGE, REVOKE_KEY, SET_PERMISSIONS, SET_STATUS } from "../support/documents";
import { type TestLender, choose, expectData, leadIdFor, onboardLender, submitApplication } from "../support/flow";
import type { GraphQLResult, TestGateway } from "../support/gateway";
import { uniqueIdentity } from "../support/identities";
import { startWithPersonas } from "../support/personas";

const PHONE_READ = "query($lead: ID!) { lead(id: $lead) { application { applicant { phone fullName } } } }";
const SET_BUDGET = "mutation($id: ID!, $budget: Int) { setLenderReadBudget(lenderId: $id, dailyReadBudget: $budget) { id dailyReadBudget } }";
const ACTION_LOG = `query($lenderId: ID, $actor: String) { adminActionLog(lenderId: $lenderId, actor: $actor, first: 100) {
  edges { node { id at actor action lenderId applicationId summary requestId } } } }`;
const CHANGES = "query($status: AdminChangeStatus) { adminChanges(status: $status, first: 100) { edges { node { id kind status lender { id } requestedBy decidedBy } } } }";

const codes = (result: GraphQLResult) => (result.body.errors ?? []).map(error => error.extensions?.code);
const reasons = (result: GraphQLResult) => (result.body.errors ?? []).map(error => error.extensions?.reason);

/**
 * The operator as the adversary: one admin, alone, cannot widen what a lender receives; every
 * privileged act is recorded with who did it.
 */
describe("a rogue operator", () => {
  let gateway: TestGateway;
  let admin: string;
  let secondAdmin: string;
  let applicant: string;

  beforeAll(async () => {
    ({ gateway, admin, secondAdmin, applicant } = await startWithPersonas());
  });
  afterAll(async () => gateway?.stop());

  /**
   * A lender chosen by `applicant` for PHONE on a new application (a consent only covers what the
   * lender is permitted), then narrowed to nothing: its consent stands, its permission does not.
   */
  async function chosenLender(name: string): Promise<{ lender: TestLender; lead: string; phone: string }> {
    const lender = await onboardLender(gateway, admin, name, [PiiCategory.PHONE]);
    const identity = uniqueIdentity();
    const applicationId = await submitApplication(gateway, applicant, identity);
    await choose(gateway, applicant, applicationId, lender.id, [PiiCategory.PHONE]);
    expectData(await gateway.request(SET_PERMISSIONS, { id: lender.id, categories: [] }, admin));
    return { lender, lead: await leadIdFor(gateway, lender, applicationId), phone: identity.phone };
  }

  const pendingOf = async (lenderId: string) =>
    expectData(await gateway.request(PENDING_CHANGES, { id: lenderId }, admin)).lender.pendingChanges as Array<{ id: string; kind: string; requestedBy: string }>;
  const phoneOf = async (lender: TestLender, lead: string) => (await gateway.request(PHONE_READ, { lead }, lender.apiKey));

  describe("permitting a category", () => {
    it("one admin's permission is only a pending change: the lender still reads nothing", async () => {
      const { lender, lead, phone } = await chosenLender("Alone");
      const set = expectData(await gateway.request(SET_PERMISSIONS, { id: lender.id, categories: [PiiCategory.PHONE] }, admin));
      expect(set.setFieldPermissions.permittedCategories).toEqual([]);
      expect(await pendingOf(lender.id)).toEqual([expect.objectContaining({ kind: "PERMIT_CATEGORIES", requestedBy: "ops-1" })]);
      const read = await phoneOf(lender, lead);
      expect(read.body.data?.lead.application.applicant.phone).toBeNull();
      expect(reasons(read)).toContain("PARTNER_NOT_PERMITTED");
      expect(read.text).not.toContain(phone);
    });

    it("the same admin cannot approve its own change (FORBIDDEN, SAME_ADMIN), and nothing applies", async () => {
      const { lender, lead } = await chosenLender("SelfApproval");
      expectData(await gateway.request(SET_PERMISSIONS, { id: lender.id, categories: [PiiCategory.PHONE] }, admin));
      const [change] = await pendingOf(lender.id);
      const refused = await gateway.request(APPROVE_CHANGE, { id: change.id }, admin);
      expect(codes(refused)).toEqual(["FORBIDDEN"]);
      expect(reasons(refused)).toEqual(["SAME_ADMIN"]);
      expect(await pendingOf(lender.id)).toHaveLength(1);
      expect((await phoneOf(lender, lead)).body.data?.lead.application.applicant.phone).toBeNull();
    });

    it("positive twin: a second admin approves, and the lender reads exactly the permitted category on its next request", async () => {
      const { lender, lead, phone } = await chosenLender("Checked");
      expectData(await gateway.request(SET_PERMISSIONS, { id: lender.id, categories: [PiiCategory.PHONE] }, admin));
      const [change] = await pendingOf(lender.id);
      const approved = expectData(await gateway.request(APPROVE_CHANGE, { id: change.id }, secondAdmin)).approveAdminChange;
      expect(approved).toEqual({ id: change.id, kind: "PERMIT_CATEGORIES", status: "APPLIED", requestedBy: "ops-1", decidedBy: "ops-2" });
      const read = await phoneOf(lender, lead);
      expect(read.body.data?.lead.application.applicant).toEqual({ phone, fullName: null });
      expect(await pendingOf(lender.id)).toEqual([]);
      // Decided once: a second decision is refused.
      expect(reasons(await gateway.request(APPROVE_CHANGE, { id: change.id }, admin))).toEqual(["CHANGE_NOT_PENDING"]);
    });

    it("removing a category applies at once, without a second admin", async () => {
      const { lender, lead } = await chosenLender("Narrowed");
      expectData(await gateway.request(SET_PERMISSIONS, { id: lender.id, categories: [PiiCategory.PHONE] }, admin));
      await gateway.request(APPROVE_CHANGE, { id: (await pendingOf(lender.id))[0].id }, secondAdmin);
      const narrowed = expectData(await gateway.request(SET_PERMISSIONS, { id: lender.id, categories: [] }, admin));
      expect(narrowed.setFieldPermissions.permittedCategories).toEqual([]);
      expect(reasons(await phoneOf(lender, lead))).toContain("PARTNER_NOT_PERMITTED");
    });

    it("a change made stale by a later narrowing is refused (CHANGE_STALE), not applied blindly", async () => {
      const { lender } = await chosenLender("Stale");
      expectData(await gateway.request(SET_PERMISSIONS, { id: lender.id, categories: [PiiCategory.PHONE] }, admin));
      await gateway.request(APPROVE_CHANGE, { id: (await pendingOf(lender.id))[0].id }, secondAdmin);
      // ops-2 asks to add NAME to [PHONE]; then ops-1 takes PHONE away.
      expectData(await gateway.request(SET_PERMISSIONS, { id: lender.id, categories: [PiiCategory.PHONE, PiiCategory.NAME] }, secondAdmin));
      const [stale] = await pendingOf(lender.id);
      expectData(await gateway.request(SET_PERMISSIONS, { id: lender.id, categories: [] }, admin));
      const refused = await gateway.request(APPROVE_CHANGE, { id: stale.id }, admin);
      expect(codes(refused)).toEqual(["BAD_USER_INPUT"]);
      expect(reasons(refused)).toEqual(["CHANGE_STALE"]);
      expect(expectData(await gateway.request(PENDING_CHANGES, { id: lender.id }, admin)).lender.permittedCategories).toEqual([]);
    });

    it("a narrowing makes a change stale for good, even when the lender is put back as it was", async () => {
      const { lender } = await chosenLender("Reverted");
      // ops-2 asks for PHONE; ops-1 (alone) permits NAME with a third admin, then narrows back to nothing.
      expectData(await gateway.request(SET_PERMISSIONS, { id: lender.id, categories: [PiiCategory.PHONE] }, secondAdmin));
      const [phoneChange] = await pendingOf(lender.id);
      const third = await gateway.token("admin", "ops-3");
      expectData(await gateway.request(SET_PERMISSIONS, { id: lender.id, categories: [PiiCategory.NAME] }, third));
      const nameChange = (await pendingOf(lender.id)).find(change => change.id !== phoneChange.id)!;
      expectData(await gateway.request(APPROVE_CHANGE, { id: nameChange.id }, secondAdmin));
      expectData(await gateway.request(SET_PERMISSIONS, { id: lender.id, categories: [] }, admin));
      const refused = await gateway.request(APPROVE_CHANGE, { id: phoneChange.id }, admin);
      expect(reasons(refused)).toEqual(["CHANGE_STALE"]);
      expect(expectData(await gateway.request(PENDING_CHANGES, { id: lender.id }, admin)).lender.permittedCategories).toEqual([]);
    });

    it("suspending a suspended lender makes a pending reactivation stale (incident response)", async () => {
      const lender = await onboardLender(gateway, admin, "Incident");
      expectData(await gateway.request(SET_STATUS, { id: lender.id, status: "SUSPENDED" }, admin));
      expectData(await gateway.request(SET_STATUS, { id: lender.id, status: "ACTIVE" }, secondAdmin));
      const [reactivation] = await pendingOf(lender.id);
      expectData(await gateway.request(SET_STATUS, { id: lender.id, status: "SUSPENDED" }, admin));
      expect(reasons(await gateway.request(APPROVE_CHANGE, { id: reactivation.id }, admin))).toEqual(["CHANGE_STALE"]);
      expect(expectData(await gateway.request(PENDING_CHANGES, { id: lender.id }, admin)).lender.status).toBe("SUSPENDED");
    });

    it("an expired change cannot be approved, and lists as EXPIRED", async () => {
      const { lender } = await chosenLender("Expired");
      expectData(await gateway.request(SET_PERMISSIONS, { id: lender.id, categories: [PiiCategory.PHONE] }, admin));
      const [change] = await pendingOf(lender.id);
      // No API moves time: the change's expiry is moved into the past (ADMIN_CHANGE_TTL_HOURS elapsed).
      await gateway.dataSource.getRepository(AdminChange).update({ id: change.id }, { expiresAt: new Date(Date.now() - 1000) });
      expect(reasons(await gateway.request(APPROVE_CHANGE, { id: change.id }, secondAdmin))).toEqual(["CHANGE_NOT_PENDING"]);
      const expired = expectData(await gateway.request(CHANGES, { status: "EXPIRED" }, admin)).adminChanges.edges.map((edge: any) => edge.node.id);
      expect(expired).toContain(change.id);
      const pending = expectData(await gateway.request(CHANGES, { status: "PENDING" }, admin)).adminChanges.edges.map((edge: any) => edge.node.id);
      expect(pending).not.toContain(change.id);
    });

    it("the requester may withdraw its own request by rejecting it", async () => {
      const { lender } = await chosenLender("Withdrawn");
      expectData(await gateway.request(SET_PERMISSIONS, { id: lender.id, categories: [PiiCategory.PHONE] }, admin));
      const [change] = await pendingOf(lender.id);
      expect(expectData(await gateway.request(REJECT_CHANGE, { id: change.id }, admin)).rejectAdminChange)
        .toMatchObject({ status: "REJECTED", decidedBy: "ops-1" });
      expect(reasons(await gateway.request(APPROVE_CHANGE, { id: change.id }, secondAdmin))).toEqual(["CHANGE_NOT_PENDING"]);
    });
  });

  describe("reactivating a suspended lender and raising a budget", () => {
    it("suspension applies at once; reactivation waits for a second admin", async () => {
      const lender = await onboardLender(gateway, admin, "Sleeper");
      expect(expectData(await gateway.request(SET_STATUS, { id: lender.id, status: "SUSPENDED" }, admin)).setLenderStatus.status).toBe("SUSPENDED");
      expect(expectData(await gateway.request(SET_STATUS, { id: lender.id, status: "ACTIVE" }, admin)).setLenderStatus.status).toBe("SUSPENDED");
      const [change] = await pendingOf(lender.id);
      expect(change.kind).toBe("REACTIVATE_LENDER");
      expect(reasons(await gateway.request(APPROVE_CHANGE, { id: change.id }, admin))).toEqual(["SAME_ADMIN"]);
      expectData(await gateway.request(APPROVE_CHANGE, { id: change.id }, secondAdmin));
      expect(expectData(await gateway.request(PENDING_CHANGES, { id: lender.id }, admin)).lender.status).toBe("ACTIVE");
    });

    it("lowering a budget applies at once; raising it waits for a second admin", async () => {
      const lender = await onboardLender(gateway, admin, "Budget");
      expect(expectData(await gateway.request(SET_BUDGET, { id: lender.id, budget: 10 }, admin)).setLenderReadBudget.dailyReadBudget).toBe(10);
      expect(expectData(await gateway.request(SET_BUDGET, { id: lender.id, budget: 50_000 }, admin)).setLenderReadBudget.dailyReadBudget).toBe(10);
      const [change] = await pendingOf(lender.id);
      expect(change.kind).toBe("RAISE_READ_BUDGET");
      expectData(await gateway.request(APPROVE_CHANGE, { id: change.id }, secondAdmin));
      expect(expectData(await gateway.request("query($id: ID!) { lender(id: $id) { dailyReadBudget } }", { id: lender.id }, admin)).lender.dailyReadBudget).toBe(50_000);
    });
  });

  it("a lender reads the changes pending on itself, but never which admin requested them (FORBIDDEN at requestedBy)", async () => {
    const { lender, lead } = await chosenLender("Curious");
    // chosenLender narrowed it to nothing; adding PHONE back waits for a second admin: one pending change.
    expectData(await gateway.request(SET_PERMISSIONS, { id: lender.id, categories: [PiiCategory.PHONE] }, admin));
    const own = expectData(await gateway.request("query($lead: ID!) { lead(id: $lead) { lender { id pendingChanges { id kind summary } } } }", { lead }, lender.apiKey));
    expect(own.lead.lender.pendingChanges).toEqual([expect.objectContaining({ kind: "PERMIT_CATEGORIES", summary: "permit PHONE" })]);
    const withActor = await gateway.request("query($lead: ID!) { lead(id: $lead) { lender { id pendingChanges { id requestedBy } } } }", { lead }, lender.apiKey);
    // requestedBy is non-null in the contract, so its denial nulls the lead it hangs from.
    expect(withActor.body.data?.lead ?? null).toBeNull();
    expect(codes(withActor)).toEqual(["FORBIDDEN"]);
    expect(withActor.body.errors?.[0].path).toEqual(["lead", "lender", "pendingChanges", 0, "requestedBy"]);
    expect(withActor.text).not.toContain("ops-1");
    // Twin: an admin reads who requested it.
    expect((await pendingOf(lender.id)).map(change => change.requestedBy)).toEqual(["ops-1"]);
  });

  it("every admin mutation, and an admin opening an application, is in the admin action log with its actor", async () => {
    const { lender, lead } = await chosenLender("Logged");
    const applicationId = expectData(await gateway.request("query($lead: ID!) { lead(id: $lead) { application { id } } }", { lead }, lender.apiKey)).lead.application.id;
    expectData(await gateway.request(SET_PERMISSIONS, { id: lender.id, categories: [PiiCategory.PHONE] }, admin));
    expectData(await gateway.request(APPROVE_CHANGE, { id: (await pendingOf(lender.id))[0].id }, secondAdmin));
    const issued = expectData(await gateway.request(ISSUE_KEY, { id: lender.id, label: "second" }, admin)).issueApiKey;
    expectData(await gateway.request("mutation($id: ID!) { rotateApiKey(id: $id, graceHours: 0) { apiKey { id } } }", { id: issued.apiKey.id }, admin));
    expectData(await gateway.request(REVOKE_KEY, { id: lender.apiKeyId }, secondAdmin));
    expectData(await gateway.request(SET_BUDGET, { id: lender.id, budget: 100 }, admin));
    expectData(await gateway.request(SET_STATUS, { id: lender.id, status: "SUSPENDED" }, secondAdmin));
    expectData(await gateway.request("query($id: ID!) { application(id: $id) { id applicant { phone } } }", { id: applicationId }, admin));

    const log = expectData(await gateway.request(ACTION_LOG, { lenderId: lender.id }, admin)).adminActionLog.edges.map((edge: any) => edge.node);
    expect(log.map((entry: any) => [entry.action, entry.actor]).reverse()).toEqual([
      // Onboarding (support/flow.ts), then the narrowing of chosenLender,
      ["createLender", "ops-1"], ["setFieldPermissions", "ops-1"], ["approveAdminChange", "ops-2"], ["issueApiKey", "ops-1"], ["setFieldPermissions", "ops-1"],
      // then this test's acts.
      ["setFieldPermissions", "ops-1"], ["approveAdminChange", "ops-2"], ["issueApiKey", "ops-1"], ["rotateApiKey", "ops-1"],
      ["revokeApiKey", "ops-2"], ["setLenderReadBudget", "ops-1"], ["setLenderStatus", "ops-2"],
    ]);
    for (const entry of log) expect(entry.requestId).toMatch(/^[0-9a-f-]{36}$/);
    const opened = expectData(await gateway.request(ACTION_LOG, { actor: "ops-1" }, admin)).adminActionLog.edges.map((edge: any) => edge.node)
      .find((entry: any) => entry.action === "readApplication" && entry.applicationId === applicationId);
    expect(opened).toMatchObject({ actor: "ops-1", lenderId: null });
    // By actor: only that person's acts.
    const bySecond = expectData(await gateway.request(ACTION_LOG, { actor: "ops-2" }, admin)).adminActionLog.edges;
    expect(bySecond.length).toBeGreaterThan(0);
    expect(bySecond.every((edge: any) => edge.node.actor === "ops-2")).toBe(true);
  });

  it("a refused act leaves no record and no change: the log shows what happened, not what was tried", async () => {
    const lender = await onboardLender(gateway, admin, "Refused", []);
    expectData(await gateway.request(SET_PERMISSIONS, { id: lender.id, categories: [PiiCategory.EMAIL] }, admin));
    const before = expectData(await gateway.request(ACTION_LOG, { lenderId: lender.id }, admin)).adminActionLog.edges.length;
    expect(reasons(await gateway.request(APPROVE_CHANGE, { id: (await pendingOf(lender.id))[0].id }, admin))).toEqual(["SAME_ADMIN"]);
    expect(expectData(await gateway.request(ACTION_LOG, { lenderId: lender.id }, admin)).adminActionLog.edges).toHaveLength(before);
  });

  it("applicants and lenders cannot read the action log or the changes, nor decide one", async () => {
    const lender = await onboardLender(gateway, admin, "Outsider", []);
    expectData(await gateway.request(SET_PERMISSIONS, { id: lender.id, categories: [PiiCategory.EMAIL] }, admin));
    const [change] = await pendingOf(lender.id);
    for (const caller of [applicant, lender.apiKey]) {
      expect(codes(await gateway.request(ACTION_LOG, {}, caller))).toEqual(["FORBIDDEN"]);
      expect(codes(await gateway.request(CHANGES, {}, caller))).toEqual(["FORBIDDEN"]);
      expect(codes(await gateway.request(APPROVE_CHANGE, { id: change.id }, caller))).toEqual(["FORBIDDEN"]);
    }
    expect(await pendingOf(lender.id)).toHaveLength(1);
  });
});

describe("every read of identity is recorded, whoever reads", () => {
  let gateway: TestGateway;
  let admin: string;
  let applicant: string;
  let lender: TestLender;
  let applicationId: string;
  const LOG = `query { myAccessLog(first: 100) { edges { node { id field outcome readerKind credentialId lender { id } } } } }`;
  const AUDIT = `query($kind: ReaderKind) { auditLog(filter: { readerKind: $kind }, first: 100) { edges { node { readerKind applicationId lender { id } credentialId } } } }`;

  beforeAll(async () => {
    ({ gateway, admin, applicant, lenders: [lender] } = await startWithPersonas({ lenders: ["Witnessed"] }));
    applicationId = await submitApplication(gateway, applicant, uniqueIdentity());
    await choose(gateway, applicant, applicationId, lender.id, [PiiCategory.PHONE]);
  });
  afterAll(async () => gateway?.stop());

  const myLog = async () => expectData(await gateway.request(LOG, {}, applicant)).myAccessLog.edges.map((edge: any) => edge.node);

  it("the applicant's own read, a staff read and a lender's read each appear in myAccessLog, staff without its name", async () => {
    expect(await myLog()).toEqual([]);
    expectData(await gateway.request("query($id: ID!) { application(id: $id) { applicant { phone } } }", { id: applicationId }, applicant));
    expectData(await gateway.request("query($id: ID!) { application(id: $id) { applicant { phone } } }", { id: applicationId }, admin));
    const lead = await leadIdFor(gateway, lender, applicationId);
    expectData(await gateway.request(PHONE_READ.replace(" fullName", ""), { lead }, lender.apiKey));
    const log = await myLog();
    expect(log.map((row: any) => row.readerKind).sort()).toEqual(["ADMIN", "APPLICANT", "LENDER"]);
    for (const row of log) expect(row).toMatchObject({ field: "phone", outcome: "GRANTED" });
    expect(log.find((row: any) => row.readerKind === "LENDER")).toMatchObject({ lender: { id: lender.id }, credentialId: lender.apiKeyId });
    expect(log.find((row: any) => row.readerKind === "ADMIN")).toMatchObject({ lender: null, credentialId: null });
    // The staff member's name is in the record for auditors, not in what the applicant sees.
    expect(JSON.stringify(log)).not.toContain("ops-1");
  });

  it("admins filter the audit log by reader kind", async () => {
    const staff = expectData(await gateway.request(AUDIT, { kind: "ADMIN" }, admin)).auditLog.edges.map((edge: any) => edge.node);
    expect(staff.length).toBeGreaterThan(0);
    expect(staff.every((row: any) => row.readerKind === "ADMIN" && row.lender === null && row.applicationId === applicationId)).toBe(true);
    const lenders = expectData(await gateway.request(AUDIT, { kind: "LENDER" }, admin)).auditLog.edges.map((edge: any) => edge.node);
    expect(lenders.every((row: any) => row.readerKind === "LENDER" && row.lender.id === lender.id)).toBe(true);
  });
});
