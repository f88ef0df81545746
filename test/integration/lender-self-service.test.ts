import { PiiCategory } from "../../src/model/pii-category";
import { SET_PERMISSIONS } from "../support/documents";
import { type TestLender, choose, expectData, leadIdFor, submitApplication } from "../support/flow";
import type { GraphQLResult, TestGateway } from "../support/gateway";
import { uniqueIdentity } from "../support/identities";
import { clientAssertion, registerApprovedKey, requestToken } from "../support/lender-keys";
import { startWithPersonas } from "../support/personas";

const PROFILE = `query { myLender {
  id name legalName status permittedCategories dailyReadBudget identityReadsToday
  apiKeys { id prefix label createdAt lastUsedAt revokedAt }
  publicKeys { id kid label createdAt lastUsedAt revokedAt }
  pendingChanges { id kind summary status }
  adminActions(first: 50) { edges { node { action at summary } } }
} }`;
const SET_BUDGET = "mutation($id: ID!, $budget: Int) { setLenderReadBudget(lenderId: $id, dailyReadBudget: $budget) { id } }";
const PHONE = "query($id: ID!) { lead(id: $id) { application { applicant { phone } } } }";
const GUARDED = "dailyReadBudget identityReadsToday apiKeys { id } publicKeys { id } pendingChanges { id } adminActions { edges { node { action } } }";

const AUDIENCE = "https://gateway.test";

const codesOf = (result: GraphQLResult) => (result.body.errors ?? []).map(error => error.extensions?.code);

/**
 * A lender reads its own profile (myLender): permissions, pending changes, budget and reads used
 * today, credentials with their last use, and the admin actions concerning it without who acted.
 * Another lender's are never shown to it; admins see them all.
 */
