import { InMemoryWebStorage, type User, UserManager, WebStorageStateStore } from "oidc-client-ts";
import type { Role } from "../generated/graphql";
import type { SignInConfig } from "./sign-in-config";
import { type TokenCheck, verifyToken } from "./verify-token";

export type OidcSignInConfig = Extract<SignInConfig, { kind: "oidc" }>;

/** Where the provider sends the browser back, relative to the app's base path. */
export const CALLBACK_PATH = "/callback";
export const SIGNED_OUT_PATH = "/signed-out";

const managers = new Map<string, UserManager>();

/**
 * The page's OpenID Connect client: authorization code with PKCE (S256), a public client (no
 * secret in a page). The user, with its tokens, is kept in memory only; what the redirect must
 * survive (the state: its id, the PKCE code_verifier, nonce, redirect URI, scope, the path to
 * return to) sits in sessionStorage from the sign-in request until the callback reads and
 * removes it. Nothing renews in a hidden iframe (the policy allows no frames) and no iframe
 * watches the provider's session: the session ends when the access token does.
 */
export function oidcManager(app: "console" | "privacy", config: OidcSignInConfig): UserManager {
  const key = `${app} ${config.authority} ${config.clientId}`;
  let manager = managers.get(key);
  if (!manager) {
    const base = `${window.location.origin}/${app}`;
    manager = new UserManager({
      authority: config.authority,
      client_id: config.clientId,
      redirect_uri: `${base}${CALLBACK_PATH}`,
      post_logout_redirect_uri: `${base}${SIGNED_OUT_PATH}`,
      response_type: "code",
      scope: config.scope,
      // The resource in both requests: RFC 8707 leaves the token endpoint free to ignore the one granted.
      ...(config.resource ? { resource: config.resource, extraTokenParams: { resource: config.resource } } : {}),
      userStore: new WebStorageStateStore({ store: new InMemoryWebStorage() }),
      stateStore: new WebStorageStateStore({ store: window.sessionStorage, prefix: `oidc.${app}.` }),
      automaticSilentRenew: false,
      monitorSession: false,
      loadUserInfo: false,
      fetchRequestCredentials: "omit",
    });
    managers.set(key, manager);
  }
  return manager;
}

export type OidcOutcome =
  | { ok: true; user: User; check: Extract<TokenCheck, { ok: true }> }
  | { ok: false; reason: Extract<TokenCheck, { ok: false }>["reason"] | "signInFailed" };

const callbacks = new Map<string, Promise<OidcOutcome>>();

/**
 * Reads the provider's answer in the URL (the code is exchanged for tokens at the provider's
 * token endpoint, with the PKCE verifier) and asks the gateway who the access token is, exactly
 * as for a pasted token. Once per URL: a code can be exchanged only once, and a re-rendered
 * component must not try twice. A refused token is dropped at once.
 */
export function completeSignIn(manager: UserManager, url: string, role: Role): Promise<OidcOutcome> {
  let pending = callbacks.get(url);
  if (!pending) {
    pending = (async (): Promise<OidcOutcome> => {
      let user: User | undefined;
      try {
        user = await manager.signinCallback(url);
      } catch {
        return { ok: false, reason: "signInFailed" };
      }
      if (!user) return { ok: false, reason: "signInFailed" };
      const check = await verifyToken(user.access_token, role).catch((): TokenCheck => ({ ok: false, reason: "gatewayUnavailable" }));
      if (check.ok) return { ok: true, user, check };
      await manager.removeUser();
      return { ok: false, reason: check.reason };
    })();
    callbacks.set(url, pending);
    // Once settled, the entry stops holding the user (its tokens): the page keeps them only in
    // the session. A second reading of the same answer is refused, as the provider would.
    void pending.then(() => callbacks.set(url, Promise.resolve({ ok: false, reason: "signInFailed" })));
  }
  return pending;
}

/** The path inside the app the person was on when sign-in started, kept in the state. */
export function returnPath(user: User): string {
  const path = typeof user.state === "string" ? user.state : "/";
  return path.startsWith("/") && !path.startsWith("//") && path !== CALLBACK_PATH && path !== SIGNED_OUT_PATH ? path : "/";
}
