import { Application } from "../../src/model/application.entity";
import { CREATE_LENDER, SUBMIT } from "../support/documents";
import { TestLender, applicationInput, expectData, onboardLender } from "../support/flow";
import { GraphQLResult, TestGateway } from "../support/gateway";
import { uniqueIdentity } from "../support/identities";
import { startWithPersonas } from "../support/personas";
import { rawDump } from "../support/raw-rows";

/** What a frontend could slip into a free-text city: a name, an ID number and a phone, for every lender. */
const SMUGGLED = "成都|赵六|510107200002293211|15800002222";
const SMUGGLED_PARTS = ["赵六", "510107200002293211", "15800002222"];
const LENDER_VIEW = `query { leads(first: 100) { edges { node { application { id applicant { city regionCode ageBand incomeBand } } } } } }`;
const CRITERIA = { minAmount: 1000, maxAmount: 500000, minTermMonths: 1, maxTermMonths: 60 };

function expectRefused(result: GraphQLResult, field: string, reason: string): void {
  expect(result.body.data ?? null).toBeNull();
  expect(result.body.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field, reason });
}

function applicantsByApplication(data: any): Record<string, { city: string; regionCode: string }> {
  return Object.fromEntries(data.leads.edges.map((edge: any) => [edge.node.application.id, edge.node.application.applicant]));
}