describe("the lender's own profile", () => {
  let gateway: TestGateway;
  let admin: string;
  let secondAdmin: string;
  let alice: string;
  let alpha: TestLender;
  let bravo: TestLender;

  beforeAll(async () => {
    ({ gateway, admin, secondAdmin, applicant: alice, lenders: [alpha, bravo] } = await startWithPersonas({
      env: { GATEWAY_ISSUER: AUDIENCE },
      lenders: [{ name: "Alpha", permitted: [PiiCategory.PHONE] }, "Bravo"],
    }));
    // Lowering the budget applies at once; adding NAME waits for a second admin.
    expectData(await gateway.request(SET_BUDGET, { id: alpha.id, budget: 40 }, admin));
    expectData(await gateway.request(SET_PERMISSIONS, { id: alpha.id, categories: [PiiCategory.PHONE, PiiCategory.NAME] }, admin));
    // One identity read today, and a public key that obtained a token.
    const applicationId = await submitApplication(gateway, alice, uniqueIdentity());
    await choose(gateway, alice, applicationId, alpha.id, [PiiCategory.PHONE]);
    const lead = await leadIdFor(gateway, alpha, applicationId);
    expect(expectData(await gateway.request(PHONE, { id: lead }, alpha.apiKey)).lead.application.applicant.phone).toEqual(expect.any(String));
    const pair = await registerApprovedKey(gateway, admin, secondAdmin, alpha.id);
    expect((await requestToken(gateway, await clientAssertion(pair, alpha.id, AUDIENCE))).status).toBe(200);
  });
  afterAll(async () => gateway?.stop());

  it("shows permissions, the pending change, budget and reads used today, credentials with last use", async () => {
    const profile = expectData(await gateway.request(PROFILE, {}, alpha.apiKey)).myLender;
    expect(profile).toMatchObject({
      id: alpha.id, name: "Alpha", status: "ACTIVE", permittedCategories: ["PHONE"], dailyReadBudget: 40, identityReadsToday: 1,
    });
    expect(profile.pendingChanges).toEqual([expect.objectContaining({ kind: "PERMIT_CATEGORIES", summary: "permit NAME", status: "PENDING" })]);
    expect(profile.apiKeys).toEqual([expect.objectContaining({ id: alpha.apiKeyId, label: "integration", revokedAt: null, lastUsedAt: expect.any(String) })]);
    expect(profile.publicKeys).toEqual([expect.objectContaining({ label: "test", revokedAt: null, lastUsedAt: expect.any(String) })]);
  });

  it("lists the admin actions concerning it, newest first, without who acted", async () => {
    const profile = expectData(await gateway.request(PROFILE, {}, alpha.apiKey)).myLender;
    const actions = profile.adminActions.edges.map((edge: any) => edge.node);
    expect(actions.map((action: any) => action.action)).toEqual(expect.arrayContaining([
      "createLender", "setFieldPermissions", "approveAdminChange", "issueApiKey", "setLenderReadBudget", "registerLenderPublicKey",
    ]));
    const times = actions.map((action: any) => action.at);
    expect(times).toEqual([...times].sort().reverse());
    const approval = actions.find((action: any) => action.action === "approveAdminChange");
    expect(approval.summary).toMatch(/^approved change /);
    // Neither staff member is named anywhere in the lender's view.
    const text = (await gateway.request(PROFILE, {}, alpha.apiKey)).text;
    expect(text).not.toContain("ops-1");
    expect(text).not.toContain("ops-2");
    // Asking for the actor is refused.
    const withActor = await gateway.request("query { myLender { adminActions(first: 1) { edges { node { actor } } } } }", {}, alpha.apiKey);
    expect(codesOf(withActor)).toEqual(["FORBIDDEN"]);
    expect(withActor.text).not.toContain("ops-");
  });

  it("positive twin: an admin reads the same actions with their actor and the requester in a decision's summary", async () => {
    const data = expectData(await gateway.request("query($id: ID!) { lender(id: $id) { adminActions(first: 50) { edges { node { action actor summary } } } } }", { id: alpha.id }, admin));
    const actions = data.lender.adminActions.edges.map((edge: any) => edge.node);
    expect(actions.find((action: any) => action.action === "setLenderReadBudget").actor).toBe("ops-1");
    expect(actions.find((action: any) => action.action === "approveAdminChange")).toMatchObject({ actor: "ops-2", summary: expect.stringMatching(/ requested by ops-1$/) });
  });

  it("pages its admin actions with first and after", async () => {
    const page = `query($after: String) { myLender { adminActions(first: 2, after: $after) { edges { node { at action } } pageInfo { hasNextPage endCursor } } } }`;
    const all: string[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 20; pages += 1) {
      const connection: any = expectData(await gateway.request(page, { after }, alpha.apiKey)).myLender.adminActions;
      expect(connection.edges.length).toBeLessThanOrEqual(2);
      all.push(...connection.edges.map((edge: any) => `${edge.node.at} ${edge.node.action}`));
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    const whole = expectData(await gateway.request(PROFILE, {}, alpha.apiKey)).myLender.adminActions.edges.map((edge: any) => `${edge.node.at} ${edge.node.action}`);
    expect(all).toEqual(whole);
  });

  it("another lender sees its own profile, never this one's; only an admin reads another lender", async () => {
    const own = expectData(await gateway.request(PROFILE, {}, bravo.apiKey)).myLender;
    expect(own.id).toBe(bravo.id);
    expect(own.dailyReadBudget).not.toBe(40);
    expect(own.identityReadsToday).toBe(0);
    expect(own.apiKeys.map((key: { id: string }) => key.id)).toEqual([bravo.apiKeyId]);
    expect(own.publicKeys).toEqual([]);
    const other = await gateway.request(`query($id: ID!) { lender(id: $id) { ${GUARDED} } }`, { id: alpha.id }, bravo.apiKey);
    expect(codesOf(other)).toEqual(["FORBIDDEN"]);
    expect(other.body.data?.lender ?? null).toBeNull();
    // Twin: the admin reads every one of those fields of alpha.
    const asAdmin = expectData(await gateway.request(`query($id: ID!) { lender(id: $id) { ${GUARDED} } }`, { id: alpha.id }, admin)).lender;
    expect(asAdmin).toMatchObject({ dailyReadBudget: 40, identityReadsToday: 1, apiKeys: [{ id: alpha.apiKeyId }] });
    expect(asAdmin.publicKeys).toHaveLength(1);
    expect(asAdmin.pendingChanges).toHaveLength(1);
  });

  it("applicants and admins have no myLender; an applicant reaching a lender sees none of its guarded fields", async () => {
    expect(codesOf(await gateway.request("query { myLender { id } }", {}, alice))).toEqual(["FORBIDDEN"]);
    expect(codesOf(await gateway.request("query { myLender { id } }", {}, admin))).toEqual(["FORBIDDEN"]);
    const applicationId = await submitApplication(gateway, alice, uniqueIdentity());
    const asApplicant = await gateway.request(`query($id: ID!) { application(id: $id) { leads { lender { id dailyReadBudget identityReadsToday } } } }`, { id: applicationId }, alice);
    expect(new Set(codesOf(asApplicant))).toEqual(new Set(["FORBIDDEN"]));
    // Twin: without the guarded fields the applicant's query is answered.
    expect(expectData(await gateway.request(`query($id: ID!) { application(id: $id) { leads { lender { id } } } }`, { id: applicationId }, alice)).application.leads.length).toBe(2);
  });
});
