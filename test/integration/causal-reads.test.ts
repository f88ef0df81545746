import type { DataSource } from "typeorm";
import { openDatabase } from "../../src/database/open-database";
import { CAUSAL_SYNC_WAIT } from "../../src/database/causal-reads";
import type { CausalReadsSetting } from "../../src/config";

declare const __DATABASE_KIND__: "sqlite" | "mysql";
const onMysql = typeof __DATABASE_KIND__ === "string" && __DATABASE_KIND__ === "mysql";

/**
 * Causal reads by construction: with DATABASE_CAUSAL_READS in force every pooled session holds
 * `wsrep_sync_wait` before the pool lends it, however many connections the pool opens. The
 * cluster suite shows what it does on Galera; here, on one MariaDB server (which knows the
 * variable with wsrep off), that every session of every kind gets it, and that `auto` leaves a
 * server that is not a Galera node alone.
 */
(onMysql ? describe : describe.skip)("DATABASE_CAUSAL_READS on one MariaDB server", () => {
  const opened: DataSource[] = [];
  const open = async (causalReads: CausalReadsSetting) => {
    const dataSource = await openDatabase({ kind: "mysql", url: process.env.TEST_MYSQL_URL!, causalReads });
    opened.push(dataSource);
    return dataSource;
  };

  afterAll(async () => {
    for (const dataSource of opened) await dataSource.destroy();
  });

  /** The setting of several sessions at once: plain statements and transactions, on as many pooled connections. */
  async function sessionSettings(dataSource: DataSource): Promise<number[]> {
    const read = (rows: Array<{ syncWait: unknown }>) => Number(rows[0].syncWait);
    const pause = () => new Promise(resolve => setTimeout(resolve, 50));
    return Promise.all(Array.from({ length: 6 }, (_unused, index) => index % 2 === 0
      ? dataSource.transaction(async manager => {
        const value = read(await manager.query("SELECT @@SESSION.wsrep_sync_wait AS syncWait"));
        await pause();
        return value;
      })
      : dataSource.query("SELECT @@SESSION.wsrep_sync_wait AS syncWait").then(read)));
  }

  /** MariaDB knows the variable even with wsrep off; MySQL does not. */
  const serverKnowsSyncWait = async () => (await (await open("off")).query("SHOW VARIABLES LIKE 'wsrep_sync_wait'")).length > 0;

  it("`on`: every session, the pool's first and the ones it opens under load, waits (MySQL: the start is refused)", async () => {
    if (!(await serverKnowsSyncWait())) return void await expect(open("on")).rejects.toThrow();
    const dataSource = await open("on");
    expect(await sessionSettings(dataSource)).toEqual(Array(6).fill(CAUSAL_SYNC_WAIT));
  });

  it("positive twin: `auto` on a server that is not a Galera node sets nothing", async () => {
    const dataSource = await open("auto");
    if (!(await serverKnowsSyncWait())) return void expect(await dataSource.query("SELECT 1 AS one")).toEqual([{ one: 1 }]);
    expect(await sessionSettings(dataSource)).toEqual(Array(6).fill(0));
  });
});
