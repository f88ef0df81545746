import { PiiCategory } from "../../src/model/pii-category";
import { GraphQLResult, TestGateway } from "../support/gateway";
import { uniqueIdentity } from "../support/identities";
import { TestLender, choose, expectData, leadIdFor, submitApplication } from "../support/flow";
import { SET_STATUS } from "../support/documents";
import { startWithPersonas } from "../support/personas";

const LENDERS = `query($status: LenderStatus, $first: Int, $after: String) {
  lenders(status: $status, first: $first, after: $after) { edges { node { id status } } pageInfo { hasNextPage endCursor } } }`;
const AUDIT = `query($filter: AuditFilter) { auditLog(filter: $filter, first: 100) { edges { node { applicationId field outcome reason } } } }`;
const DAILY = "query($from: DateTime!, $to: DateTime!) { identityReadsByDay(from: $from, to: $to) { day granted denied } }";

const codes = (result: GraphQLResult) => (result.body.errors ?? []).map(error => error.extensions?.code);

/** What the admin console asks beyond the original contract: lenders by status, reads by reason, reads per day. */
describe("the console's queries", () => {
  let gateway: TestGateway;
  let admin: string;
  let applicant: string;
  let lenders: TestLender[];
  let chosenApplication: string;
  let otherApplication: string;
  let from: Date;
  let to: Date;

  beforeAll(async () => {
    ({ gateway, admin, applicant, lenders } = await startWithPersonas({ lenders: ["Tango", "Uniform", "Victor"] }));
    const [tango, uniform] = lenders;
    from = new Date(Date.now() - 1000);
    chosenApplication = await submitApplication(gateway, applicant, uniqueIdentity());
    otherApplication = await submitApplication(gateway, applicant, uniqueIdentity());
    await choose(gateway, applicant, chosenApplication, tango.id, [PiiCategory.PHONE]);
    // Tango: phone granted, fullName CATEGORY_NOT_CONSENTED; on the other application both NO_CONSENT.
    for (const applicationId of [chosenApplication, otherApplication]) {
      const lead = await leadIdFor(gateway, tango, applicationId);
      await gateway.request("query($id: ID!) { lead(id: $id) { application { applicant { phone fullName } } } }", { id: lead }, tango.apiKey);
    }
    expectData(await gateway.request(SET_STATUS, { id: uniform.id, status: "SUSPENDED" }, admin));
    to = new Date(Date.now() + 1000);
  });

  afterAll(async () => gateway?.stop());

  describe("lenders(status:)", () => {
    it("filters on the server and pages within the filter", async () => {
      const [tango, uniform, victor] = lenders;
      const suspended = expectData(await gateway.request(LENDERS, { status: "SUSPENDED" }, admin)).lenders;
      expect(suspended.edges.map((edge: any) => edge.node)).toEqual([{ id: uniform.id, status: "SUSPENDED" }]);
      const firstPage = expectData(await gateway.request(LENDERS, { status: "ACTIVE", first: 1 }, admin)).lenders;
      expect(firstPage.edges.map((edge: any) => edge.node.id)).toEqual([tango.id]);
      expect(firstPage.pageInfo.hasNextPage).toBe(true);
      const secondPage = expectData(await gateway.request(LENDERS, { status: "ACTIVE", first: 1, after: firstPage.pageInfo.endCursor }, admin)).lenders;
      expect(secondPage.edges.map((edge: any) => edge.node.id)).toEqual([victor.id]);
      expect(secondPage.pageInfo.hasNextPage).toBe(false);
      // Unfiltered: all three.
      expect(expectData(await gateway.request(LENDERS, {}, admin)).lenders.edges).toHaveLength(3);
    });

    it("a cursor of another status is BAD_USER_INPUT; an unknown status is refused", async () => {
      const firstPage = expectData(await gateway.request(LENDERS, { status: "ACTIVE", first: 1 }, admin)).lenders;
      expect(codes(await gateway.request(LENDERS, { status: "SUSPENDED", first: 1, after: firstPage.pageInfo.endCursor }, admin))).toEqual(["BAD_USER_INPUT"]);
      const unknown = await gateway.request(LENDERS, { status: "GONE" }, admin);
      expect(unknown.body.data ?? null).toBeNull();
      expect(unknown.body.errors?.length).toBeGreaterThan(0);
    });
  });

  describe("auditLog(filter: { reason })", () => {
    it("keeps only denied reads with that reason", async () => {
      const rows = async (filter: Record<string, unknown>) => expectData(await gateway.request(AUDIT, { filter }, admin)).auditLog.edges.map((edge: any) => edge.node);
      expect(await rows({ reason: "CATEGORY_NOT_CONSENTED" })).toEqual([
        { applicationId: chosenApplication, field: "fullName", outcome: "DENIED", reason: "CATEGORY_NOT_CONSENTED" },
      ]);
      const noConsent = await rows({ reason: "NO_CONSENT" });
      expect(noConsent.map((row: any) => [row.applicationId, row.field]).sort()).toEqual([[otherApplication, "fullName"], [otherApplication, "phone"]]);
      expect(await rows({ reason: "LENDER_SUSPENDED" })).toEqual([]);
      // Its twin: without the reason, the granted read is there too.
      expect(await rows({ applicationId: chosenApplication })).toHaveLength(2);
    });

    it("an unknown reason is refused", async () => {
      const result = await gateway.request(AUDIT, { filter: { reason: "NOT_A_REASON" } }, admin);
      expect(result.body.data ?? null).toBeNull();
    });
  });

  describe("identityReadsByDay(from, to)", () => {
    it("counts lenders' reads per UTC day, admins only", async () => {
      const days = expectData(await gateway.request(DAILY, { from: from.toISOString(), to: to.toISOString() }, admin)).identityReadsByDay;
      const today = new Date().toISOString().slice(0, 10);
      const yesterdayOrToday = [from.toISOString().slice(0, 10), today];
      expect(days.every((day: any) => yesterdayOrToday.includes(day.day))).toBe(true);
      expect(days.reduce((sum: number, day: any) => sum + day.granted, 0)).toBe(1);
      expect(days.reduce((sum: number, day: any) => sum + day.denied, 0)).toBe(3);
      const before = expectData(await gateway.request(DAILY, { from: new Date(from.getTime() - 86_400_000).toISOString(), to: from.toISOString() }, admin));
      expect(before.identityReadsByDay).toEqual([]);
      expect(codes(await gateway.request(DAILY, { from: from.toISOString(), to: to.toISOString() }, applicant))).toEqual(["FORBIDDEN"]);
    });

    it("a reversed or too long period is BAD_USER_INPUT", async () => {
      expect(codes(await gateway.request(DAILY, { from: to.toISOString(), to: from.toISOString() }, admin))).toEqual(["BAD_USER_INPUT"]);
      const long = { from: new Date(Date.now() - 400 * 86_400_000).toISOString(), to: to.toISOString() };
      expect(codes(await gateway.request(DAILY, long, admin))).toEqual(["BAD_USER_INPUT"]);
    });
  });
});
