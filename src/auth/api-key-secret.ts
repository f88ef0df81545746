import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** `lk_<16 hex id>_<43 base64url chars = 32 random bytes>`. */
const API_KEY_PATTERN = /^lk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export interface ParsedApiKey {
  id: string;
  secret: string;
}

export function parseApiKey(credential: string): ParsedApiKey | null {
  const match = API_KEY_PATTERN.exec(credential);
  return match ? { id: match[1], secret: match[2] } : null;
}

export function generateApiKey(): { id: string; secret: string; credential: string } {
  const id = randomBytes(8).toString("hex");
  const secret = randomBytes(32).toString("base64url");
  return { id, secret, credential: `lk_${id}_${secret}` };
}

/** The secret is 256 random bits, so a plain SHA-256 is enough: there is nothing to brute-force. */
export function hashApiKeySecret(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

/** Constant-time comparison of a presented secret with a stored hash. */
export function apiKeySecretMatches(secret: string, storedHash: string): boolean {
  const presented = Buffer.from(hashApiKeySecret(secret), "hex");
  const stored = Buffer.from(storedHash, "hex");
  return stored.length === presented.length && timingSafeEqual(presented, stored);
}
