/** A gateway time (ISO 8601, UTC) in the reader's locale; empty for none. */
export function formatTime(value: string | null | undefined, language: string): string {
  if (!value) return "";
  return new Date(value).toLocaleString(language === "en" ? "en-GB" : "zh-CN", { timeZone: "UTC", hour12: false }) + " UTC";
}

/** A `datetime-local` input's value (taken as UTC) as ISO 8601, or undefined when empty. */
export function isoFromLocalInput(value: string): string | undefined {
  if (!value) return undefined;
  const time = new Date(value.length === 16 ? `${value}:00Z` : `${value}Z`);
  return Number.isNaN(time.getTime()) ? undefined : time.toISOString();
}

/** A UTC instant as a `datetime-local` input's value. */
export function localInputFromDate(date: Date): string {
  return date.toISOString().slice(0, 16);
}
