/**
 * The last line of defence for logs: callers already pass only ids, codes and durations, but a
 * field added carelessly must still not write identity or credentials. Keys are matched
 * case-insensitively at any depth; string values are also scanned for the shapes of what we
 * protect (resident ID numbers, mainland mobiles, e-mail addresses, API keys, bearer tokens).
 */
export const REDACTED = "[redacted]";

const SENSITIVE_KEYS = new Set([
  // identity (GraphQL field names, columns, input names)
  "fullname", "full_name", "name", "nationalid", "national_id", "phone", "email", "identity",
  "monthlyincome", "monthly_income",
  // credentials
  "authorization", "cookie", "set-cookie", "apikey", "api_key", "secret", "token", "password", "jwt", "credential", "key",
  // request payloads that may hold any of the above
  "variables", "input", "body", "query",
].map(key => key.toLowerCase()));

const VALUE_PATTERNS: RegExp[] = [
  /\b\d{17}[\dXx]\b/g, // resident ID number
  /(?<!\d)(?:\+?86)?1[3-9]\d{9}(?!\d)/g, // mainland mobile
  /[^\s@"'<>]+@[^\s@"'<>]+\.[A-Za-z]{2,}/g, // e-mail address
  /\blk_[A-Za-z0-9_-]{8,}/g, // lender API key
  /\blat_[A-Za-z0-9_-]{8,}/g, // lender access token
  /\bwhsec_[A-Za-z0-9+/=]{16,}/g, // webhook signing secret
  /\bBearer\s+[A-Za-z0-9._~+/-]+=*/gi, // bearer credential
  /\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, // JWT
];

const MAX_DEPTH = 8;

export function redactString(value: string): string {
  return VALUE_PATTERNS.reduce((text, pattern) => text.replace(pattern, REDACTED), value);
}

export function redactDeep(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return redactString(value);
  if (value === null || typeof value !== "object") return value;
  if (depth >= MAX_DEPTH) return REDACTED;
  if (value instanceof Date) return value;
  if (Array.isArray(value)) return value.map(item => redactDeep(item, depth + 1));
  if (value instanceof Error) return { errorName: value.name };
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    out[key] = SENSITIVE_KEYS.has(key.toLowerCase()) ? REDACTED : redactDeep(item, depth + 1);
  }
  return out;
}
