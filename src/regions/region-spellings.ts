import { DIVISIONS, type Division } from "./division-dataset";

/**
 * Ethnic designations inside the names of autonomous regions and prefectures, so that
 * `甘孜藏族自治州` is also found as `甘孜` and `广西壮族自治区` as `广西`: only used to strip them
 * from the end of a name, never to decide what a division is.
 */
const ETHNIC = "(?:朝鲜族|土家族|布依族|哈尼族|景颇族|傈僳族|蒙古族?|柯尔克孜|哈萨克|维吾尔|[藏羌彝苗侗壮傣白回黎]族)";
const AUTONOMOUS = new RegExp(`^(.{2,}?)${ETHNIC}*(?:自治区|自治州)$`);
/** Level words people leave out: 北京 for 北京市, 四川 for 四川省, 阿里 for 阿里地区. */
const LEVEL_WORD = /^(.{2,}?)(?:省|市|地区|盟|林区)$/;

/**
 * The spellings a division is found by: its full name, and for provinces and city-level
 * divisions the name without its level word. Districts and counties are found by full name
 * only: their short forms collide with each other and with cities far too often.
 */
export function spellingsOf(division: Division): string[] {
  const spellings = [division.name];
  if (division.level === "COUNTY" && division.cityCode !== division.code) return spellings;
  const short = AUTONOMOUS.exec(division.name)?.[1] ?? LEVEL_WORD.exec(division.name)?.[1];
  if (short) spellings.push(short);
  return spellings;
}

/** The form every lookup compares: full-width digits and letters folded (NFKC), outer spaces gone. */
export function normalizeSpelling(text: string): string {
  return text.normalize("NFKC").trim();
}

function buildIndex(): ReadonlyMap<string, readonly Division[]> {
  const index = new Map<string, Division[]>();
  for (const division of DIVISIONS.values()) {
    for (const spelling of new Set(spellingsOf(division))) {
      const found = index.get(spelling);
      if (found) found.push(division);
      else index.set(spelling, [division]);
    }
  }
  return index;
}

/** Every division by each of its spellings; a spelling shared by several divisions lists them all. */
export const DIVISIONS_BY_SPELLING: ReadonlyMap<string, readonly Division[]> = buildIndex();
