import { DIVISIONS, type Division, UNKNOWN_REGION, isCityLevel } from "./division-dataset";
import { DIVISIONS_BY_SPELLING, normalizeSpelling } from "./region-spellings";

/**
 * Why a text is not accepted as a region:
 * - `UNKNOWN_REGION`: no mainland division of GB/T 2260 has that name or code;
 * - `AMBIGUOUS_REGION`: several divisions answer to that name (吉林: the province and the city;
 *   朝阳区: in Beijing and in Changchun); the full name or the code tells them apart;
 * - `REGION_LEVEL`: a division of the wrong level (a province is not an applicant's city; a
 *   district is finer than a lender's criteria go).
 */
export type RegionRefusal = "UNKNOWN_REGION" | "AMBIGUOUS_REGION" | "REGION_LEVEL";

/** `problem` says what is wrong for an error message; it never repeats the text looked up. */
export type RegionLookup = { ok: true; code: string } | { ok: false; reason: RegionRefusal; problem: string };

const SIX_DIGITS = /^\d{6}$/;

function divisionsFor(text: string): readonly Division[] {
  const spelling = normalizeSpelling(text);
  if (SIX_DIGITS.test(spelling)) {
    const division = DIVISIONS.get(spelling);
    return division ? [division] : [];
  }
  return DIVISIONS_BY_SPELLING.get(spelling) ?? [];
}

/**
 * Settles a text to one code: `place` gives each candidate division the code it stands for, or
 * null when it is of the wrong level. One distinct code is the answer; a province and a city of
 * the same short name stay two answers, never a guess.
 */
function settle(text: string, place: (division: Division) => string | null, levelProblem: string): RegionLookup {
  const candidates = divisionsFor(text);
  if (candidates.length === 0) {
    return { ok: false, reason: "UNKNOWN_REGION", problem: "names no mainland administrative division of GB/T 2260; give its name or six-digit code" };
  }
  const codes = new Set(candidates.map(division => place(division) ?? `level:${division.code}`));
  if (codes.size > 1) {
    return { ok: false, reason: "AMBIGUOUS_REGION", problem: "names several divisions; give the full name or the six-digit code" };
  }
  const [code] = codes;
  return code.startsWith("level:") ? { ok: false, reason: "REGION_LEVEL", problem: levelProblem } : { ok: true, code };
}

/**
 * An applicant's city: a city-level division (a prefecture, a municipality such as 北京市, a
 * county-level city governed by its province such as 仙桃市), by name or code. A district or
 * county stands for the city it lies in (武侯区 and 510107 are 成都市): a lender sees no finer
 * place than the city. A province that is not a municipality is no city.
 */
export function resolveApplicantCity(text: string): RegionLookup {
  return settle(text, division => division.cityCode, "is a province; give the city");
}

/**
 * A region a lender serves: a province (covering every city in it) or a city-level division, by
 * name or code. A district or county is refused rather than widened to its city, so a lender
 * never receives leads from more places than it named.
 */
export function resolveServedRegion(text: string): RegionLookup {
  return settle(
    text, division => (division.level === "PROVINCE" || isCityLevel(division) ? division.code : null),
    "is a district or county; name its city or province",
  );
}

/** The canonical name of a stored code, `未知地区` for the unknown-region code, undefined for anything else. */
export function regionNameOf(code: string): string | undefined {
  if (code === UNKNOWN_REGION.code) return UNKNOWN_REGION.name;
  return DIVISIONS.get(code)?.name;
}

/**
 * Whether a lender serving `served` (a province or city code) takes an application recorded in
 * `cityCode`: the same city, or a city in that province. The unknown region is in no province.
 */
export function regionCovers(served: string, cityCode: string): boolean {
  const city = DIVISIONS.get(cityCode);
  if (!city) return false;
  return served === city.code || served === city.provinceCode;
}
