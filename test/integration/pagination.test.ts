import { Application } from "../../src/model/application.entity";
import { storedReads } from "../support/access-log";
import { Lead } from "../../src/model/lead.entity";
import { GraphQLResult, TestGateway } from "../support/gateway";
import { uniqueIdentity } from "../support/identities";
import { LEADS_WITH_IDENTITY } from "../support/documents";
import { ALL_CATEGORIES, TestLender, choose, expectData, submitApplication } from "../support/flow";
import { startWithPersonas } from "../support/personas";

const PAGE = "edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage endCursor }";
const LEADS_PAGE_WITH_IDENTITY = `query($first: Int, $after: String) { leads(first: $first, after: $after) {
  edges { node { id application { applicant { fullName nationalId phone email } } } } } }`;
const MAKE_OFFER = `mutation($input: MakeOfferInput!) { makeOffer(input: $input) { id lead { status } } }`;

/** One connection as a caller sees it: its query (taking $first and $after), where its page is, whose token. */
interface List {
  query: string;
  pick(data: any): any;
  token(): string;
  variables?: Record<string, unknown>;
}

interface Page {
  ids: string[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  endCursor: string | null;
}

/**
 * Cursors are keyset positions tied to one list and filter: a page starts strictly after the
 * previous page's last row, whatever was inserted at the top or left the filter in between.
 */
describe("connection cursors", () => {
  let gateway: TestGateway;
  let admin: string;
  let walker: string;
  let reader: string;
  let alpha: TestLender;
  let bravo: TestLender;

  const request = (list: List, first: number, after?: string | null): Promise<GraphQLResult> =>
    gateway.request(list.query, { ...list.variables, first, after: after ?? null }, list.token());

  async function page(list: List, first: number, after?: string | null): Promise<Page> {
    const connection = list.pick(expectData(await request(list, first, after)));
    return { ids: connection.edges.map((edge: any) => edge.node.id), ...connection.pageInfo };
  }

  /** Every page of `list`, `first` rows at a time; the ids in the order they were served. */
  async function walk(list: List, first: number): Promise<{ ids: string[]; pages: number }> {
    const ids: string[] = [];
    let pages = 0;
    let after: string | null = null;
    for (;;) {
      const next: Page = await page(list, first, after);
      ids.push(...next.ids);
      pages += 1;
      if (!next.hasNextPage) return { ids, pages };
      if (pages > 20) throw new Error("the walk does not end");
      after = next.endCursor;
    }
  }

  const leads = (lender: TestLender, status?: string): List => ({
    query: `query($first: Int, $after: String, $status: LeadStatus) { leads(first: $first, after: $after, status: $status) { ${PAGE} } }`,
    pick: data => data.leads, token: () => lender.apiKey, variables: { status: status ?? null },
  });
  const myApplications = (): List => ({
    query: `query($first: Int, $after: String) { myApplications(first: $first, after: $after) { ${PAGE} } }`,
    pick: data => data.myApplications, token: () => walker,
  });
  const myAccessLog = (token = () => reader): List => ({
    query: `query($first: Int, $after: String) { myAccessLog(first: $first, after: $after) { ${PAGE} } }`,
    pick: data => data.myAccessLog, token,
  });
  const myDataAccessLog = (): List => ({
    query: `query($first: Int, $after: String) { myData { accessLog(first: $first, after: $after) { ${PAGE} } } }`,
    pick: data => data.myData.accessLog, token: () => reader,
  });
  const auditLog = (filter: Record<string, unknown> | null = null): List => ({
    query: `query($first: Int, $after: String, $filter: AuditFilter) { auditLog(first: $first, after: $after, filter: $filter) { ${PAGE} } }`,
    pick: data => data.auditLog, token: () => admin, variables: { filter },
  });
  const lenders = (): List => ({
    query: `query($first: Int, $after: String) { lenders(first: $first, after: $after) { ${PAGE} } }`,
    pick: data => data.lenders, token: () => admin,
  });

  /** Lender Alpha reads every identity field of its leads: each read adds access-log rows at the top. */
  const readIdentities = async () => void (await gateway.request(LEADS_WITH_IDENTITY, {}, alpha.apiKey));
  const auditRows = async () => (await storedReads(gateway.dataSource)).length;

  /** Refused as `after`, naming the argument and not repeating it, and nothing was read or written. */
  async function expectRefused(list: List, cursor: string) {
    const before = await auditRows();
    const result = await request(list, 2, cursor);
    expect(result.body.errors).toHaveLength(1);
    expect(result.body.errors![0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "after" });
    if (cursor.length > 0) expect(result.body.errors![0].message).not.toContain(cursor);
    expect(await auditRows()).toBe(before);
  }

  beforeAll(async () => {
    ({ gateway, admin, applicant: walker, otherApplicant: reader, lenders: [alpha, bravo] } = await startWithPersonas({
      lenders: ["Alpha", "Bravo", "Charlie"],
    }));
    const applicationIds: string[] = [];
    for (let index = 0; index < 5; index++) applicationIds.push(await submitApplication(gateway, walker, uniqueIdentity()));
    // Submissions in the same millisecond share created_at: make these five do so, so every page
    // boundary below also falls inside a tie that only the id orders.
    const tie = (await gateway.dataSource.getRepository(Application).findOneByOrFail({ id: applicationIds[0] })).createdAt;
    for (const id of applicationIds) {
      await gateway.dataSource.getRepository(Application).update({ id }, { createdAt: tie });
      await gateway.dataSource.getRepository(Lead).update({ applicationId: id }, { createdAt: tie });
    }
    const readerApplication = await submitApplication(gateway, reader, uniqueIdentity());
    await choose(gateway, reader, readerApplication, alpha.id, ALL_CATEGORIES);
    await readIdentities();
    await readIdentities(); // the reader's log: 8 rows (4 fields, twice)
  }, 120000);

  afterAll(async () => gateway?.stop());

  it("walks every connection over 2-3 pages, visiting every row exactly once, in the order of the whole list", async () => {
    const lists: Array<[List, number]> = [
      [leads(alpha), 2], [leads(bravo), 2], [myApplications(), 2], [myAccessLog(), 3], [myDataAccessLog(), 3],
      [myAccessLog(() => walker), 15], [auditLog(), 20], [auditLog({ lenderId: alpha.id, outcome: "GRANTED" }), 3], [lenders(), 2],
    ];
    for (const [list, first] of lists) {
      const whole = await page(list, 100);
      expect(whole.hasNextPage).toBe(false);
      const walked = await walk(list, first);
      expect(walked.pages).toBeGreaterThanOrEqual(2);
      expect(walked.pages).toBeLessThanOrEqual(3);
      expect(new Set(walked.ids).size).toBe(walked.ids.length);
      expect(walked.ids).toEqual(whole.ids);
    }
  });

  it("a status filter: leads that left it since the last page make no other lead be skipped", async () => {
    const waiting = (await page(leads(alpha, "NEW"), 100)).ids;
    expect(waiting.length).toBeGreaterThanOrEqual(5);
    const first = await page(leads(alpha, "NEW"), 2);
    expect(first.ids).toEqual(waiting.slice(0, 2));
    for (const leadId of first.ids) {
      const offer = expectData(await gateway.request(MAKE_OFFER, { input: { leadId, apr: 14.6, amount: 50000, termMonths: 12 } }, alpha.apiKey));
      expect(offer.makeOffer.lead.status).toBe("OFFERED");
    }
    const second = await page(leads(alpha, "NEW"), 2, first.endCursor);
    expect(second.ids).toEqual(waiting.slice(2, 4));
    expect(second.hasPreviousPage).toBe(true);
    expect((await page(leads(alpha, "NEW"), 100)).ids).toEqual(waiting.slice(2));
    // Read on from the second page: the remaining NEW leads, then the end.
    const third = await page(leads(alpha, "NEW"), 100, second.endCursor);
    expect(third).toMatchObject({ ids: waiting.slice(4), hasNextPage: false });
  });

  it("leads inserted at the top while a lender pages are neither repeated nor make a row repeat", async () => {
    const before = (await page(leads(bravo), 100)).ids;
    const first = await page(leads(bravo), 2);
    expect(first.ids).toEqual(before.slice(0, 2));
    const arrivals = await gateway.token("applicant", "arrivals");
    await submitApplication(gateway, arrivals, uniqueIdentity());
    await submitApplication(gateway, arrivals, uniqueIdentity());
    const second = await page(leads(bravo), 2, first.endCursor);
    expect(second.ids).toEqual(before.slice(2, 4));
    // The newcomers are at the top of a fresh first page.
    expect((await page(leads(bravo), 100)).ids.slice(2)).toEqual(before);
  });

  it.each([
    ["myAccessLog", () => myAccessLog()],
    ["myData.accessLog", () => myDataAccessLog()],
  ])("%s: reads logged at the top while the applicant pages repeat no row", async (_name, list) => {
    const before = (await page(list(), 100)).ids;
    expect(before.length).toBeGreaterThanOrEqual(6);
    const first = await page(list(), 3);
    expect(first.ids).toEqual(before.slice(0, 3));
    await readIdentities(); // 4 new rows at the top of the reader's log
    const second = await page(list(), 3, first.endCursor);
    expect(second.ids).toEqual(before.slice(3, 6));
    expect((await page(list(), 100)).ids).toHaveLength(before.length + 4);
  });

  it("one access log behind myAccessLog and myData.accessLog: either's cursor pages either", async () => {
    const first = await page(myAccessLog(), 2);
    const whole = (await page(myAccessLog(), 100)).ids;
    expect((await page(myDataAccessLog(), 2, first.endCursor)).ids).toEqual(whole.slice(2, 4));
  });

  describe("a cursor from another list or filter is refused", () => {
    it("leads(status: NEW) pages on with its cursor; leads and leads(status: OFFERED) refuse it", async () => {
      const cursor = (await page(leads(alpha, "NEW"), 1)).endCursor!;
      expect((await page(leads(alpha, "NEW"), 1, cursor)).ids).toHaveLength(1);
      await expectRefused(leads(alpha), cursor);
      await expectRefused(leads(alpha, "OFFERED"), cursor);
      // Refused before any row is read: a page of identity fields writes no access-log row either.
      await expectRefused({ ...leads(alpha), query: LEADS_PAGE_WITH_IDENTITY }, cursor);
      // Its twin with the list's own cursor is served, and its reads (granted or denied) are logged.
      const logged = await auditRows();
      const served = await gateway.request(LEADS_PAGE_WITH_IDENTITY, { first: 1, after: (await page(leads(alpha), 1)).endCursor }, alpha.apiKey);
      expect(served.body.data?.leads.edges).toHaveLength(1);
      expect(await auditRows()).toBe(logged + 4);
    });

    it("auditLog pages on with a cursor of the same filter; another filter or no filter refuses it", async () => {
      const filter = { lenderId: alpha.id, outcome: "GRANTED" };
      const cursor = (await page(auditLog(filter), 1)).endCursor!;
      expect((await page(auditLog(filter), 1, cursor)).ids).toHaveLength(1);
      await expectRefused(auditLog({ lenderId: bravo.id, outcome: "GRANTED" }), cursor);
      await expectRefused(auditLog({ lenderId: alpha.id }), cursor);
      await expectRefused(auditLog(), cursor);
    });

    it("each list refuses the cursors of the others", async () => {
      const cursors = {
        leads: (await page(leads(alpha), 1)).endCursor!,
        myApplications: (await page(myApplications(), 1)).endCursor!,
        myAccessLog: (await page(myAccessLog(), 1)).endCursor!,
        auditLog: (await page(auditLog(), 1)).endCursor!,
        lenders: (await page(lenders(), 1)).endCursor!,
      };
      const targets: Array<[keyof typeof cursors, List]> = [
        ["leads", leads(alpha)], ["myApplications", myApplications()], ["myAccessLog", myAccessLog()],
        ["auditLog", auditLog()], ["lenders", lenders()],
      ];
      for (const [own, list] of targets) {
        expect((await page(list, 1, cursors[own])).hasPreviousPage).toBe(true);
        for (const [other, cursor] of Object.entries(cursors)) if (other !== own) await expectRefused(list, cursor);
      }
    });
  });

  describe("a malformed cursor is refused", () => {
    const encode = (value: unknown) => Buffer.from(typeof value === "string" ? value : JSON.stringify(value), "utf8").toString("base64url");
    const decode = (cursor: string) => JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));

    it("garbage, the former offset cursors, padding and oversize strings", async () => {
      const real = (await page(leads(alpha), 1)).endCursor!;
      for (const cursor of ["not-a-cursor", "", encode("o:1"), encode("o:0"), `${real}=`, `${real}.`, "A".repeat(300), encode("{}"), encode([])]) {
        await expectRefused(leads(alpha), cursor);
      }
    });

    it("tampered versions and keys", async () => {
      const [version, leadsScope, leadKey] = decode((await page(leads(alpha), 1)).endCursor!);
      const [, logScope, logKey] = decode((await page(myAccessLog(), 1)).endCursor!);
      const tamperedLeads = [
        [version + 1, leadsScope, leadKey], [version, leadsScope, leadKey, "extra"], [version, leadsScope, [leadKey[0]]],
        [version, leadsScope, ["2025-02-30T00:00:00.000Z", leadKey[1]]], [version, leadsScope, [Date.parse(leadKey[0]), leadKey[1]]],
        [version, leadsScope, [leadKey[0], "../' OR 1=1 --"]], [version, leadsScope, [leadKey[0], leadKey[1], 1]],
        { v: version, l: leadsScope, k: leadKey },
      ];
      for (const tampered of tamperedLeads) await expectRefused(leads(alpha), encode(tampered));
      for (const key of [[-1], [0], [1.5], [String(logKey[0])], [logKey[0], 1], []]) await expectRefused(myAccessLog(), encode([version, logScope, key]));
      // The positive twin: the untouched key pages on.
      expect((await page(myAccessLog(), 1, encode([version, logScope, logKey]))).ids).toHaveLength(1);
    });
  });
});
