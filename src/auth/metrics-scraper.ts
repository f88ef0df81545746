import { createHash, timingSafeEqual } from "node:crypto";

const digest = (value: string): Buffer => createHash("sha256").update(value, "utf8").digest();

/**
 * Whether `authorization` is `Bearer <token>` for the configured METRICS_TOKEN. Compared in
 * constant time over SHA-256 digests (equal lengths whatever was sent), so the time taken says
 * nothing about how much of the token a guess got right.
 */
export function isMetricsScraper(authorization: string | undefined, token: string): boolean {
  // The scheme is case-insensitive (RFC 7235 section 2.1), the credential is not.
  const sent = /^Bearer ([^\s]+)$/i.exec(authorization ?? "")?.[1] ?? "";
  return timingSafeEqual(digest(sent), digest(token)) && sent !== "";
}
