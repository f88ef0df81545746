import { AgeBandScalar, IncomeBandScalar } from "../../src/model/bands";
import { ageBand, incomeBand } from "../../src/applications/bands";
import { CLOSED_VOCABULARY_SCALARS } from "../../src/privacy/pii-schema-check";
import { RegionCodeScalar, RegionNameScalar } from "../../src/regions/region.scalars";

const FREE_TEXT = "成都|赵六|510107200002293211|15800002222";
const SCALARS = [RegionNameScalar, RegionCodeScalar, AgeBandScalar, IncomeBandScalar];

describe("closed-vocabulary scalars", () => {
  it("are exactly the ones the schema policy trusts", () => {
    expect(SCALARS.map(scalar => scalar.name).sort()).toEqual([...CLOSED_VOCABULARY_SCALARS].sort());
  });

  it.each(SCALARS.map(scalar => [scalar.name, scalar] as const))("%s refuses free text without repeating it", (_name, scalar) => {
    for (const value of [FREE_TEXT, "", 42, null, {}]) {
      let message = "";
      try {
        scalar.serialize(value);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toContain("cannot represent a value outside its vocabulary");
      expect(message).not.toContain("赵六");
    }
  });

  it("positive twin: each sends the words of its vocabulary as plain strings", () => {
    expect(RegionNameScalar.serialize("成都市")).toBe("成都市");
    expect(RegionNameScalar.serialize("未知地区")).toBe("未知地区");
    expect(RegionCodeScalar.serialize("510100")).toBe("510100");
    expect(RegionCodeScalar.serialize("000000")).toBe("000000");
    for (const age of [0, 18, 30, 40, 50, 60, 90]) expect(AgeBandScalar.serialize(ageBand(age))).toBe(ageBand(age));
    for (const income of [0, 3000, 6000, 10000, 20000, 50000]) expect(IncomeBandScalar.serialize(incomeBand(income))).toBe(incomeBand(income));
  });

  it("a name is sent only in its official form: a short name is not in the vocabulary", () => {
    expect(() => RegionNameScalar.serialize("北京")).toThrow("RegionName cannot represent");
    expect(() => RegionCodeScalar.serialize("510107200002293211")).toThrow("RegionCode cannot represent");
  });
});
