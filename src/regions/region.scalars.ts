import { closedVocabularyScalar } from "../model/closed-vocabulary";
import { DIVISIONS, UNKNOWN_REGION } from "./division-dataset";

const NAMES = new Set([...[...DIVISIONS.values()].map(division => division.name), UNKNOWN_REGION.name]);
const CODES = new Set([...DIVISIONS.keys(), UNKNOWN_REGION.code]);

export const RegionNameScalar = closedVocabularyScalar({
  name: "RegionName",
  description: "The official name of a mainland administrative division of GB/T 2260 (e.g. `成都市`), or `未知地区` " +
    "for a city recorded before names were checked that named no division. A JSON string on the wire.",
  isMember: value => NAMES.has(value),
});

export const RegionCodeScalar = closedVocabularyScalar({
  name: "RegionCode",
  description: "The six-digit GB/T 2260 code of a mainland administrative division (e.g. `510100`), or `000000` " +
    "for the unknown region. A JSON string on the wire.",
  isMember: value => CODES.has(value),
});
