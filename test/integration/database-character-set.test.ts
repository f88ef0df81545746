import { createLogger } from "../../src/logging/logger";
import { databaseTargetFromEnv, loadConfig } from "../../src/config";
import { openDatabase } from "../../src/database/open-database";
import { tablesNotUtf8mb4 } from "../../src/database/character-set";
import { MIGRATIONS, createDataSource } from "../../src/database/data-source";
import { buildGatewaySchema } from "../../src/schema";
import { type RunningGateway, startGateway } from "../../src/server";
import { CREATE_LENDER } from "../support/documents";
import { expectData } from "../support/flow";
import { TEST_JWT_SECRET, TEST_PII_ENCRYPTION_KEY, TEST_TRANSPARENCY_SIGNING_KEY, type TestGateway, startTestGateway, startTestGatewayOn } from "../support/gateway";

declare const __DATABASE_KIND__: "sqlite" | "mysql";
const onMysql = typeof __DATABASE_KIND__ === "string" && __DATABASE_KIND__ === "mysql" ? describe : describe.skip;

/** A lender as a Chinese operator names it: text latin1 cannot hold. */
const CHINESE_LENDER = {
  name: "示例金融",
  legalName: "示例消费金融有限公司",
  contactEmail: "privacy@shili.example",
  criteria: { minAmount: 1000, maxAmount: 500000, minTermMonths: 1, maxTermMonths: 60 },
};

