import type { Browser, Page, Request } from "playwright-core";
import { type TestGateway, startTestGateway } from "../support/gateway";
import { startProductionGateway } from "../support/identity-providers";
import { type Actor, checkPage, launchBrowser, newActor } from "./support/browser";
import { type TestOidcProvider, logInAtProvider, pageClient, startOidcProvider } from "./support/oidc-test-provider";

const ADMIN_AUDIENCE = "https://gateway.test/staff";
const APPLICANT_AUDIENCE = "https://gateway.test/applicants";

/** A gateway whose staff (and, if given, applicant) issuer is a provider started here, with each page's client registered there. */
interface Scenario {
  gateway: TestGateway;
  origin: string;
  adminProvider: TestOidcProvider;
  applicantProvider: TestOidcProvider | null;
  stop(): Promise<void>;
}

async function startScenario(options: { applicants?: boolean; consoleTtlSeconds?: number; consoleResource?: string } = {}): Promise<Scenario> {
  const adminProvider = await startOidcProvider();
  const applicantProvider = options.applicants ? await startOidcProvider().catch(async error => {
    await adminProvider.stop();
    throw error;
  }) : null;
  const stopProviders = async () => {
    await adminProvider.stop();
    await applicantProvider?.stop();
  };
  const gateway = await startTestGateway({
    ADMIN_TOKEN_ISSUER: adminProvider.issuer, ADMIN_TOKEN_AUDIENCE: ADMIN_AUDIENCE, ADMIN_JWKS_URL: adminProvider.jwksUrl,
    CONSOLE_OIDC_CLIENT_ID: "console",
    ...(options.consoleResource ? { CONSOLE_OIDC_RESOURCE: options.consoleResource } : {}),
    ...(applicantProvider ? {
      APPLICANT_TOKEN_ISSUER: applicantProvider.issuer, APPLICANT_TOKEN_AUDIENCE: APPLICANT_AUDIENCE, APPLICANT_JWKS_URL: applicantProvider.jwksUrl,
      PRIVACY_OIDC_CLIENT_ID: "privacy",
    } : {}),
  }).catch(async error => {
    // A child process left running would keep Jest from ending.
    await stopProviders();
    throw error;
  });
  const origin = new URL(gateway.url).origin;
  await adminProvider.configure({ audience: ADMIN_AUDIENCE, clients: [pageClient(origin, "console", "console", options.consoleTtlSeconds)] });
  await applicantProvider?.configure({ audience: APPLICANT_AUDIENCE, clients: [pageClient(origin, "privacy", "privacy")] });
  return {
    gateway, origin, adminProvider, applicantProvider,
    async stop() {
      await gateway.stop();
      await stopProviders();
    },
  };
}

/** Everything the page's origin keeps in storage, where a token must never be. */
function storedByPage(page: Page): Promise<string> {
  return page.evaluate("JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage })") as Promise<string>;
}

/** Starts sign-in on an app's page and logs in at the provider; resolves with the authorization request. */
async function signInThroughProvider(page: Page, app: "console" | "privacy", provider: TestOidcProvider, login: string, startAt = ""): Promise<URL> {
  await page.goto(`/${app}/${startAt}`);
  const authorization = page.waitForRequest(request => request.url().startsWith(`${provider.issuer}/auth?`));
  await page.getByRole("button", { name: "通过身份提供方登录" }).click();
  const request = new URL((await authorization).url());
  await logInAtProvider(page, login);
  return request;
}

