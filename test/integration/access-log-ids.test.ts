import { DataSource } from "typeorm";
import { storedReads, type StoredRead } from "../support/access-log";
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

async function accessLogIndexes(dataSource: DataSource, tableName: string): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  try {
    const table = await runner.getTable(tableName);
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
    const rows = await storedReads(gateway.dataSource);
    const sequences = new Set(rows.map(row => String(row.seq)));
    const edges = await walkMyLog();
    const audit = expectData(await gateway.request(AUDIT_LOG, {}, admin)).auditLog.edges;
    for (const edge of [...edges, ...audit]) {
      expect(sequences.has(edge.node.id)).toBe(false);
      const key = cursorKey(edge.cursor);
      // The key is the read's time, its record's opaque id and its place in that record (a
      // lender's record of one application lists at most its few identity fields).
      expect(key).toEqual([expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/), expect.stringMatching(UUID_V4), expect.any(Number)]);
      expect(sequences.has(String(key[1]))).toBe(false);
      expect(key[2]).toBeLessThan(4);
    }
  });

  it("positive twin: the ids are the rows' own, in the log's order (newest first, one response's rows together)", async () => {
    const edges = await walkMyLog();
    const stored = new Map((await storedReads(gateway.dataSource)).map(row => [row.id, row]));
    for (const edge of edges) expect(stored.get(edge.node.id)?.field).toBe(edge.node.field);
    const times = edges.map(edge => Date.parse(edge.node.at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  it("the migrations give rows written before them random ids, turn them into records, page them, and keep the indexes the lists use", async () => {
    const source = gateway.dataSource;
    const before = await storedReads(source);
    // Back to the schema before the id, as a database written then would be.
    for (;;) {
      const [last] = await source.query("SELECT name FROM migrations ORDER BY timestamp DESC LIMIT 1");
      await source.undoLastMigration({ transaction: "none" });
      if (last.name === "AccessLogOpaqueId1765100000000") break;
    }
    expect(await accessLogIndexes(source, "pii_access_log")).toEqual(["(applicant_id, seq)", "(lender_id, at)"]);
    await source.runMigrations();

    const after = await storedReads(source);
    // Undoing the later migrations drops what they added (the credential that read), so it is
    // not compared; ids, records and their numbering are new.
    const strip = ({ id: _id, credentialId: _credential, recordId: _record, seq: _seq, ...rest }: StoredRead) => rest;
    expect(after.map(strip)).toEqual(before.map(strip));
    for (const row of after) expect(row.id).toMatch(UUID_V4);
    expect(new Set(after.map(row => row.id)).size).toBe(after.length);
    expect(after.map(row => row.id)).not.toEqual(before.map(row => row.id));
    // One record per response and application: two pages of four reads are two records.
    expect(new Set(after.map(row => row.recordId)).size).toBe(2);
    expect(await accessLogIndexes(source, "access_records")).toEqual(["(applicant_id, at, id)", "(at, id)", "(lender_id, at, id)", "unique (log_index)"]);
    // Read and paged through the API after the migration, and written anew.
    expect((await walkMyLog()).map(edge => edge.node.id).sort()).toEqual(after.map(row => row.id).sort());
    expectData(await gateway.request(LEADS_WITH_IDENTITY, {}, lender.apiKey));
    expect(await walkMyLog()).toHaveLength(12);
  });
});
