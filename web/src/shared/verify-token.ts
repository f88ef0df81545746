import { ViewerDocument, type Role } from "../generated/graphql";
import { createGatewayClient, errorCode } from "./gateway-client";

export type TokenCheck =
  | { ok: true; subject: string; role: Role; expiresAt: number | null }
  | { ok: false; reason: "tokenRefused" | "wrongRole" | "gatewayUnavailable" };

/** `exp` of a JWT, in milliseconds; null for a token that is not a JWT or has none. */
export function tokenExpiry(token: string): number | null {
  const payload = token.split(".")[1];
  if (!payload) return null;
  try {
    const json = atob(payload.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(payload.length / 4) * 4, "="));
    const exp = (JSON.parse(json) as { exp?: unknown }).exp;
    return typeof exp === "number" ? exp * 1000 : null;
  } catch {
    return null;
  }
}

/**
 * Asks the gateway who the token is (`viewer`), so the page never trusts what the token says of
 * itself: a token the gateway refuses, or one of another role, opens nothing.
 */
export async function verifyToken(token: string, role: Role): Promise<TokenCheck> {
  const result = await createGatewayClient(token, () => undefined)
    .query(ViewerDocument, {}, { requestPolicy: "network-only" })
    .toPromise();
  const code = errorCode(result.error);
  if (code === "UNAUTHENTICATED" || result.error?.response?.status === 401) return { ok: false, reason: "tokenRefused" };
  if (code || !result.data) return { ok: false, reason: "gatewayUnavailable" };
  if (result.data.viewer.role !== role) return { ok: false, reason: "wrongRole" };
  return { ok: true, subject: result.data.viewer.id, role, expiresAt: tokenExpiry(token) };
}
