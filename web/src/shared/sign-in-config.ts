/**
 * How a page signs in, as the gateway serves it at `<app>/config.json`: a pasted development
 * token (never in production), or OpenID Connect authorization code with PKCE against the
 * identity provider the gateway trusts for this kind of user.
 */
export type SignInConfig =
  | { kind: "token" }
  | { kind: "oidc"; authority: string; clientId: string; scope: string; resource: string | null }
  | { kind: "unconfigured" };

export async function loadSignInConfig(app: "console" | "privacy"): Promise<SignInConfig> {
  const response = await fetch(`/${app}/config.json`, { credentials: "omit", cache: "no-store" });
  if (!response.ok) throw new Error(`config.json: HTTP ${response.status}`);
  const body = (await response.json()) as { signIn?: SignInConfig };
  return body.signIn ?? { kind: "unconfigured" };
}
