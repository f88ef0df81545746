import { en } from "./words/en";
import { zh } from "./words/zh";

/** The console's words, Chinese and English; shared words are in ../shared/i18n.ts. */
export const words = { zh, en };
