import { randomBytes } from "node:crypto";

/** A fresh nonce for one response of a page: 128 random bits, base64. */
export function newNonce(): string {
  return randomBytes(16).toString("base64");
}

/**
 * The policy of every page: scripts only by the response's nonce (and what they load), styles
 * from the gateway itself and the tags carrying the nonce, requests only to the gateway and,
 * where a page signs in with OpenID Connect, to its identity provider; no frames, no plugins,
 * no other origin.
 */
export function contentSecurityPolicy(nonce: string, identityProviderOrigins: readonly string[]): string {
  const connect = ["'self'", ...identityProviderOrigins].join(" ");
  return [
    "default-src 'none'",
    // Only the nonce: a same-origin response that a browser could run as a script (an asset,
    // an API answer) is refused unless a trusted script loads it ('strict-dynamic').
    `script-src 'nonce-${nonce}' 'strict-dynamic'`,
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${connect}`,
    `form-action ${connect}`,
    "manifest-src 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join("; ");
}

/** Headers every page response carries besides the policy. */
export const PAGE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
  "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
};
