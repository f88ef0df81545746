import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { DataSource } from "typeorm";
import { databaseTargetFromEnv } from "../../src/config";
import { openDatabase } from "../../src/database/open-database";
import { AccessRecord } from "../../src/model/access-record.entity";
import { leafHash } from "../../src/transparency/merkle-hash";
import { signerFromSeed } from "../../src/transparency/verifier-key";
import { accessLeaf } from "../../src/transparency-log/leaf-encoding";
import { LEADS_WITH_IDENTITY } from "../support/documents";
import { ALL_CATEGORIES, type TestLender, choose, expectData, submitApplication } from "../support/flow";
import { TEST_TRANSPARENCY_SIGNING_KEY, type TestGateway, startTestGatewayOn } from "../support/gateway";
import { uniqueIdentity } from "../support/identities";
import { checkCheckpointNote } from "../support/note-verifier";
import { setLenderStatus, startWithPersonas } from "../support/personas";
import { waitForCheckpoint } from "../support/sequenced";
import { transpileCommands } from "../support/transpiled-commands";

const run = promisify(execFile);

/** A verifier key for the same log name but another key: what a log under a borrowed name would publish. */
const OTHER_KEY = signerFromSeed("localhost:4000", randomBytes(32)).verifierKey.text;

type Row = Record<string, unknown>;

/**
 * `npm run audit:verify` and `npm run audit:witness`, run as processes (as cli.test.ts runs the
 * other commands) against a gateway whose tables are then changed behind its back through SQL,
 * as a database administrator could. Each tampering beside its positive twin: restored, the log
 * verifies again, so no test passes by the command refusing everything.
 */
