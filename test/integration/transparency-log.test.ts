import { AccessRecord } from "../../src/model/access-record.entity";
import { AdminAction } from "../../src/model/admin-action.entity";
import { AdminChange } from "../../src/model/admin-change.entity";
import { NodeTable } from "../../src/transparency-log/node-table";
import { accessLeaf } from "../../src/transparency-log/leaf-encoding";
import { releaseLease, sequenceOnce } from "../../src/transparency-log/sequencer";
import { storedRoot } from "../../src/transparency/stored-tree";
import { LEADS_WITH_IDENTITY } from "../support/documents";
import { ALL_CATEGORIES, TestLender, choose, expectData, submitApplication } from "../support/flow";
import type { TestGateway } from "../support/gateway";
import { uniqueIdentity, type TestIdentity } from "../support/identities";
import { verifyConsistency, verifyInclusion } from "../support/merkle-verifier";
import { type CheckedCheckpoint, checkCheckpointNote, leafHashOf } from "../support/note-verifier";
import { startWithPersonas } from "../support/personas";
import { waitForCheckpoint } from "../support/sequenced";

const MY_LOG = "query { myAccessLog(first: 100) { edges { node { field outcome logIndex readerKind } } } }";
const ACTIONS = "query { adminActionLog(first: 100) { edges { node { action logIndex } } } }";

