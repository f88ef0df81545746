import { DataSource } from "typeorm";
import { SUBMIT } from "../support/documents";
import { TestLender, applicationInput, expectData } from "../support/flow";
import { TestGateway } from "../support/gateway";
import { uniqueIdentity } from "../support/identities";
import { rawDump } from "../support/raw-rows";
import { startWithPersonas } from "../support/personas";

/** Seven digits: no hash, id or timestamp in the scan holds such a run by chance. */
const HIGH_INCOME = 7_364_291;
/** Stored by a row written before the migration, as the code before it did. */
const LEGACY_INCOME = 6_180_337;
/** A common figure: looked for cell by cell (equal to a whole value), not in the text. */
const MIDDLE_INCOME = 23_457;

const LENDER_PAGE = "query { leads(first: 100) { edges { node { application { id applicant { incomeBand } } } } } }";
const codes = (result: { body: { errors?: Array<{ extensions?: Record<string, unknown> }> } }) =>
  result.body.errors?.map(error => error.extensions?.code);

/** A whole number in the scan's text, not part of a longer one. */
const standalone = (value: number) => new RegExp(`(?<![0-9])${value}(?![0-9])`);

/** Every cell of every table, from the same raw scan (no entity, no transformer). */
async function rawCells(dataSource: DataSource): Promise<unknown[]> {
  const dump = await rawDump(dataSource);
  return dump.split("\n").flatMap(line => {
    const rows: Array<Record<string, unknown>> = JSON.parse(line.slice(line.indexOf(": ") + 2));
    return rows.flatMap(row => Object.values(row));
  });
}

/** Every foreign key of the database, as "table.column -> table.column", sorted. */
async function foreignKeys(dataSource: DataSource): Promise<string[]> {
  if (dataSource.options.type === "mysql") {
    const rows: Array<Record<string, string>> = await dataSource.query(
      "SELECT TABLE_NAME AS t, COLUMN_NAME AS c, REFERENCED_TABLE_NAME AS rt, REFERENCED_COLUMN_NAME AS rc " +
        "FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = DATABASE() AND REFERENCED_TABLE_NAME IS NOT NULL",
    );
    return rows.map(row => `${row.t}.${row.c} -> ${row.rt}.${row.rc}`).sort();
  }
  const tables: Array<{ name: string }> = await dataSource.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
  const keys: string[] = [];
  for (const { name } of tables) {
    const rows: Array<{ table: string; from: string; to: string }> = await dataSource.query(`PRAGMA foreign_key_list("${name}")`);
    keys.push(...rows.map(row => `${name}.${row.from} -> ${row.table}.${row.to}`));
  }
  return keys.sort();
}

/** The columns and indexes of `applications`, as the database reports them. */
async function applicationsTable(dataSource: DataSource): Promise<{ columns: string[]; indices: string[] }> {
  const runner = dataSource.createQueryRunner();
  try {
    const table = (await runner.getTable("applications"))!;
    return {
      columns: table.columns.map(column => column.name),
      indices: table.indices.map(index => `${index.name}${index.isUnique ? " unique" : ""} (${index.columnNames.join(", ")})`).sort(),
    };
  } finally {
    await runner.release();
  }
}

/**
 * Data minimisation: the exact monthly income only computes the income band at submission; it is
 * stored nowhere, lenders still see the band, and a replay with another income still conflicts.
 */