async function createChineseLender(url: string, adminToken: string): Promise<{ status: number; body: any }> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${adminToken}` },
    body: JSON.stringify({ query: CREATE_LENDER, variables: { input: CHINESE_LENDER } }),
  });
  return { status: response.status, body: await response.json() };
}

describe("an internal database error is logged with the driver's codes, never its message or values", () => {
  let gateway: TestGateway;
  let logged: RunningGateway;
  const lines: string[] = [];

  beforeAll(async () => {
    gateway = await startTestGateway();
    const config = loadConfig({ NODE_ENV: "test", JWT_SECRET: TEST_JWT_SECRET, PII_ENCRYPTION_KEY: TEST_PII_ENCRYPTION_KEY, TRANSPARENCY_SIGNING_KEY: TEST_TRANSPARENCY_SIGNING_KEY, LOG_LEVEL: "error" });
    logged = await startGateway(config, gateway.dataSource, await buildGatewaySchema(), createLogger("error", line => lines.push(line)), 0, "127.0.0.1");
  });

  afterAll(async () => {
    await logged?.stop();
    await gateway?.stop();
  });

  it("a lender the database refuses to store: INTERNAL_SERVER_ERROR to the caller, the driver's code in the log line, no value anywhere", async () => {
    const admin = await gateway.token("admin", "ops-charset");
    // The database refuses the row, as a table altered behind the gateway's back would.
    if (gateway.kind === "mysql") await gateway.dataSource.query("ALTER TABLE lenders MODIFY legal_name varchar(200) CHARACTER SET latin1 NOT NULL");
    else await gateway.dataSource.query("CREATE TRIGGER refuse_lenders BEFORE INSERT ON lenders BEGIN SELECT RAISE(ABORT, 'refused'); END");
    try {
      const refused = await createChineseLender(logged.url, admin);
      expect(refused.body.errors?.[0]?.extensions?.code).toBe("INTERNAL_SERVER_ERROR");
      const line = lines.map(text => JSON.parse(text)).find(entry => entry.event === "internal_error");
      expect(line).toBeDefined();
      if (gateway.kind === "mysql") expect(line).toMatchObject({ driverCode: "ER_TRUNCATED_WRONG_VALUE_FOR_FIELD", errno: 1366, sqlState: expect.stringMatching(/^[0-9A-Z]{5}$/) });
      else expect(line).toMatchObject({ driverCode: "SQLITE_CONSTRAINT_TRIGGER" });
      const written = lines.join("\n") + JSON.stringify(refused.body);
      for (const value of [CHINESE_LENDER.name, CHINESE_LENDER.legalName, CHINESE_LENDER.contactEmail, "INSERT", "refused"]) expect(written).not.toContain(value);
    } finally {
      if (gateway.kind === "mysql") await gateway.dataSource.query("ALTER TABLE lenders MODIFY legal_name varchar(200) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NOT NULL");
      else await gateway.dataSource.query("DROP TRIGGER refuse_lenders");
    }
    // Its twin: the same lender, once the table can hold it, is created and reads back as written.
    const created = expectData(await gateway.request(CREATE_LENDER, { input: CHINESE_LENDER }, admin));
    expect(created.createLender.name).toBe(CHINESE_LENDER.name);
  });
});

onMysql("MySQL character sets", () => {
  let gateway: TestGateway | undefined;
  let originalDefault: { charset: string; collation: string };

  const url = () => process.env.TEST_MYSQL_URL!;

  async function databaseDefault(source: { query(sql: string): Promise<any> }): Promise<{ charset: string; collation: string }> {
    const [row] = await source.query("SELECT DEFAULT_CHARACTER_SET_NAME AS charset, DEFAULT_COLLATION_NAME AS collation FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = DATABASE()");
    return row;
  }

  /** Every foreign key of the database: table, columns, referenced table and columns, rules. */
  async function foreignKeys(source: { query(sql: string): Promise<any> }): Promise<unknown[]> {
    return source.query(
      "SELECT k.CONSTRAINT_NAME AS name, k.TABLE_NAME AS tableName, GROUP_CONCAT(k.COLUMN_NAME ORDER BY k.ORDINAL_POSITION) AS columnNames, " +
      "k.REFERENCED_TABLE_NAME AS referenced, GROUP_CONCAT(k.REFERENCED_COLUMN_NAME ORDER BY k.ORDINAL_POSITION) AS referencedColumns, r.DELETE_RULE AS onDelete, r.UPDATE_RULE AS onUpdate " +
      "FROM information_schema.KEY_COLUMN_USAGE k JOIN information_schema.REFERENTIAL_CONSTRAINTS r ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME " +
      "WHERE k.TABLE_SCHEMA = DATABASE() AND k.REFERENCED_TABLE_NAME IS NOT NULL GROUP BY k.CONSTRAINT_NAME, k.TABLE_NAME, k.REFERENCED_TABLE_NAME, r.DELETE_RULE, r.UPDATE_RULE ORDER BY name",
    );
  }

  beforeAll(async () => {
    const probe = await openDatabase(databaseTargetFromEnv({ DATABASE_URL: url() }));
    originalDefault = await databaseDefault(probe);
    await probe.destroy();
  });

  afterEach(async () => {
    await gateway?.stop();
    gateway = undefined;
  });

  afterAll(async () => {
    // The shared test database gets its own default back, whatever a test left.
    const restore = await openDatabase(databaseTargetFromEnv({ DATABASE_URL: url() })).catch(() => null);
    if (restore) {
      await restore.query(`ALTER DATABASE CHARACTER SET ${originalDefault.charset} COLLATE ${originalDefault.collation}`);
      await restore.destroy();
    }
  });

  it("a database created with MariaDB's latin1 default gets utf8mb4 tables from the migrations, and a Chinese lender is stored", async () => {
    const wipe = await openDatabase(databaseTargetFromEnv({ DATABASE_URL: url() }));
    await wipe.dropDatabase();
    await wipe.query("ALTER DATABASE CHARACTER SET latin1 COLLATE latin1_swedish_ci");
    expect((await databaseDefault(wipe)).charset).toBe("latin1");
    await wipe.destroy();

    gateway = await startTestGateway();
    expect(await tablesNotUtf8mb4(gateway.dataSource)).toEqual([]);
    expect((await databaseDefault(gateway.dataSource)).charset).toBe("utf8mb4");
    const created = expectData(await gateway.request(CREATE_LENDER, { input: CHINESE_LENDER }, await gateway.token("admin", "ops-charset")));
    const [stored] = await gateway.dataSource.query("SELECT legal_name FROM lenders WHERE id = ?", [created.createLender.id]);
    expect(stored.legal_name).toBe(CHINESE_LENDER.legalName);
  });

  it("a database migrated under latin1 before the conversion existed is converted, foreign keys and the migrations table included", async () => {
    const target = databaseTargetFromEnv({ DATABASE_URL: url() });
    const wipe = await openDatabase(target);
    await wipe.dropDatabase();
    await wipe.query("ALTER DATABASE CHARACTER SET latin1 COLLATE latin1_swedish_ci");
    await wipe.destroy();
    // The migrations as they were before these two: every table created latin1.
    const older = createDataSource(target);
    older.setOptions({ migrations: MIGRATIONS.filter(migration => !["DatabaseUtf8mb41764200000000", "TablesUtf8mb41765860000000"].includes(new migration().name)) });
    await older.initialize();
    await older.runMigrations({ transaction: "each" });
    expect(await tablesNotUtf8mb4(older)).toEqual(expect.arrayContaining(["lenders", "consents", "leads", "migrations"]));
    const foreignKeysBefore = await foreignKeys(older);
    expect(foreignKeysBefore.length).toBeGreaterThan(3);
    await older.destroy();

    gateway = await startTestGatewayOn(url());
    expect(await tablesNotUtf8mb4(gateway.dataSource)).toEqual([]);
    expect(await foreignKeys(gateway.dataSource)).toEqual(foreignKeysBefore);
    const created = expectData(await gateway.request(CREATE_LENDER, { input: CHINESE_LENDER }, await gateway.token("admin", "ops-charset")));
    expect(created.createLender.name).toBe(CHINESE_LENDER.name);
  });

  it("start-up refuses a table that cannot hold utf8mb4, naming it and the fix; converted, the gateway starts", async () => {
    gateway = await startTestGateway();
    await gateway.dataSource.query("ALTER TABLE lenders MODIFY legal_name varchar(200) CHARACTER SET latin1 NOT NULL");
    await gateway.stop({ keepDatabase: true });
    gateway = undefined;
    const refused = await openDatabase(databaseTargetFromEnv({ DATABASE_URL: url() })).then(
      async dataSource => { await dataSource.destroy(); return null; },
      (error: Error) => error,
    );
    expect(refused?.name).toBe("CharacterSetError");
    expect(refused?.message).toContain("lenders");
    expect(refused?.message).toContain("CONVERT TO CHARACTER SET utf8mb4");

    const fixer = await import("mysql2/promise").then(mysql => mysql.createConnection(url()));
    await fixer.query("ALTER TABLE lenders CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
    await fixer.end();
    const started = await openDatabase(databaseTargetFromEnv({ DATABASE_URL: url() }));
    expect(await tablesNotUtf8mb4(started)).toEqual([]);
    await started.destroy();
  });
});
