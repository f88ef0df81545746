import { DataSource } from "typeorm";
import { Application } from "../../src/model/application.entity";
import { Lender } from "../../src/model/lender.entity";
import { SUBMIT } from "../support/documents";
import { TestLender, applicationInput, expectData } from "../support/flow";
import { TestGateway } from "../support/gateway";
import { uniqueIdentity } from "../support/identities";
import { startWithPersonas } from "../support/personas";

const SMUGGLED = "成都|赵六|510107200002293211|15800002222";
const LENDER_VIEW = `query { leads(first: 100) { edges { node { application { id applicant { city regionCode } } } } } }`;
const CRITERIA = { minAmount: 1000, maxAmount: 500000, minTermMonths: 1, maxTermMonths: 60 };
const LENDER_CITIES = `query($id: ID!) { lender(id: $id) { criteria { cities } } }`;

/** Undoes migrations down to and including `name` (later ones too), then runs them all again. */
async function rerunFrom(source: DataSource, name: string, beforeRerun: () => Promise<void>): Promise<void> {
  for (;;) {
    const [last] = await source.query("SELECT name FROM migrations ORDER BY timestamp DESC LIMIT 1");
    await source.undoLastMigration();
    if (last.name === name) break;
  }
  await beforeRerun();
  await source.runMigrations();
}

describe("migration 1765200000000 turns stored city names into GB/T 2260 codes", () => {
  let gateway: TestGateway;
  let admin: string;
  let alice: string;
  let anywhere: TestLender;
  const applications: Record<string, string> = {};
  let mixed: TestLender;
  let nowhere: TestLender;

  beforeAll(async () => {
    ({ gateway, admin, applicant: alice, lenders: [anywhere, mixed, nowhere] } = await startWithPersonas({
      lenders: ["Anywhere", { name: "Mixed", criteria: { ...CRITERIA, cities: ["北京"] } }, { name: "Nowhere", criteria: { ...CRITERIA, cities: ["拉萨"] } }],
    }));
    // What rows looked like before: the text the frontend or the admin typed, as it was stored.
    const legacy: Record<string, string> = { beijing: "北京", chengdu: "成都市", wuhou: "武侯区", chaoyang: "朝阳区", smuggled: SMUGGLED, code: "540100" };
    for (const key of Object.keys(legacy)) {
      applications[key] = expectData(await gateway.request(SUBMIT, { input: applicationInput(uniqueIdentity(), { city: "北京" }), key }, alice)).submitApplication.id;
    }
    await rerunFrom(gateway.dataSource, "RegionCodes1765200000000", async () => {
      for (const [key, city] of Object.entries(legacy)) {
        await gateway.dataSource.query("UPDATE applications SET city = ? WHERE id = ?", [city, applications[key]]);
      }
      await gateway.dataSource.query("UPDATE lenders SET cities = ? WHERE id = ?", [JSON.stringify(["北京", "四川", "火星", "武侯区"]), mixed.id]);
      await gateway.dataSource.query("UPDATE lenders SET cities = ? WHERE id = ?", [JSON.stringify(["火星"]), nowhere.id]);
    });
  });

  afterAll(async () => gateway?.stop());

  it("maps every stored city to the code of the city it names; what names none becomes the unknown region", async () => {
    const stored = Object.fromEntries(await Promise.all(Object.entries(applications).map(async ([key, id]) =>
      [key, (await gateway.dataSource.getRepository(Application).findOneByOrFail({ id })).regionCode])));
    expect(stored).toEqual({ beijing: "110000", chengdu: "510100", wuhou: "510100", chaoyang: "000000", smuggled: "000000", code: "540100" });
  });

  it("lenders see canonical names and codes; the smuggled text is gone from every answer", async () => {
    const result = await gateway.request(LENDER_VIEW, {}, anywhere.apiKey);
    const seen = Object.fromEntries(expectData(result).leads.edges.map((edge: any) => [edge.node.application.id, edge.node.application.applicant]));
    expect(seen[applications.beijing]).toEqual({ city: "北京市", regionCode: "110000" });
    expect(seen[applications.wuhou]).toEqual({ city: "成都市", regionCode: "510100" });
    expect(seen[applications.smuggled]).toEqual({ city: "未知地区", regionCode: "000000" });
    for (const part of ["赵六", "510107200002293211", "15800002222"]) expect(result.text).not.toContain(part);
  });

  it("lender lists keep the entries that name a province or city, and never widen to every city", async () => {
    const cities = async (lender: TestLender) => expectData(await gateway.request(LENDER_CITIES, { id: lender.id }, admin)).lender.criteria.cities;
    expect(await cities(mixed)).toEqual(["北京市", "四川省"]);
    expect(await cities(nowhere)).toEqual([]);
    expect((await gateway.dataSource.getRepository(Lender).findOneByOrFail({ id: nowhere.id })).servedRegionCodes).toEqual([]);
  });

  it("matching after it: the migrated province covers a new Chengdu application; the emptied list takes none", async () => {
    const id = expectData(await gateway.request(SUBMIT, { input: applicationInput(uniqueIdentity(), { city: "成都" }), key: "after" }, alice)).submitApplication.id;
    const leadsOf = async (lender: TestLender) => expectData(await gateway.request(LENDER_VIEW, {}, lender.apiKey)).leads.edges
      .map((edge: any) => edge.node.application.id);
    expect(await leadsOf(mixed)).toContain(id);
    expect(await leadsOf(anywhere)).toContain(id);
    expect(await leadsOf(nowhere)).not.toContain(id);
  });

  it("running it again changes nothing", async () => {
    const snapshot = async () => ({
      applications: (await gateway.dataSource.getRepository(Application).find({ order: { id: "ASC" } })).map(row => row.regionCode),
      lenders: (await gateway.dataSource.getRepository(Lender).find({ order: { id: "ASC" } })).map(row => row.servedRegionCodes),
    });
    const before = await snapshot();
    await rerunFrom(gateway.dataSource, "RegionCodes1765200000000", async () => undefined);
    expect(await snapshot()).toEqual(before);
  });
});
