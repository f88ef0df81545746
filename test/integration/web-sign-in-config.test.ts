import { type ProductionGateway, startProductionGateway } from "../support/identity-providers";

async function pageSignIn(gateway: ProductionGateway, app: "console" | "privacy"): Promise<{ signIn: Record<string, unknown>; policy: string }> {
  const origin = new URL(gateway.gateway.url).origin;
  const config = await fetch(`${origin}/${app}/config.json`);
  expect(config.status).toBe(200);
  const page = await fetch(`${origin}/${app}/`);
  return { signIn: ((await config.json()) as { signIn: Record<string, unknown> }).signIn, policy: page.headers.get("content-security-policy") ?? "" };
}

describe("what a production gateway tells its pages about signing in", () => {
  let unconfigured: ProductionGateway;
  let configured: ProductionGateway;

  beforeAll(async () => {
    unconfigured = await startProductionGateway();
    configured = await startProductionGateway({ CONSOLE_OIDC_CLIENT_ID: "gateway-console", WEB_SIGN_IN_ORIGINS: "https://tokens.idp.example" });
  });
  afterAll(async () => {
    await unconfigured?.gateway.stop();
    await configured?.gateway.stop();
  });

  it("without a client, neither page offers the token form: sign-in is not configured", async () => {
    for (const app of ["console", "privacy"] as const) {
      const { signIn, policy } = await pageSignIn(unconfigured, app);
      expect(signIn).toEqual({ kind: "unconfigured" });
      expect(policy).toContain("connect-src 'self';");
    }
  });

  it("positive twin: with the console's client, the console signs in at the staff issuer, which its policy lets it reach", async () => {
    const { signIn, policy } = await pageSignIn(configured, "console");
    expect(signIn).toMatchObject({ kind: "oidc", authority: configured.staff.issuer, clientId: "gateway-console", scope: "openid" });
    expect(policy).toContain(`connect-src 'self' ${new URL(configured.staff.issuer).origin} https://tokens.idp.example;`);
    await expect(pageSignIn(configured, "privacy")).resolves.toMatchObject({ signIn: { kind: "unconfigured" } });
  });
});