describe("cities are GB/T 2260 divisions: no free text reaches a lender", () => {
  let gateway: TestGateway;
  let admin: string;
  let alice: string;
  let sichuan: TestLender;
  let tibet: TestLender;
  let everywhere: TestLender;

  const submit = (city: string, key: string) =>
    gateway.request(SUBMIT, { input: applicationInput(uniqueIdentity(), { city }), key }, alice);

  beforeAll(async () => {
    ({ gateway, admin, applicant: alice, lenders: [sichuan, tibet, everywhere] } = await startWithPersonas({
      lenders: [
        { name: "Sichuan", criteria: { ...CRITERIA, cities: ["四川"] } },
        { name: "Tibet", criteria: { ...CRITERIA, cities: ["540000"] } },
        "Everywhere",
      ],
    }));
  });

  afterAll(async () => gateway?.stop());

  it("refuses free text in city: BAD_USER_INPUT on city, nothing written, the text not echoed", async () => {
    const before = await rawDump(gateway.dataSource);
    const result = await submit(SMUGGLED, "smuggled");
    expectRefused(result, "city", "UNKNOWN_REGION");
    for (const part of [SMUGGLED, ...SMUGGLED_PARTS]) expect(result.text).not.toContain(part);
    expect(await rawDump(gateway.dataSource)).toBe(before);
  });

  it.each([
    ["a province, which is no city", "四川", "REGION_LEVEL"],
    ["a name two divisions share", "吉林", "AMBIGUOUS_REGION"],
    ["a place outside the mainland", "香港", "UNKNOWN_REGION"],
  ])("refuses %s, with its reason", async (_name, city, reason) => {
    expectRefused(await submit(city, `refused-${reason}`), "city", reason);
  });

  it("positive twin: a division by name, full name or code is one place with one regionCode", async () => {
    const ids = [];
    for (const [index, city] of ["成都", "成都市", "510100", "武侯区"].entries()) {
      ids.push(expectData(await submit(city, `chengdu-${index}`)).submitApplication.id as string);
    }
    const seen = applicantsByApplication(expectData(await gateway.request(LENDER_VIEW, {}, everywhere.apiKey)));
    for (const id of ids) expect(seen[id]).toMatchObject({ city: "成都市", regionCode: "510100", ageBand: expect.any(String) });
    // The applicant reads the same canonical place, and the rows hold the code only.
    const mine = expectData(await gateway.request(`query($id: ID!) { application(id: $id) { applicant { city regionCode } } }`, { id: ids[0] }, alice));
    expect(mine.application.applicant).toEqual({ city: "成都市", regionCode: "510100" });
    for (const id of ids) expect((await gateway.dataSource.getRepository(Application).findOneByOrFail({ id })).regionCode).toBe("510100");
    expect(expectData(await submit("吉林市", "jilin-city")).submitApplication.id).toEqual(expect.any(String));
  });

  it("a lender serving a province gets the leads of its cities; a lender serving another province gets none", async () => {
    const chengdu = expectData(await submit("成都", "to-sichuan")).submitApplication.id;
    const lhasa = expectData(await submit("拉萨市", "to-tibet")).submitApplication.id;
    const sichuanSees = applicantsByApplication(expectData(await gateway.request(LENDER_VIEW, {}, sichuan.apiKey)));
    const tibetSees = applicantsByApplication(expectData(await gateway.request(LENDER_VIEW, {}, tibet.apiKey)));
    expect(sichuanSees[chengdu]).toEqual({ city: "成都市", regionCode: "510100", ageBand: expect.any(String), incomeBand: "10000_19999" });
    expect(sichuanSees[lhasa]).toBeUndefined();
    expect(tibetSees[lhasa]).toMatchObject({ city: "拉萨市", regionCode: "540100" });
    expect(tibetSees[chengdu]).toBeUndefined();
  });

  it("lender criteria are stored as codes and shown by official name", async () => {
    const lenders = expectData(await gateway.request(`query { lenders(first: 10) { edges { node { name criteria { cities } } } } }`, {}, admin));
    const cities = Object.fromEntries(lenders.lenders.edges.map((edge: any) => [edge.node.name, edge.node.criteria.cities]));
    expect(cities).toEqual({ Sichuan: ["四川省"], Tibet: ["西藏自治区"], Everywhere: null });
  });

  it.each([
    ["free text", SMUGGLED, "UNKNOWN_REGION"],
    ["a district, finer than criteria go", "武侯区", "REGION_LEVEL"],
    ["a name two divisions share", "海南", "AMBIGUOUS_REGION"],
  ])("refuses %s in criteria.cities, writing nothing and echoing nothing", async (_name, city, reason) => {
    const before = await rawDump(gateway.dataSource);
    const input = { name: "Refused", legalName: "Refused Co., Ltd.", contactEmail: "privacy@refused.example", criteria: { ...CRITERIA, cities: ["北京", city] } };
    const result = await gateway.request(CREATE_LENDER, { input }, admin);
    expectRefused(result, "criteria.cities", reason);
    for (const part of SMUGGLED_PARTS) expect(result.text).not.toContain(part);
    expect(await rawDump(gateway.dataSource)).toBe(before);
  });

  it("positive twin: the same lender with a province, a city and a code is created", async () => {
    const hainan = await onboardLender(gateway, admin, "Hainan", [], { ...CRITERIA, cities: ["海南省", "成都", "110000"] });
    const lender = expectData(await gateway.request(`query($id: ID!) { lender(id: $id) { criteria { cities } } }`, { id: hainan.id }, admin));
    expect(lender.lender.criteria.cities).toEqual(["海南省", "成都市", "北京市"]);
  });

  it("free text that reached the column some other way is never sent: the scalar refuses it", async () => {
    const id = expectData(await submit("拉萨", "tampered")).submitApplication.id as string;
    await gateway.dataSource.getRepository(Application).update({ id }, { regionCode: SMUGGLED });
    const tampered = await gateway.request(`query($id: ID!) { application(id: $id) { applicant { city regionCode } } }`, { id }, alice);
    for (const part of [SMUGGLED, ...SMUGGLED_PARTS]) expect(tampered.text).not.toContain(part);
    expect(tampered.body.errors?.map(error => error.extensions?.code)).toEqual(["INTERNAL_SERVER_ERROR"]);
    // Positive twin: the code back in the column, the same read resolves.
    await gateway.dataSource.getRepository(Application).update({ id }, { regionCode: "540100" });
    const restored = expectData(await gateway.request(`query($id: ID!) { application(id: $id) { applicant { city regionCode } } }`, { id }, alice));
    expect(restored.application.applicant).toEqual({ city: "拉萨市", regionCode: "540100" });
  });
});
