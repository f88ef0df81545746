import { existsSync } from "node:fs";
import { resolve } from "node:path";

/** The two web apps the gateway serves, each under its own path. */
export const WEB_APPS = ["console", "privacy"] as const;
export type WebApp = (typeof WEB_APPS)[number];

/**
 * How an app's page signs in, as its `config.json` tells the page: a pasted development token
 * (never in production), OpenID Connect authorization code with PKCE against the identity
 * provider the gateway trusts for that kind of user, or nothing configured (the page says so).
 */
export type PageSignIn =
  | { readonly kind: "token" }
  | { readonly kind: "oidc"; readonly authority: string; readonly clientId: string; readonly scope: string; readonly resource: string | null }
  | { readonly kind: "unconfigured" };

export interface WebPageSettings {
  /** The built apps (`web/dist`, written by `npm run build -w web`, which `npm install` runs). */
  readonly directory: string;
  readonly signIn: Readonly<Record<WebApp, PageSignIn>>;
  /** Origins besides the issuers' that the pages may reach for sign-in (a token endpoint on another host). */
  readonly signInOrigins: readonly string[];
}

/**
 * `web/dist` of this checkout, from `src/web-pages` (ts-node) or `dist/src/web-pages` (compiled):
 * the first that exists, else the first (the pages then answer 503 saying how to build them).
 */
export function builtPagesDirectory(here: string = __dirname): string {
  const candidates = [resolve(here, "..", "..", "web", "dist"), resolve(here, "..", "..", "..", "web", "dist")];
  return candidates.find(candidate => existsSync(candidate)) ?? candidates[0];
}