describe("audit:verify and audit:witness: a checkpoint checked against the database, and a log checked against its own history", () => {
  let gateway: TestGateway;
  let admin: string;
  let alice: string;
  let reader: TestLender;
  let other: TestLender;
  let base: string;
  let directory: string;
  let checkpointFile: string;
  let keyText: string;
  let size: number;
  let commands: ReturnType<typeof transpileCommands>;

  /**
   * Runs `src/cli/<name>.ts` against the suite's database, transpiled once for the suite (it runs
   * some thirty processes; ts-node would transpile everything again in each); never throws on a
   * non-zero exit.
   */
  async function command(name: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}) {
    try {
      const { stdout, stderr } = await run(process.execPath, [join(commands.directory, "src", "cli", `${name}.js`), ...args], {
        env: { PATH: process.env.PATH, NODE_PATH: commands.modulePath, NODE_ENV: "test", LOG_LEVEL: "silent", DATABASE_URL: gateway.databaseUrl, ...extraEnv }, timeout: 30_000,
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code?: number; stdout?: string; stderr?: string };
      return { code: failed.code ?? -1, stdout: failed.stdout ?? "", stderr: failed.stderr ?? "" };
    }
  }
  const verify = (...extra: string[]) => command("audit-verify", ["--checkpoint", checkpointFile, "--key", keyText, ...extra]);
  const witness = (state: string, ...extra: string[]) => command("audit-witness", ["--url", base, "--state", state, ...extra]);
  const get = async (path: string) => (await fetch(`${base}${path}`)).text();

  /** The record of each kind at leaf `index`, as the database holds it. */
  async function rowAt(dataSource: DataSource, table: string, index: number): Promise<Row> {
    const [row] = await dataSource.query(`SELECT * FROM ${table} WHERE log_index = ?`, [index]);
    expect(row).toBeDefined();
    return row;
  }
  /** Puts a row back exactly as it was read (deleted first if it is there). */
  async function restore(table: string, key: string, row: Row): Promise<void> {
    const columns = Object.keys(row);
    await gateway.dataSource.query(`DELETE FROM ${table} WHERE ${key} = ?`, [row[key]]);
    await gateway.dataSource.query(`INSERT INTO ${table} (${columns.map(column => `\`${column}\``).join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`, columns.map(column => row[column]));
  }
  /** The leaf indexes of access records, ascending. */
  async function accessIndexes(): Promise<number[]> {
    const rows: { log_index: unknown }[] = await gateway.dataSource.query("SELECT log_index FROM access_records WHERE log_index IS NOT NULL ORDER BY log_index");
    return rows.map(row => Number(row.log_index));
  }

  beforeAll(async () => {
    commands = transpileCommands();
    let bob: string;
    ({ gateway, admin, applicant: alice, otherApplicant: bob, lenders: [reader, other] } = await startWithPersonas({
      env: { TRANSPARENCY_MERGE_DELAY_SECONDS: "0.1" }, lenders: ["Ledger", "Stranger"],
    }));
    base = gateway.url.replace(/\/graphql$/, "");
    directory = mkdtempSync(join(tmpdir(), "audit-verify-"));
    // Records of every kind: applications and choices, lender identity reads (granted and
    // denied), the admins' onboarding actions and the changes they approved, a suspension.
    for (const applicant of [alice, bob]) {
      const applicationId = await submitApplication(gateway, applicant, uniqueIdentity());
      await choose(gateway, applicant, applicationId, reader.id, ALL_CATEGORIES);
    }
    expectData(await gateway.request(LEADS_WITH_IDENTITY, {}, reader.apiKey));
    expect((await gateway.request(LEADS_WITH_IDENTITY, {}, other.apiKey)).body.errors?.[0]?.extensions?.reason).toBe("NO_CONSENT");
    await setLenderStatus(gateway, admin, other, "SUSPENDED");
    await waitForCheckpoint(gateway.dataSource, base);
    keyText = (await get("/transparency/key")).trim();
    const note = await get("/transparency/checkpoint");
    size = checkCheckpointNote(note, keyText).size;
    checkpointFile = join(directory, "checkpoint");
    writeFileSync(checkpointFile, note);
  }, 60_000);

  afterAll(async () => {
    await gateway?.stop();
    if (directory) rmSync(directory, { recursive: true, force: true });
    if (commands) rmSync(commands.directory, { recursive: true, force: true });
  });

  it("an untouched log: `verified N leaves`, exit 0, with the key given or the environment's signing key", async () => {
    expect((await accessIndexes()).length).toBeGreaterThanOrEqual(3);
    const [given, fromEnvironment] = await Promise.all([
      verify(),
      command("audit-verify", ["--checkpoint", checkpointFile], { TRANSPARENCY_SIGNING_KEY: TEST_TRANSPARENCY_SIGNING_KEY }),
    ]);
    expect(given).toMatchObject({ code: 0, stdout: `verified ${size} leaves\n` });
    expect(fromEnvironment).toMatchObject({ code: 0, stdout: `verified ${size} leaves\n` });
  });

  it("a deleted record: exit 1 naming its leaf; put back, the log verifies", async () => {
    const [, index] = await accessIndexes();
    const row = await rowAt(gateway.dataSource, "access_records", index);
    await gateway.dataSource.query("DELETE FROM access_records WHERE log_index = ?", [index]);
    const deleted = await verify();
    expect(deleted.code).toBe(1);
    expect(deleted.stdout).toBe(`leaf ${index}: no record holds it (a record was deleted, or its log_index changed)\n`);
    await restore("access_records", "seq", row);
    expect(await verify()).toMatchObject({ code: 0, stdout: `verified ${size} leaves\n` });
  });

  it("an altered record (an access record's outcome, an admin action's summary): exit 1 naming its leaf and id, never its contents", async () => {
    const [granted]: Row[] = await gateway.dataSource.query("SELECT log_index FROM access_records WHERE field_reads LIKE ? AND log_index IS NOT NULL ORDER BY log_index", ["%GRANTED%"]);
    const index = Number(granted.log_index);
    const record = await rowAt(gateway.dataSource, "access_records", index);
    await gateway.dataSource.query("UPDATE access_records SET field_reads = ? WHERE log_index = ?", [String(record.field_reads).replace("GRANTED", "DENIED"), index]);
    const altered = await verify();
    expect(altered.code).toBe(1);
    expect(altered.stdout).toBe(`leaf ${index}: access record ${String(record.id)} does not match the stored leaf hash (the record was altered, or moved from another index)\n`);
    expect(altered.stdout).not.toContain("DENIED");
    await restore("access_records", "seq", record);
    expect((await verify()).code).toBe(0);

    const [action]: Row[] = await gateway.dataSource.query("SELECT * FROM admin_actions WHERE log_index IS NOT NULL ORDER BY log_index DESC");
    await gateway.dataSource.query("UPDATE admin_actions SET summary = ? WHERE id = ?", ["nothing happened here", action.id]);
    const summary = await verify();
    expect(summary).toMatchObject({ code: 1, stdout: `leaf ${Number(action.log_index)}: admin-action record ${String(action.id)} does not match the stored leaf hash (the record was altered, or moved from another index)\n` });
    expect(summary.stdout).not.toContain("nothing happened");
    await restore("admin_actions", "id", action);
    expect((await verify()).code).toBe(0);
  });

  it("a record altered together with its stored leaf hash: exit 1 naming the pair of leaves under the stored node that still disagrees", async () => {
    const granted: Row[] = await gateway.dataSource.query("SELECT log_index FROM access_records WHERE field_reads LIKE ? AND log_index IS NOT NULL ORDER BY log_index", ["%GRANTED%"]);
    // A leaf whose sibling is inside the checkpoint: the stored node above the pair is complete.
    const index = granted.map(row => Number(row.log_index)).find(candidate => (candidate | 1) < size)!;
    const first = index - (index % 2);
    const record = await rowAt(gateway.dataSource, "access_records", index);
    const [node]: Row[] = await gateway.dataSource.query("SELECT * FROM transparency_nodes WHERE level = 0 AND node_index = ?", [index]);
    await gateway.dataSource.query("UPDATE access_records SET field_reads = ? WHERE log_index = ?", [String(record.field_reads).replace("GRANTED", "DENIED"), index]);
    // The leaf encoding is public: an administrator can store the altered record's leaf hash too.
    const altered = await gateway.dataSource.getRepository(AccessRecord).findOneByOrFail({ logIndex: index });
    await gateway.dataSource.query("UPDATE transparency_nodes SET hash = ? WHERE level = 0 AND node_index = ?", [leafHash(accessLeaf(altered)).toString("base64"), index]);
    const rewritten = await verify();
    expect(rewritten.code).toBe(1);
    expect(rewritten.stdout).toBe(`leaves ${first} to ${first + 1}: every record matches its stored leaf hash but the stored subtree (level 1, index ${first / 2}) does not (stored leaf hashes were rewritten with records)\n`);
    await restore("access_records", "seq", record);
    await gateway.dataSource.query("UPDATE transparency_nodes SET hash = ? WHERE level = 0 AND node_index = ?", [node.hash, index]);
    expect((await verify()).code).toBe(0);
  });

  it("two records' log_index exchanged: exit 1 naming the lower leaf; exchanged back, the log verifies", async () => {
    const indexes = await accessIndexes();
    const [low, high] = [indexes[0], indexes[indexes.length - 1]];
    const swap = async (a: number, b: number) => {
      // Through a free value: log_index is unique.
      await gateway.dataSource.query("UPDATE access_records SET log_index = ? WHERE log_index = ?", [-1, a]);
      await gateway.dataSource.query("UPDATE access_records SET log_index = ? WHERE log_index = ?", [a, b]);
      await gateway.dataSource.query("UPDATE access_records SET log_index = ? WHERE log_index = ?", [b, -1]);
    };
    await swap(low, high);
    const swapped = await verify();
    expect(swapped.code).toBe(1);
    expect(swapped.stdout).toMatch(new RegExp(`^leaf ${low}: access record \\S+ does not match the stored leaf hash`));
    await swap(low, high);
    expect((await verify()).code).toBe(0);
  });

  it("an inserted record claiming a leaf another record holds: exit 1 naming the leaf and both records; one in the same table is refused by the unique index", async () => {
    const [index] = await accessIndexes();
    const [action]: Row[] = await gateway.dataSource.query("SELECT * FROM admin_actions WHERE log_index IS NOT NULL ORDER BY log_index");
    const forged = { ...action, id: "00000000-0000-4000-8000-00000000f0f0", log_index: index };
    await restore("admin_actions", "id", forged);
    const inserted = await verify();
    expect(inserted.code).toBe(1);
    expect(inserted.stdout).toMatch(new RegExp(`^leaf ${index}: claimed by 2 records \\(access record \\S+, admin-action record ${forged.id}\\)`));
    await gateway.dataSource.query("DELETE FROM admin_actions WHERE id = ?", [forged.id]);
    expect((await verify()).code).toBe(0);
    // Within one table log_index is unique: the database itself refuses the second claim.
    const record = await rowAt(gateway.dataSource, "access_records", index);
    const { seq: _seq, ...copy } = record;
    await expect(gateway.dataSource.query(
      `INSERT INTO access_records (${Object.keys(copy).map(column => `\`${column}\``).join(", ")}) VALUES (${Object.keys(copy).map(() => "?").join(", ")})`,
      Object.values({ ...copy, id: "00000000-0000-4000-8000-00000000f0f1" }),
    )).rejects.toThrow();
  });

  it("a record inserted past the checkpoint's leaves: the checkpoint's N leaves still verify, as they should (a later checkpoint covers it)", async () => {
    const [action]: Row[] = await gateway.dataSource.query("SELECT * FROM admin_actions WHERE log_index IS NOT NULL ORDER BY log_index");
    const beyond = { ...action, id: "00000000-0000-4000-8000-00000000f0f2", log_index: size + 1000 };
    await restore("admin_actions", "id", beyond);
    expect(await verify()).toMatchObject({ code: 0, stdout: `verified ${size} leaves\n` });
    await gateway.dataSource.query("DELETE FROM admin_actions WHERE id = ?", [beyond.id]);
  });

  it("a checkpoint not signed by the key: exit 1 for another key or an edited root; exit 2 for what cannot be checked", async () => {
    const note = readFileSync(checkpointFile, "utf8");
    const lines = note.split("\n");
    const root = Buffer.from(lines[2], "base64");
    root[0] ^= 1;
    const edited = join(directory, "edited-root");
    writeFileSync(edited, [lines[0], lines[1], root.toString("base64"), ...lines.slice(3)].join("\n"));
    const [otherKey, editedRoot, missingFile, notANote, badKey, noKey, unknownOption] = await Promise.all([
      command("audit-verify", ["--checkpoint", checkpointFile, "--key", OTHER_KEY]),
      command("audit-verify", ["--checkpoint", edited, "--key", keyText]),
      command("audit-verify", ["--checkpoint", join(directory, "absent"), "--key", keyText]),
      command("audit-verify", ["--checkpoint", __filename, "--key", keyText]),
      command("audit-verify", ["--checkpoint", checkpointFile, "--key", "not-a-key"]),
      command("audit-verify", ["--checkpoint", checkpointFile]),
      command("audit-verify", ["--checkpoint", checkpointFile, "--key", keyText, "--keys", keyText]),
    ]);
    expect(otherKey).toMatchObject({ code: 1, stdout: `checkpoint signature: not signed by ${OTHER_KEY.split("+").slice(0, 2).join("+")} (no-verified-signature)\n` });
    expect(editedRoot.code).toBe(1);
    expect(editedRoot.stdout).toMatch(/^checkpoint signature: not signed by localhost:4000\+[0-9a-f]{8} \(invalid-signature\)\n$/);
    expect(missingFile).toMatchObject({ code: 2 });
    expect(missingFile.stderr).toContain("cannot read the checkpoint file");
    expect(notANote.code).toBe(2);
    expect(notANote.stderr).toContain("not a signed note");
    expect(badKey.code).toBe(2);
    expect(badKey.stderr).toContain("--key is not a verifier key");
    // No key given and none in the environment: refused, never checked without a signature.
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain("TRANSPARENCY_SIGNING_KEY is not set");
    expect(unknownOption.code).toBe(2);
    expect(unknownOption.stderr).toContain("usage: npm run audit:verify");
  });

  it("witness: the first run pins the key and stores the checkpoint; after growth the next run proves consistency and stores the newer one", async () => {
    const state = join(directory, "witness");
    const first = await witness(state);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(new RegExp(`^first checkpoint: \\d+ leaves; key ${keyText.split("+").slice(0, 2).join("\\+")} pinned \\(as served: trust on first use\\)\\n$`));
    expect(readFileSync(join(state, "log-key"), "utf8")).toBe(`${keyText}\n`);
    const before = checkCheckpointNote(readFileSync(join(state, "checkpoint"), "utf8"), keyText).size;

    expectData(await gateway.request(LEADS_WITH_IDENTITY, {}, reader.apiKey));
    expectData(await gateway.request(LEADS_WITH_IDENTITY, {}, reader.apiKey));
    await waitForCheckpoint(gateway.dataSource, base);
    const served = await get("/transparency/checkpoint");
    const after = checkCheckpointNote(served, keyText).size;
    expect(after).toBeGreaterThan(before);

    const [second, otherKey, given] = await Promise.all([
      witness(state),
      witness(state, "--key", OTHER_KEY),
      witness(join(directory, "witness-given"), "--key", keyText),
    ]);
    expect(second).toMatchObject({ code: 0, stdout: `consistent: ${before} → ${after} leaves\n` });
    expect(readFileSync(join(state, "checkpoint"), "utf8")).toBe(served);
    // A different key than the pinned one is refused, and the state is left as it was.
    expect(otherKey.code).toBe(2);
    expect(otherKey.stderr).toContain("differs from the key pinned");
    expect(given).toMatchObject({ code: 0 });
    expect(given.stdout).toContain("pinned (as given)");
    // A witness with another key pinned: the gateway's checkpoint is not signed by it.
    const stranger = join(directory, "witness-stranger");
    expect(await witness(stranger, "--key", OTHER_KEY)).toMatchObject({ code: 1, stdout: expect.stringMatching(/^history rewritten: the gateway's checkpoint is not signed by the pinned key/) });
    const unreachable = await command("audit-witness", ["--url", "http://127.0.0.1:1", "--state", join(directory, "unreachable")]);
    expect(unreachable.code).toBe(2);
    expect(unreachable.stderr).toContain("cannot fetch");
  });

  it("witness: a log rebuilt after a deletion (same key, same database) is caught, by rollback and then by the consistency proof", async () => {
    const state = join(directory, "witness");
    await waitForCheckpoint(gateway.dataSource, base);
    expect((await witness(state)).code).toBe(0);
    const witnessed = checkCheckpointNote(readFileSync(join(state, "checkpoint"), "utf8"), keyText);
    const [, index] = await accessIndexes();

    // Behind the gateway's back: stop it, delete one record, and rebuild the tree from scratch.
    await gateway.stop({ keepDatabase: true });
    const dataSource = await openDatabase(databaseTargetFromEnv({ DATABASE_URL: gateway.databaseUrl }));
    await dataSource.query("DELETE FROM access_records WHERE log_index = ?", [index]);
    await dataSource.query("DELETE FROM transparency_nodes");
    await dataSource.query("UPDATE transparency_state SET tree_size = 0, root_hash = ?, lease_owner = NULL, lease_until = NULL", ["47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="]);
    for (const table of ["access_records", "admin_actions", "admin_changes"]) await dataSource.query(`UPDATE ${table} SET log_index = NULL`);
    await dataSource.destroy();
    gateway = await startTestGatewayOn(gateway.databaseUrl, { TRANSPARENCY_MERGE_DELAY_SECONDS: "0.1" });
    base = gateway.url.replace(/\/graphql$/, "");
    await waitForCheckpoint(gateway.dataSource, base);

    // The rebuilt log is one leaf short of what the witness saw: a rollback.
    const rebuilt = checkCheckpointNote(await get("/transparency/checkpoint"), keyText);
    expect(rebuilt.size).toBe(witnessed.size - 1);
    const rollback = await witness(state);
    expect(rollback).toMatchObject({ code: 1, stdout: `history rewritten: rollback: the log has ${rebuilt.size} leaves, fewer than the ${witnessed.size} already witnessed\n` });

    // Grown past it again, the sizes no longer give it away; the consistency proof does.
    expectData(await gateway.request(LEADS_WITH_IDENTITY, {}, reader.apiKey));
    expectData(await gateway.request(LEADS_WITH_IDENTITY, {}, reader.apiKey));
    await waitForCheckpoint(gateway.dataSource, base);
    const grown = checkCheckpointNote(await get("/transparency/checkpoint"), keyText);
    expect(grown.size).toBeGreaterThan(witnessed.size);
    const [rewritten, verified] = await Promise.all([witness(state), verify()]);
    expect(rewritten).toMatchObject({ code: 1, stdout: `history rewritten: the consistency proof from ${witnessed.size} to ${grown.size} leaves does not verify: the log changed leaves it had\n` });
    // The state still holds what was witnessed, not the rewritten log.
    expect(checkCheckpointNote(readFileSync(join(state, "checkpoint"), "utf8"), keyText)).toEqual(witnessed);
    // The first checkpoint against the rebuilt database: every record matches the rebuilt tree, so only the root gives it away.
    expect(verified.code).toBe(1);
    expect(verified.stdout).toMatch(/^root mismatch: /);
  });
});
