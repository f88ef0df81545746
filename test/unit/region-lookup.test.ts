import { DIVISIONS, UNKNOWN_REGION } from "../../src/regions/division-dataset";
import { regionCovers, regionNameOf, resolveApplicantCity, resolveServedRegion } from "../../src/regions/region-lookup";

const code = (lookup: ReturnType<typeof resolveApplicantCity>) => (lookup.ok ? lookup.code : lookup.reason);
const FREE_TEXT = "成都|赵六|510107200002293211|15800002222";

describe("the division dataset", () => {
  it("holds the mainland's 31 provinces and its cities, none of Taiwan, Hong Kong or Macao", () => {
    const divisions = [...DIVISIONS.values()];
    expect(divisions.filter(division => division.level === "PROVINCE")).toHaveLength(31);
    expect(divisions.filter(division => division.cityCode === division.code).length).toBeGreaterThan(330);
    expect(divisions.some(division => ["71", "81", "82"].includes(division.code.slice(0, 2)))).toBe(false);
  });

  it("leaves out groupings and the statistics bureau's development-zone codes", () => {
    expect(DIVISIONS.has("429000")).toBe(false);
    expect(DIVISIONS.has("130171")).toBe(false);
    expect(DIVISIONS.has("UNKNOWN_REGION")).toBe(false);
    expect(DIVISIONS.has(UNKNOWN_REGION.code)).toBe(false);
  });
});

describe("an applicant's city", () => {
  it.each([
    ["北京", "北京市", "110000"],
    ["成都", "成都市", "510100"],
    ["拉萨", "拉萨市", "540100"],
    ["上海", "上海市", "310000"],
    ["甘孜", "甘孜藏族自治州", "513300"],
    ["西双版纳", "西双版纳傣族自治州", "532800"],
    ["阿里", "阿里地区", "542500"],
    ["仙桃", "仙桃市", "429004"],
  ])("%s, %s and %s are one place", (short, full, gbCode) => {
    expect([short, full, gbCode].map(text => code(resolveApplicantCity(text)))).toEqual([gbCode, gbCode, gbCode]);
    expect(regionNameOf(gbCode)).toBe(full);
  });

  it("folds full-width digits and outer spaces", () => {
    expect(code(resolveApplicantCity(" １１００００ "))).toBe("110000");
    expect(code(resolveApplicantCity("  成都市\t"))).toBe("510100");
  });

  it("a district or county stands for its city, by name or code", () => {
    expect(["武侯区", "510107"].map(text => code(resolveApplicantCity(text)))).toEqual(["510100", "510100"]);
    expect(code(resolveApplicantCity("110105"))).toBe("110000");
  });

  it.each([
    ["吉林", "AMBIGUOUS_REGION"],
    ["海南", "AMBIGUOUS_REGION"],
    ["朝阳区", "AMBIGUOUS_REGION"],
    ["四川", "REGION_LEVEL"],
    ["510000", "REGION_LEVEL"],
    [FREE_TEXT, "UNKNOWN_REGION"],
    ["000000", "UNKNOWN_REGION"],
    ["429000", "UNKNOWN_REGION"],
    ["香港", "UNKNOWN_REGION"],
    ["810000", "UNKNOWN_REGION"],
    ["成", "UNKNOWN_REGION"],
    ["Chengdu", "UNKNOWN_REGION"],
  ])("refuses %s: %s, with a problem that does not repeat it", (text, reason) => {
    const lookup = resolveApplicantCity(text);
    expect(lookup).toMatchObject({ ok: false, reason });
    if (!lookup.ok) expect(lookup.problem).not.toContain(text);
  });

  it("positive twin of the shared names: the full names and codes tell them apart", () => {
    expect(["吉林市", "海南藏族自治州", "110105", "220104"].map(text => code(resolveApplicantCity(text))))
      .toEqual(["220200", "632500", "110000", "220100"]);
  });
});

describe("a region a lender serves", () => {
  it("takes provinces and cities, by short name, full name or code", () => {
    expect(["四川", "四川省", "510000", "广西", "内蒙古", "新疆", "成都", "110000"].map(text => code(resolveServedRegion(text))))
      .toEqual(["510000", "510000", "510000", "450000", "150000", "650000", "510100", "110000"]);
  });

  it("refuses districts rather than widen them, and names that are several places or none", () => {
    expect(["武侯区", "510107", "吉林", FREE_TEXT].map(text => code(resolveServedRegion(text))))
      .toEqual(["REGION_LEVEL", "REGION_LEVEL", "AMBIGUOUS_REGION", "UNKNOWN_REGION"]);
    expect(["吉林省", "吉林市"].map(text => code(resolveServedRegion(text)))).toEqual(["220000", "220200"]);
  });
});

describe("coverage", () => {
  it("a province covers its cities, a city itself, and neither covers elsewhere", () => {
    expect(regionCovers("510000", "510100")).toBe(true);
    expect(regionCovers("420000", "429004")).toBe(true);
    expect(regionCovers("510100", "510100")).toBe(true);
    expect(regionCovers("110000", "110000")).toBe(true);
    expect(regionCovers("540000", "510100")).toBe(false);
    expect(regionCovers("510100", "511300")).toBe(false);
  });

  it("the unknown region is in no province and no city", () => {
    expect(regionCovers(UNKNOWN_REGION.code, UNKNOWN_REGION.code)).toBe(false);
    expect(regionCovers("110000", UNKNOWN_REGION.code)).toBe(false);
    expect(regionNameOf(UNKNOWN_REGION.code)).toBe("未知地区");
    expect(regionNameOf("成都")).toBeUndefined();
  });
});
