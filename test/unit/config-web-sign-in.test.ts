import { ConfigError, loadConfig } from "../../src/config";
import { PRODUCTION_SETTINGS } from "../support/identity-providers";

const secrets = {
  JWT_SECRET: "test-only-jwt-secret-0123456789abcdefghijklmnop",
  PII_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"),
  TRANSPARENCY_SIGNING_KEY: Buffer.alloc(32, 5).toString("base64"),
  DATABASE_URL: "mysql://gateway:secret@db.internal:3306/gateway",
};
const production = { ...secrets, ...PRODUCTION_SETTINGS, NODE_ENV: "production" };
const development = { ...secrets, NODE_ENV: "development" };
const developmentProviders = {
  ...development,
  ADMIN_TOKEN_ISSUER: "http://127.0.0.1:9000", ADMIN_TOKEN_AUDIENCE: "https://gateway.test/staff", ADMIN_JWKS_URL: "http://127.0.0.1:9000/jwks",
};

function signIn(env: Record<string, string>) {
  return loadConfig(env).webPages.signIn;
}

describe("how the web pages sign in", () => {
  it("production never offers the token form: without a client each page says sign-in is not configured", () => {
    expect(signIn(production)).toEqual({ console: { kind: "unconfigured" }, privacy: { kind: "unconfigured" } });
  });

  it("production signs in at the issuer it trusts for the page's users, with the client named", () => {
    const pages = signIn({ ...production, CONSOLE_OIDC_CLIENT_ID: "gateway-console", PRIVACY_OIDC_CLIENT_ID: "privacy-centre" });
    // The audiences here are not URIs: no resource is asked for (the provider must put the audience in itself).
    expect(pages.console).toEqual({ kind: "oidc", authority: PRODUCTION_SETTINGS.ADMIN_TOKEN_ISSUER, clientId: "gateway-console", scope: "openid", resource: null });
    expect(pages.privacy).toEqual({ kind: "oidc", authority: PRODUCTION_SETTINGS.APPLICANT_TOKEN_ISSUER, clientId: "privacy-centre", scope: "openid", resource: null });
  });

  it("asks for the gateway's audience as the resource when it is a URI, unless told another", () => {
    const audience = { ...production, ADMIN_TOKEN_AUDIENCE: "https://gateway.example/staff", CONSOLE_OIDC_CLIENT_ID: "console" };
    expect(signIn(audience).console).toMatchObject({ resource: "https://gateway.example/staff" });
    expect(signIn({ ...audience, CONSOLE_OIDC_RESOURCE: "urn:gateway:staff", CONSOLE_OIDC_SCOPE: "openid  gateway" }).console)
      .toMatchObject({ resource: "urn:gateway:staff", scope: "openid gateway" });
  });

  it("development takes a pasted token unless a client is named, then only the provider", () => {
    expect(signIn(development)).toEqual({ console: { kind: "token" }, privacy: { kind: "token" } });
    const pages = signIn({ ...developmentProviders, CONSOLE_OIDC_CLIENT_ID: "console" });
    expect(pages.console).toEqual({ kind: "oidc", authority: "http://127.0.0.1:9000", clientId: "console", scope: "openid", resource: "https://gateway.test/staff" });
    expect(pages.privacy).toEqual({ kind: "token" });
  });

  it.each([
    ["a client id with a space", { ...production, CONSOLE_OIDC_CLIENT_ID: "gateway console" }, "CONSOLE_OIDC_CLIENT_ID"],
    ["a client without the role's issuer", { ...development, PRIVACY_OIDC_CLIENT_ID: "privacy" }, "PRIVACY_OIDC_CLIENT_ID needs APPLICANT_TOKEN_ISSUER"],
    ["an issuer that is not a URL", { ...developmentProviders, ADMIN_TOKEN_ISSUER: "staff-idp", CONSOLE_OIDC_CLIENT_ID: "console" }, "ADMIN_TOKEN_ISSUER must be a URL"],
    ["a plain-http issuer in production", { ...production, ADMIN_TOKEN_ISSUER: "http://idp.example/staff", CONSOLE_OIDC_CLIENT_ID: "console" }, "ADMIN_TOKEN_ISSUER must be an https URL"],
    ["a scope without openid", { ...production, PRIVACY_OIDC_CLIENT_ID: "privacy", PRIVACY_OIDC_SCOPE: "profile" }, "PRIVACY_OIDC_SCOPE"],
    ["a relative resource", { ...production, CONSOLE_OIDC_CLIENT_ID: "console", CONSOLE_OIDC_RESOURCE: "/graphql" }, "CONSOLE_OIDC_RESOURCE"],
    ["a resource with a fragment", { ...production, CONSOLE_OIDC_CLIENT_ID: "console", CONSOLE_OIDC_RESOURCE: "https://gateway.example/#staff" }, "CONSOLE_OIDC_RESOURCE"],
    ["a scope without a client", { ...production, CONSOLE_OIDC_SCOPE: "openid" }, "CONSOLE_OIDC_CLIENT_ID is required"],
  ])("refuses %s, naming the variable", (_case, env, named) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(named);
  });

  it("WEB_SIGN_IN_ORIGINS lists further origins for sign-in, only beside a client, as bare origins", () => {
    const withClient = { ...production, CONSOLE_OIDC_CLIENT_ID: "console" };
    expect(loadConfig({ ...withClient, WEB_SIGN_IN_ORIGINS: "https://login.example, https://tokens.example:8443/" }).webPages.signInOrigins)
      .toEqual(["https://login.example", "https://tokens.example:8443"]);
    expect(loadConfig(withClient).webPages.signInOrigins).toEqual([]);
    for (const bad of ["http://login.example", "https://login.example/token", "https://user:pw@login.example", "login.example", "https://a.example,*"]) {
      expect(() => loadConfig({ ...withClient, WEB_SIGN_IN_ORIGINS: bad })).toThrow(/WEB_SIGN_IN_ORIGINS/);
    }
    expect(() => loadConfig({ ...production, WEB_SIGN_IN_ORIGINS: "https://login.example" })).toThrow(/needs CONSOLE_OIDC_CLIENT_ID/);
  });
});
