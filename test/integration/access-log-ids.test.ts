import { DataSource } from "typeorm";
import { PiiAccess } from "../../src/model/pii-access.entity";
import { LEADS_WITH_IDENTITY } from "../support/documents";
import { ALL_CATEGORIES, TestLender, choose, expectData, submitApplication } from "../support/flow";
import { TestGateway } from "../support/gateway";
import { uniqueIdentity } from "../support/identities";
import { startWithPersonas } from "../support/personas";

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const MY_LOG = `query($after: String) { myAccessLog(first: 3, after: $after) {
  edges { cursor node { id at field } } pageInfo { hasNextPage endCursor } } }`;
const AUDIT_LOG = "query { auditLog(first: 100) { edges { cursor node { id } } } }";

/** The hex digits two UUIDs share from the start. */
const commonPrefix = (a: string, b: string) => {
  const [x, y] = [a.replace(/-/g, ""), b.replace(/-/g, "")];
  let length = 0;
  while (length < x.length && x[length] === y[length]) length += 1;
  return length;
};

/** A cursor's key values (it is base64url JSON: [version, list, key]). */
const cursorKey = (cursor: string): unknown[] => JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"))[2];

async function accessLogIndexes(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  try {
    const table = await runner.getTable("pii_access_log");
    return (table?.indices ?? []).map(index => `${index.isUnique ? "unique " : ""}(${index.columnNames.join(", ")})`).sort();
  } finally {
    await runner.release();
  }
}

describe("PiiAccess.id is opaque: not the global sequence, not guessable from another id", () => {
  let gateway: TestGateway;
  let admin: string;
  let alice: string;
  let lender: TestLender;

  beforeAll(async () => {
    ({ gateway, admin, applicant: alice, lenders: [lender] } = await startWithPersonas({ lenders: ["Opaque"] }));
    const applicationId = await submitApplication(gateway, alice, uniqueIdentity());
    await choose(gateway, alice, applicationId, lender.id, ALL_CATEGORIES);
    // Two pages of four reads: eight rows, each response written by one multi-row INSERT.
    for (let i = 0; i < 2; i += 1) expectData(await gateway.request(LEADS_WITH_IDENTITY, {}, lender.apiKey));
  });
  afterAll(async () => gateway?.stop());

  /** The whole of alice's log, walked 3 rows a page; each edge with the cursor it came with. */
  async function walkMyLog(): Promise<Array<{ cursor: string; node: { id: string; at: string; field: string } }>> {
    const edges: Array<{ cursor: string; node: { id: string; at: string; field: string } }> = [];
    let after: string | null = null;
    for (;;) {
      const connection: any = expectData(await gateway.request(MY_LOG, { after }, alice)).myAccessLog;
      edges.push(...connection.edges);
      if (!connection.pageInfo.hasNextPage) return edges;
      after = connection.pageInfo.endCursor;
    }
  }

  it("every id is a random (version 4) UUID, not a number, distinct, and shares no more than a chance prefix with any other", async () => {
    const edges = await walkMyLog();
    expect(edges).toHaveLength(8);
    const ids = edges.map(edge => edge.node.id);
    for (const id of ids) {
      expect(id).toMatch(UUID_V4);
      expect(Number.isNaN(Number(id))).toBe(true);
    }
    expect(new Set(ids).size).toBe(ids.length);
    // Written by one statement a few at a time, yet no two share 6 hex digits from the start
    // (a time-based or counter id would; for random ones the chance is about 28 in 16^6).
    for (const [index, id] of ids.entries()) for (const other of ids.slice(index + 1)) expect(commonPrefix(id, other)).toBeLessThan(6);
  });

  it("no id and no cursor holds the sequence number of a row", async () => {
    const rows = await gateway.dataSource.getRepository(PiiAccess).find();
    const sequences = new Set(rows.map(row => String(row.seq)));
    const edges = await walkMyLog();
    const audit = expectData(await gateway.request(AUDIT_LOG, {}, admin)).auditLog.edges;
    for (const edge of [...edges, ...audit]) {
      expect(sequences.has(edge.node.id)).toBe(false);
      const key = cursorKey(edge.cursor);
      // The key is the row's time and its opaque id: no number at all.
      expect(key).toEqual([expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/), edge.node.id]);
    }
  });

  it("positive twin: the ids are the rows' own, in the log's order (newest first, one response's rows together)", async () => {
    const edges = await walkMyLog();
    const stored = new Map((await gateway.dataSource.getRepository(PiiAccess).find()).map(row => [row.id, row]));
    for (const edge of edges) expect(stored.get(edge.node.id)?.field).toBe(edge.node.field);
    const times = edges.map(edge => Date.parse(edge.node.at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  it("the migration gives rows written before it random ids, pages them, and keeps the indexes the lists use", async () => {
    const source = gateway.dataSource;
    const before = await source.getRepository(PiiAccess).find({ order: { seq: "ASC" } });
    // Back to the schema before the id, as a database written then would be.
    for (;;) {
      const [last] = await source.query("SELECT name FROM migrations ORDER BY timestamp DESC LIMIT 1");
      await source.undoLastMigration({ transaction: "none" });
      if (last.name === "AccessLogOpaqueId1765100000000") break;
    }
    expect(await accessLogIndexes(source)).toEqual(["(applicant_id, seq)", "(lender_id, at)"]);
    await source.runMigrations();

    const after = await source.getRepository(PiiAccess).find({ order: { seq: "ASC" } });
    // Undoing the later migrations drops what they added (the credential that read), so it is not compared.
    const strip = ({ id: _id, credentialId: _credential, ...rest }: PiiAccess) => rest;
    expect(after.map(strip)).toEqual(before.map(strip));
    for (const row of after) expect(row.id).toMatch(UUID_V4);
    expect(new Set(after.map(row => row.id)).size).toBe(after.length);
    expect(after.map(row => row.id)).not.toEqual(before.map(row => row.id));
    expect(await accessLogIndexes(source)).toEqual(["(applicant_id, at, id)", "(at, id)", "(lender_id, at, id)"]);
    // Read and paged through the API after the migration, and written anew.
    expect((await walkMyLog()).map(edge => edge.node.id).sort()).toEqual(after.map(row => row.id).sort());
    expectData(await gateway.request(LEADS_WITH_IDENTITY, {}, lender.apiKey));
    expect(await walkMyLog()).toHaveLength(12);
  });
});
