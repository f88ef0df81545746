import { spawn } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { Page } from "playwright-core";

export interface TestClient {
  client_id: string;
  redirect_uris: string[];
  post_logout_redirect_uris: string[];
  /** Seconds an access token of this client lives (default an hour). */
  accessTokenTtlSeconds?: number;
}

/** A real OpenID Connect provider on a loopback port (test/browser/support/oidc-provider.mjs). */
export interface TestOidcProvider {
  issuer: string;
  /** Where the provider publishes its public keys; the gateway fetches them. */
  jwksUrl: string;
  /** Registers the clients (their URLs name the gateway, started after the issuer is known). */
  configure(spec: { audience: string; clients: TestClient[] }): Promise<void>;
  stop(): Promise<void>;
}

export async function startOidcProvider(): Promise<TestOidcProvider> {
  const child = spawn(process.execPath, [join(__dirname, "oidc-provider.mjs")], { stdio: ["pipe", "pipe", "pipe"] });
  let errors = "";
  child.stderr.on("data", chunk => { errors += String(chunk); });
  const lines = createInterface({ input: child.stdout });
  const nextLine = () => new Promise<Record<string, unknown>>((resolve, reject) => {
    const exited = (code: number | null) => reject(new Error(`the test OIDC provider exited (${code}): ${errors}`));
    child.once("exit", exited);
    lines.once("line", line => {
      child.off("exit", exited);
      resolve(JSON.parse(line) as Record<string, unknown>);
    });
  });
  const { issuer } = (await nextLine()) as { issuer: string };
  return {
    issuer,
    jwksUrl: `${issuer}/jwks`,
    async configure(spec) {
      const ready = nextLine();
      child.stdin.write(`${JSON.stringify(spec)}\n`);
      await ready;
    },
    stop: () => new Promise(resolve => {
      if (child.exitCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    }),
  };
}

/** The client of one page, registered with the gateway's callback and signed-out URLs. */
export function pageClient(gatewayOrigin: string, app: "console" | "privacy", clientId: string, accessTokenTtlSeconds?: number): TestClient {
  return {
    client_id: clientId,
    redirect_uris: [`${gatewayOrigin}/${app}/callback`],
    post_logout_redirect_uris: [`${gatewayOrigin}/${app}/signed-out`],
    ...(accessTokenTtlSeconds ? { accessTokenTtlSeconds } : {}),
  };
}

/** Signs in on the provider's own (development) login page; any password is accepted there. */
export async function logInAtProvider(page: Page, login: string): Promise<void> {
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill("any-password");
  await page.locator('button[type="submit"]').click();
}