describe("signing in with OpenID Connect at a real provider", () => {
  let browser: Browser;
  const actors: Actor[] = [];
  const scenarios: Scenario[] = [];

  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await Promise.all(actors.map(actor => actor.close()));
    await browser?.close();
    await Promise.all(scenarios.map(scenario => scenario.stop()));
  });

  async function scenario(options: Parameters<typeof startScenario>[0]): Promise<Scenario> {
    const started = await startScenario(options);
    scenarios.push(started);
    return started;
  }
  async function actor(origin: string, locale?: string): Promise<Actor> {
    const created = await newActor(browser, origin, locale);
    // The provider's own development pages import a web font from the internet; the closed network has none.
    await created.context.route(/^https:\/\/fonts\.googleapis\.com\//, route => route.fulfill({ status: 200, contentType: "text/css", body: "" }));
    actors.push(created);
    return created;
  }

  describe("the staff and applicant providers", () => {
    let main: Scenario;
    beforeAll(async () => {
      main = await scenario({ applicants: true });
    });

    it("offers the provider, never the token form, and lets the page reach the provider only", async () => {
      const config = (await (await fetch(`${main.origin}/console/config.json`)).json()) as { signIn: unknown };
      expect(config.signIn).toEqual({ kind: "oidc", authority: main.adminProvider.issuer, clientId: "console", scope: "openid", resource: ADMIN_AUDIENCE });
      const policy = (await fetch(`${main.origin}/console/`)).headers.get("content-security-policy") ?? "";
      expect(policy).toContain(`connect-src 'self' ${main.adminProvider.issuer}`);

      const { page, problems } = await actor(main.origin);
      await page.goto("/console/");
      await page.getByRole("button", { name: "通过身份提供方登录" }).waitFor();
      expect(await page.getByTestId("token-input").count()).toBe(0);
      await checkPage(page, "console-oidc-sign-in");
      await page.getByText("English", { exact: true }).click();
      await page.getByRole("button", { name: "Sign in with the identity provider" }).waitFor();
      await checkPage(page, "console-oidc-sign-in-en");

      // What the redirect leaves in sessionStorage (held here by answering the provider's page with 204).
      await page.route(`${main.adminProvider.issuer}/auth?**`, route => route.fulfill({ status: 204 }));
      const authorization = page.waitForRequest(request => request.url().startsWith(`${main.adminProvider.issuer}/auth?`));
      await page.getByRole("button", { name: "Sign in with the identity provider" }).click();
      await authorization;
      const state = JSON.parse(await page.evaluate("JSON.stringify(Object.values(sessionStorage))") as string) as string[];
      expect(state).toHaveLength(1);
      expect(Object.keys(JSON.parse(state[0])).sort()).toEqual([
        "authority", "client_id", "code_verifier", "created", "data", "extraTokenParams", "id", "redirect_uri", "request_type", "scope",
      ]);
      expect(await page.evaluate("JSON.stringify({ ...localStorage })")).toBe("{}");
      expect(problems).toEqual([]);
    });

    it("production without a client for the page says sign-in is not configured, and offers no token form", async () => {
      const production = await startProductionGateway();
      try {
        const { page, problems } = await actor(new URL(production.gateway.url).origin);
        await page.goto("/privacy/");
        await page.getByRole("alert").filter({ hasText: "本页面的登录方式尚未配置" }).waitFor();
        expect(await page.getByTestId("token-input").count()).toBe(0);
        expect(await page.getByRole("button", { name: /登录/ }).count()).toBe(0);
        await checkPage(page, "privacy-sign-in-not-configured");
        expect(problems).toEqual([]);
      } finally {
        await production.gateway.stop();
      }
    });

    it("an admin signs in to the console with the authorization code and PKCE (S256); the token is in no storage", async () => {
      const { page, problems } = await actor(main.origin);
      const authorization = await signInThroughProvider(page, "console", main.adminProvider, "staff-alice");
      expect(authorization.searchParams.get("response_type")).toBe("code");
      expect(authorization.searchParams.get("code_challenge_method")).toBe("S256");
      expect(authorization.searchParams.get("code_challenge")).toMatch(/^[\w-]{43}$/);
      expect(authorization.searchParams.get("resource")).toBe(ADMIN_AUDIENCE);
      expect(authorization.searchParams.get("redirect_uri")).toBe(`${main.origin}/console/callback`);

      await page.getByRole("heading", { name: "合作机构", level: 2 }).waitFor();
      await expect(page.getByTestId("signed-in-as").textContent()).resolves.toContain("staff-alice");
      // The code left the address bar; the tokens are in the page's memory only.
      expect(new URL(page.url()).search).toBe("");
      expect(await storedByPage(page)).not.toMatch(/eyJ|code_verifier/);
      expect(problems).toEqual([]);
    });

    it("an applicant signs in to the privacy centre at the applicants' provider, and lands on the page it started from", async () => {
      const { page, problems } = await actor(main.origin);
      const authorization = await signInThroughProvider(page, "privacy", main.applicantProvider!, "applicant-bo", "access-log");
      expect(authorization.searchParams.get("code_challenge_method")).toBe("S256");
      expect(authorization.searchParams.get("resource")).toBe(APPLICANT_AUDIENCE);
      await page.waitForURL(`${main.origin}/privacy/access-log`);
      await page.getByRole("navigation").getByRole("link", { name: "我的申请" }).click();
      await page.getByRole("heading", { name: "我的申请", level: 2 }).waitFor();
      await expect(page.getByTestId("signed-in-as").textContent()).resolves.toContain("applicant-bo");
      expect(await storedByPage(page)).not.toMatch(/eyJ/);
      expect(problems).toEqual([]);
    });

    it("signing out ends the session at the provider too: back in the app signed out, and signing in again asks for the account", async () => {
      const { page, problems } = await actor(main.origin);
      await signInThroughProvider(page, "console", main.adminProvider, "staff-bea");
      await page.getByRole("heading", { name: "合作机构", level: 2 }).waitFor();
      const carried: string[] = [];
      page.on("request", (request: Request) => {
        const authorization = request.headers().authorization;
        if (authorization) carried.push(authorization);
      });

      const endSession = page.waitForRequest(request => request.url().startsWith(`${main.adminProvider.issuer}/session/end?`));
      await page.getByRole("button", { name: "退出登录" }).click();
      const endRequest = new URL((await endSession).url());
      expect(endRequest.searchParams.get("id_token_hint")).toMatch(/^eyJ/);
      expect(endRequest.searchParams.get("post_logout_redirect_uri")).toBe(`${main.origin}/console/signed-out`);
      // The provider asks whether to sign out of it too (its own page).
      await page.locator('button[name="logout"]').click();
      await page.getByTestId("session-notice").filter({ hasText: "您已退出登录" }).waitFor();
      expect(new URL(page.url()).pathname).toMatch(/^\/console\/?$/);
      expect(await page.getByTestId("signed-in-as").count()).toBe(0);

      // No silent way back: the provider asks who signs in.
      await page.getByRole("button", { name: "通过身份提供方登录" }).click();
      await page.locator('input[name="login"]').waitFor();
      expect(carried).toEqual([]);
      expect(problems).toEqual([]);
    });
  });

  it("a token the gateway does not accept for staff (issued for the applicants' audience) does not open the console", async () => {
    const misdirected = await scenario({ consoleResource: APPLICANT_AUDIENCE });
    const { page, problems } = await actor(misdirected.origin);
    const authorization = await signInThroughProvider(page, "console", misdirected.adminProvider, "staff-carl");
    expect(authorization.searchParams.get("resource")).toBe(APPLICANT_AUDIENCE);
    await expect(page.getByTestId("sign-in-error").textContent()).resolves.toMatch(/拒绝/);
    expect(await page.getByTestId("signed-in-as").count()).toBe(0);
    expect(await page.getByRole("heading", { name: "合作机构", level: 2 }).count()).toBe(0);
    await checkPage(page, "console-oidc-refused");
    expect(problems).toEqual([]);
  });

  it("the session ends with the access token: the page says so and sends the token no more", async () => {
    const shortLived = await scenario({ consoleTtlSeconds: 10 });
    const { page, problems } = await actor(shortLived.origin);
    const sent: Array<{ authorization: string | undefined; after: boolean }> = [];
    let expired = false;
    page.on("request", (request: Request) => {
      if (new URL(request.url()).pathname === "/graphql") sent.push({ authorization: request.headers().authorization, after: expired });
    });
    await signInThroughProvider(page, "console", shortLived.adminProvider, "staff-dana");
    await page.getByRole("heading", { name: "合作机构", level: 2 }).waitFor();
    expect(sent.some(request => request.authorization?.startsWith("Bearer eyJ"))).toBe(true);

    await page.getByTestId("session-notice").filter({ hasText: "登录已过期" }).waitFor({ timeout: 60000 });
    expired = true;
    expect(await page.getByTestId("signed-in-as").count()).toBe(0);
    await page.getByRole("button", { name: "通过身份提供方登录" }).waitFor();
    await checkPage(page, "console-oidc-session-expired");
    expect(sent.filter(request => request.after && request.authorization)).toEqual([]);
    expect(await storedByPage(page)).not.toMatch(/eyJ/);
    expect(problems).toEqual([]);
  });
});