describe("the transparency log: every access record and admin record is a leaf of a signed, verifiable Merkle tree", () => {
  let gateway: TestGateway;
  let admin: string;
  let alice: string;
  let bob: string;
  let reader: TestLender;
  let other: TestLender;
  let identity: TestIdentity;
  let base: string;

  const get = (path: string, token?: string) => fetch(`${base}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  /** Waits until the sequencer has given every record its leaf, then returns the checked checkpoint. */
  async function sequenced(): Promise<CheckedCheckpoint> {
    await waitForCheckpoint(gateway.dataSource, base);
    const head = await checkpoint();
    return head;
  }

  async function checkpoint(): Promise<CheckedCheckpoint> {
    const [note, key] = await Promise.all([get("/transparency/checkpoint"), get("/transparency/key")]);
    expect(note.status).toBe(200);
    expect(note.headers.get("content-type")).toMatch(/^text\/plain/);
    return checkCheckpointNote(await note.text(), await key.text());
  }

  beforeAll(async () => {
    ({ gateway, admin, applicant: alice, otherApplicant: bob, lenders: [reader, other] } = await startWithPersonas({
      env: { TRANSPARENCY_MERGE_DELAY_SECONDS: "0.1" }, lenders: ["Ledger", "Stranger"],
    }));
    base = gateway.url.replace(/\/graphql$/, "");
    identity = uniqueIdentity();
    const applicationId = await submitApplication(gateway, alice, identity);
    await choose(gateway, alice, applicationId, reader.id, ALL_CATEGORIES);
    expectData(await gateway.request(LEADS_WITH_IDENTITY, {}, reader.apiKey));
  });
  afterAll(async () => gateway?.stop());

  it("the checkpoint is a signed note by the key /transparency/key serves, its size the number of records, its root theirs", async () => {
    const head = await sequenced();
    const records = await gateway.dataSource.getRepository(AccessRecord).count();
    const actions = await gateway.dataSource.getRepository(AdminAction).count();
    const changes = await gateway.dataSource.getRepository(AdminChange).count();
    expect(records).toBeGreaterThan(0);
    expect(actions).toBeGreaterThan(0);
    expect(head.size).toBe(records + actions + changes);
    expect(head.origin).toBe("localhost:4000");
    // GraphQL serves the same note to any authenticated caller, and none to the anonymous.
    const note = await (await get("/transparency/checkpoint")).text();
    expect(expectData(await gateway.request("query { transparencyCheckpoint }", {}, reader.apiKey)).transparencyCheckpoint).toBe(note);
    expect((await gateway.request("query { transparencyCheckpoint }")).body.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("an applicant's read has a leaf it may fetch, holding no identity value, with an inclusion proof against the checkpoint", async () => {
    const head = await sequenced();
    const reads = expectData(await gateway.request(MY_LOG, {}, alice)).myAccessLog.edges.map((edge: any) => edge.node);
    const lenderReads = reads.filter((read: any) => read.readerKind === "LENDER");
    expect(lenderReads).toHaveLength(4);
    // The four fields of one request and application are one record: one leaf.
    const indexes = new Set(lenderReads.map((read: any) => read.logIndex));
    expect(indexes.size).toBe(1);
    const [index] = [...indexes] as number[];
    expect(Number.isInteger(index)).toBe(true);

    const answer = await get(`/transparency/leaves/${index}`, alice);
    expect(answer.status).toBe(200);
    const { index: echoed, leaf } = await answer.json() as { index: number; leaf: string };
    expect(echoed).toBe(index);
    const bytes = Buffer.from(leaf, "base64");
    const text = bytes.toString("utf8");
    for (const value of [identity.fullName, identity.nationalId, identity.phone]) expect(text).not.toContain(value);
    const record = JSON.parse(text);
    expect(record).toMatchObject({ type: "access", v: 1, readerKind: "LENDER", lenderId: reader.id });
    expect(record.reads.map((read: any) => `${read.field}:${read.outcome}`).sort()).toEqual(["email:GRANTED", "fullName:GRANTED", "nationalId:GRANTED", "phone:GRANTED"]);
    // RFC 8785: the members in code-point order, no spaces.
    expect(text).toBe(JSON.stringify(sortKeys(record)));

    const proof = await (await get(`/transparency/proof/inclusion?index=${index}&size=${head.size}`)).json() as { index: number; size: number; hashes: string[] };
    expect(proof).toMatchObject({ index, size: head.size });
    const hashes = proof.hashes.map(hash => Buffer.from(hash, "base64"));
    expect(verifyInclusion(leafHashOf(bytes), index, head.size, hashes, head.rootHash)).toBe(true);
    // Its twin: the same proof does not prove a changed leaf.
    const altered = Buffer.from(text.replace("GRANTED", "DENIED"), "utf8");
    expect(verifyInclusion(leafHashOf(altered), index, head.size, hashes, head.rootHash)).toBe(false);
  });

  it("a leaf is shown to its applicant, the lender that read and an admin; to another applicant or lender it does not exist, and without credentials it is 401", async () => {
    await sequenced();
    const [read] = expectData(await gateway.request(MY_LOG, {}, alice)).myAccessLog.edges.map((edge: any) => edge.node).filter((node: any) => node.readerKind === "LENDER");
    const path = `/transparency/leaves/${read.logIndex}`;
    for (const token of [alice, reader.apiKey, admin]) expect((await get(path, token)).status).toBe(200);
    for (const token of [bob, other.apiKey]) {
      const refused = await get(path, token);
      expect(refused.status).toBe(404);
      expect(await refused.text()).not.toContain(reader.id);
    }
    expect((await get(path)).status).toBe(401);
    expect((await get(path, "lk_not-a-key")).status).toBe(401);
  });

  it("admin actions are leaves too (AdminAction.logIndex), shown to admins only", async () => {
    const head = await sequenced();
    const actions = expectData(await gateway.request(ACTIONS, {}, admin)).adminActionLog.edges.map((edge: any) => edge.node);
    expect(actions.length).toBeGreaterThan(0);
    for (const action of actions) expect(action.logIndex).toEqual(expect.any(Number));
    const path = `/transparency/leaves/${actions[0].logIndex}`;
    const shown = await get(path, admin);
    expect(shown.status).toBe(200);
    const bytes = Buffer.from(((await shown.json()) as { leaf: string }).leaf, "base64");
    expect(JSON.parse(bytes.toString("utf8"))).toMatchObject({ type: "admin-action", action: actions[0].action });
    const proof = await (await get(`/transparency/proof/inclusion?index=${actions[0].logIndex}&size=${head.size}`)).json() as { hashes: string[] };
    expect(verifyInclusion(leafHashOf(bytes), actions[0].logIndex, head.size, proof.hashes.map(hash => Buffer.from(hash, "base64")), head.rootHash)).toBe(true);
    for (const token of [alice, reader.apiKey]) expect((await get(path, token)).status).toBe(404);
  });

  it("successive checkpoints are consistent: the consistency proof from the earlier to the later verifies", async () => {
    const earlier = await sequenced();
    expectData(await gateway.request(LEADS_WITH_IDENTITY, {}, reader.apiKey));
    // The stranger has no consent: its denied reads are records, and leaves, too.
    expect((await gateway.request(LEADS_WITH_IDENTITY, {}, other.apiKey)).body.errors?.[0]?.extensions?.reason).toBe("NO_CONSENT");
    const later = await sequenced();
    expect(later.size).toBeGreaterThan(earlier.size);
    const proof = await (await get(`/transparency/proof/consistency?from=${earlier.size}&to=${later.size}`)).json() as { from: number; to: number; hashes: string[] };
    expect(proof).toMatchObject({ from: earlier.size, to: later.size });
    const hashes = proof.hashes.map(hash => Buffer.from(hash, "base64"));
    expect(verifyConsistency(earlier.size, later.size, earlier.rootHash, later.rootHash, hashes)).toBe(true);
    // Its twin: a rewritten earlier root is not consistent with the later one.
    const rewritten = Buffer.from(earlier.rootHash);
    rewritten[0] ^= 1;
    expect(verifyConsistency(earlier.size, later.size, rewritten, later.rootHash, hashes)).toBe(false);
  });

  it.each([
    ["/transparency/proof/inclusion?index=abc&size=1", /index must be a whole number/],
    ["/transparency/proof/inclusion?index=0", /size is required/],
    ["/transparency/proof/inclusion?index=0&size=0", /size must be from 1/],
    ["/transparency/proof/inclusion?index=5&size=5", /index must be less than size/],
    ["/transparency/proof/inclusion?index=0&size=99999999", /size must be from 1 to the log's size/],
    ["/transparency/proof/inclusion?index=-1&size=2", /index must be a whole number/],
    ["/transparency/proof/inclusion?index=01&size=2", /index must be a whole number/],
    ["/transparency/proof/consistency?from=3&to=2", /from must be from 1 to to/],
    ["/transparency/proof/consistency?from=0&to=2", /from must be from 1 to to/],
    ["/transparency/proof/consistency?from=1&from=1&to=2", /from is required, once/],
    ["/transparency/leaves/1e3", /leaf index must be a whole number/],
  ])("%s is 400 with a clear message", async (path, message) => {
    await sequenced();
    const answer = await get(path, admin);
    expect(answer.status).toBe(400);
    expect(((await answer.json()) as { error: string }).error).toMatch(message);
  });

  it("positive twins of the refusals: in-range parameters are answered", async () => {
    const head = await sequenced();
    expect((await get(`/transparency/proof/inclusion?index=${head.size - 1}&size=${head.size}`)).status).toBe(200);
    expect((await get(`/transparency/proof/consistency?from=1&to=${head.size}`)).status).toBe(200);
    expect((await get(`/transparency/leaves/0`, admin)).status).toBe(200);
  });

  it("one sequencer at a time: a second instance's pass appends nothing while the lease is held, and takes over once it has lapsed", async () => {
    await sequenced();
    // The running gateway's sequencer holds the lease; a record written now waits for it.
    expectData(await gateway.request(LEADS_WITH_IDENTITY, {}, reader.apiKey));
    const now = new Date();
    const outsider = await sequenceOnce(gateway.dataSource, "another-instance", now, { leaseMs: 10_000, batchSize: 1000 });
    expect(outsider).toMatchObject({ leader: false, appended: 0 });
    const head = await sequenced();
    // After the lease (10 s at least) the other instance takes over, and finds nothing left to do.
    const later = new Date(now.getTime() + 60_000);
    const takeover = await sequenceOnce(gateway.dataSource, "another-instance", later, { leaseMs: 10_000, batchSize: 1000 });
    expect(takeover).toMatchObject({ leader: true, appended: 0, treeSize: head.size });
    // An instance that stops releases its lease: the gateway's own sequencer takes over at once.
    await releaseLease(gateway.dataSource, "another-instance");
    expectData(await gateway.request(LEADS_WITH_IDENTITY, {}, reader.apiKey));
    expect((await sequenced()).size).toBeGreaterThan(head.size);
  });

  it("a record changed after it became a leaf no longer matches the checkpoint: its leaf, rebuilt from the row, fails its inclusion proof", async () => {
    const head = await sequenced();
    const record = await gateway.dataSource.getRepository(AccessRecord).findOneByOrFail({ lenderId: other.id });
    const leafNow = async () => Buffer.from(((await (await get(`/transparency/leaves/${record.logIndex}`, admin)).json()) as { leaf: string }).leaf, "base64");
    const proof = (await (await get(`/transparency/proof/inclusion?index=${record.logIndex}&size=${head.size}`)).json() as { hashes: string[] }).hashes.map(hash => Buffer.from(hash, "base64"));
    expect(verifyInclusion(leafHashOf(await leafNow()), record.logIndex!, head.size, proof, head.rootHash)).toBe(true);
    // Hiding a probing lender's denied reads from the reports, behind the gateway's back.
    await gateway.dataSource.query("UPDATE access_records SET denied_reads = 0, granted_reads = 4 WHERE seq = ?", [record.seq]);
    expect(verifyInclusion(leafHashOf(await leafNow()), record.logIndex!, head.size, proof, head.rootHash)).toBe(false);
    await gateway.dataSource.query("UPDATE access_records SET denied_reads = ?, granted_reads = ? WHERE seq = ?", [record.deniedReads, record.grantedReads, record.seq]);
    expect(verifyInclusion(leafHashOf(await leafNow()), record.logIndex!, head.size, proof, head.rootHash)).toBe(true);
  });

  /** Holds the lease elsewhere, has `reader`'s and `other`'s next reads recorded, and returns `other`'s record, still without a leaf. */
  async function unsequencedRecord(): Promise<{ seq: number; id: string }> {
    await sequenced();
    // Another instance holds the lease, so the record written next waits for its leaf.
    await gateway.dataSource.query("UPDATE transparency_state SET lease_owner = 'elsewhere', lease_until = '2999-01-01 00:00:00.000' WHERE id = 1");
    const before = await gateway.dataSource.getRepository(AccessRecord).maximum("seq");
    expect((await gateway.request(LEADS_WITH_IDENTITY, {}, other.apiKey)).body.errors?.[0]?.extensions?.reason).toBe("NO_CONSENT");
    const [written] = await gateway.dataSource.query("SELECT seq, id, log_index, leaf_hash FROM access_records WHERE seq > ? ORDER BY seq", [before]);
    expect(written.log_index).toBeNull();
    return written;
  }

  async function releaseAndSequence(): Promise<{ size: number; rootHash: Buffer }> {
    await gateway.dataSource.query("UPDATE transparency_state SET lease_owner = NULL, lease_until = NULL WHERE id = 1");
    expectData(await gateway.request(LEADS_WITH_IDENTITY, {}, reader.apiKey));
    return sequenced();
  }

  async function leafAndProof(seq: number, head: { size: number; rootHash: Buffer }): Promise<{ leaf: Buffer; included: boolean }> {
    const [stored] = await gateway.dataSource.query("SELECT log_index FROM access_records WHERE seq = ?", [seq]);
    expect(stored.log_index).not.toBeNull();
    const leaf = Buffer.from(((await (await get(`/transparency/leaves/${stored.log_index}`, admin)).json()) as { leaf: string }).leaf, "base64");
    const proof = (await (await get(`/transparency/proof/inclusion?index=${stored.log_index}&size=${head.size}`)).json() as { hashes: string[] }).hashes.map(hash => Buffer.from(hash, "base64"));
    return { leaf, included: verifyInclusion(leafHashOf(leaf), Number(stored.log_index), head.size, proof, head.rootHash) };
  }

  it("a record altered before its leaf is still logged as written (its stored leaf hash): rebuilt from the altered row, it fails its inclusion proof", async () => {
    const written = await unsequencedRecord();
    const asWritten = await gateway.dataSource.getRepository(AccessRecord).findOneByOrFail({ seq: written.seq });
    expect(Buffer.from(asWritten.leafHash!, "base64").equals(leafHashOf(accessLeaf(asWritten)))).toBe(true);
    await gateway.dataSource.query("UPDATE access_records SET denied_reads = 0, granted_reads = 4 WHERE seq = ?", [written.seq]);
    const head = await releaseAndSequence();
    expect((await leafAndProof(written.seq, head)).included).toBe(false);
    await gateway.dataSource.query("UPDATE access_records SET denied_reads = ?, granted_reads = ? WHERE seq = ?", [asWritten.deniedReads, asWritten.grantedReads, written.seq]);
    expect((await leafAndProof(written.seq, head)).included).toBe(true);
  });

  it("a record without a stored leaf hash (written before it was kept) is encoded when sequenced; one made unreadable becomes an `unreadable` leaf, and the records after it are sequenced as usual", async () => {
    const written = await unsequencedRecord();
    await gateway.dataSource.query("UPDATE access_records SET leaf_hash = NULL, field_reads = 'not json' WHERE seq = ?", [written.seq]);
    const head = await releaseAndSequence();
    const { leaf, included } = await leafAndProof(written.seq, head);
    expect(JSON.parse(leaf.toString("utf8"))).toEqual({ type: "unreadable", v: 1, kind: "access", id: written.id });
    expect(included).toBe(true);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/^gateway_transparency_unreadable_records_total [1-9]/m);
  });

  it("a head rewritten in the database is neither signed nor extended (503); restored, the log signs and grows again", async () => {
    const head = await sequenced();
    const [state] = await gateway.dataSource.query("SELECT tree_size, root_hash FROM transparency_state WHERE id = 1");
    // A shortened log, as a database administrator hiding the latest records would write it.
    await gateway.dataSource.query("UPDATE transparency_state SET tree_size = ?, root_hash = ? WHERE id = 1", [head.size - 1, Buffer.alloc(32, 0xab).toString("base64")]);
    await new Promise(resolve => setTimeout(resolve, 1100)); // past the second a signed checkpoint is served again
    const refused = await get("/transparency/checkpoint");
    expect(refused.status).toBe(503);
    expect(await refused.text()).toMatch(/does not match its head/);
    expect((await gateway.request("query { transparencyCheckpoint }", {}, admin)).body.errors?.[0]?.extensions?.code).toBe("SERVICE_UNAVAILABLE");
    expectData(await gateway.request(LEADS_WITH_IDENTITY, {}, reader.apiKey));
    await new Promise(resolve => setTimeout(resolve, 500));
    const [stuck] = await gateway.dataSource.query("SELECT tree_size FROM transparency_state WHERE id = 1");
    expect(Number(stuck.tree_size)).toBe(head.size - 1);
    await gateway.dataSource.query("UPDATE transparency_state SET tree_size = ?, root_hash = ? WHERE id = 1", [state.tree_size, state.root_hash]);
    const grown = await sequenced();
    expect(grown.size).toBeGreaterThan(head.size);
  });

  it("a rolled-back head (a correct, shorter tree) is not signed by an instance that signed the longer one", async () => {
    const head = await sequenced();
    // The stored tree's true root at a smaller size: what a rollback to an older, honest head would show.
    const older = await storedRoot(new NodeTable(gateway.dataSource.manager), head.size - 1);
    const [state] = await gateway.dataSource.query("SELECT lease_owner FROM transparency_state WHERE id = 1");
    expect(state.lease_owner).not.toBeNull();
    // Hold the sequencer off while the head is rolled back (another instance's lease).
    await gateway.dataSource.query("UPDATE transparency_state SET lease_owner = 'elsewhere', lease_until = '2999-01-01 00:00:00.000', tree_size = ?, root_hash = ? WHERE id = 1",
      [head.size - 1, older.toString("base64")]);
    await new Promise(resolve => setTimeout(resolve, 1100));
    expect((await get("/transparency/checkpoint")).status).toBe(503);
    await gateway.dataSource.query("UPDATE transparency_state SET lease_owner = NULL, lease_until = NULL, tree_size = ?, root_hash = ? WHERE id = 1", [head.size, head.rootHash.toString("base64")]);
    expect((await sequenced()).size).toBeGreaterThanOrEqual(head.size);
  });
});

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.keys(value).sort().map(key => [key, sortKeys((value as Record<string, unknown>)[key])]));
}