describe("the exact monthly income is not stored", () => {
  let gateway: TestGateway;
  let lender: TestLender;
  let alice: string;
  let highId: string;
  let middleId: string;
  const highInput = applicationInput(uniqueIdentity(), { monthlyIncome: HIGH_INCOME });
  const middleInput = applicationInput(uniqueIdentity(), { monthlyIncome: MIDDLE_INCOME });

  beforeAll(async () => {
    ({ gateway, applicant: alice, lenders: [lender] } = await startWithPersonas({ lenders: ["Band"] }));
    highId = expectData(await gateway.request(SUBMIT, { input: highInput, key: "income-high" }, alice)).submitApplication.id;
    middleId = expectData(await gateway.request(SUBMIT, { input: middleInput, key: "income-middle" }, alice)).submitApplication.id;
  });

  afterAll(async () => gateway?.stop());

  it("a raw scan of every table finds no submitted income, and applications has no income column", async () => {
    expect(await rawDump(gateway.dataSource)).not.toMatch(standalone(HIGH_INCOME));
    const cells = await rawCells(gateway.dataSource);
    for (const income of [HIGH_INCOME, MIDDLE_INCOME]) {
      expect(cells.filter(cell => cell === income || cell === String(income))).toEqual([]);
    }
    // The amount of the same submissions is found cell by cell: the scan itself can fail.
    expect(cells).toContain(50000);
    expect((await applicationsTable(gateway.dataSource)).columns).not.toContain("monthly_income");
  });

  it("positive twin: the lender sees each application's income band", async () => {
    const page = expectData(await gateway.request(LENDER_PAGE, {}, lender.apiKey));
    const bands = Object.fromEntries(page.leads.edges.map((edge: any) => [edge.node.application.id, edge.node.application.applicant.incomeBand]));
    expect(bands).toEqual({ [highId]: "50000_PLUS", [middleId]: "20000_49999" });
  });

  it("a replay with another income under the same key is IDEMPOTENCY_CONFLICT, within the band too; the same payload replays", async () => {
    for (const monthlyIncome of [MIDDLE_INCOME + 1, 5000]) {
      const result = await gateway.request(SUBMIT, { input: { ...middleInput, monthlyIncome }, key: "income-middle" }, alice);
      expect(codes(result)).toEqual(["IDEMPOTENCY_CONFLICT"]);
    }
    expect(expectData(await gateway.request(SUBMIT, { input: middleInput, key: "income-middle" }, alice)).submitApplication.id).toBe(middleId);
  });

  it("the migration removes incomes stored before it, keeps every foreign key, and its down brings the column back empty", async () => {
    const source = gateway.dataSource;
    const keysBefore = await foreignKeys(source);
    const indicesBefore = (await applicationsTable(source)).indices;
    expect(indicesBefore).toContain("uq_applications_subject_idempotency unique (applicant_subject, idempotency_key)");
    expect(keysBefore).toEqual(expect.arrayContaining(["applications.applicant_id -> applicants.id", "leads.application_id -> applications.id"]));
    // No transaction: SQLite ignores `PRAGMA foreign_keys = OFF` inside one, and the rebuild drops a referenced table.
    for (;;) {
      const [last] = await source.query("SELECT name FROM migrations ORDER BY timestamp DESC LIMIT 1");
      await source.undoLastMigration({ transaction: "none" });
      if (last.name === "DropExactIncome1764900000000") break;
    }
    const restored: Array<{ monthly_income: number | null }> = await source.query("SELECT monthly_income FROM applications");
    expect(restored).toHaveLength(2);
    expect(restored.every(row => row.monthly_income === null)).toBe(true);
    // A database written before the fix: the scan finds the income (so it can fail below).
    await source.query("UPDATE applications SET monthly_income = ?", [LEGACY_INCOME]);
    expect(await rawDump(source)).toMatch(standalone(LEGACY_INCOME));

    await source.runMigrations();
    expect(await rawDump(source)).not.toMatch(standalone(LEGACY_INCOME));
    const after = await applicationsTable(source);
    expect(after.columns).not.toContain("monthly_income");
    expect(after.indices).toEqual(indicesBefore);
    expect(await foreignKeys(source)).toEqual(keysBefore);
    if (source.options.type !== "mysql") {
      expect(await source.query("PRAGMA foreign_key_check")).toEqual([]);
      expect(await source.query("PRAGMA foreign_keys")).toEqual([{ foreign_keys: 1 }]);
    }
    // Submission over the rebuilt table: a replay still returns the application, another income still conflicts.
    expect(expectData(await gateway.request(SUBMIT, { input: highInput, key: "income-high" }, alice)).submitApplication.id).toBe(highId);
    const changed = await gateway.request(SUBMIT, { input: { ...highInput, monthlyIncome: HIGH_INCOME + 1 }, key: "income-high" }, alice);
    expect(codes(changed)).toEqual(["IDEMPOTENCY_CONFLICT"]);
  });
});
