import type { Browser } from "playwright-core";
import { type TestGateway, startTestGateway } from "../support/gateway";
import { type Actor, checkPage, launchBrowser, newActor, signInWithToken } from "./support/browser";

describe("signing in to the console and the privacy centre with a development token", () => {
  let gateway: TestGateway;
  let browser: Browser;
  let origin: string;
  const actors: Actor[] = [];

  beforeAll(async () => {
    gateway = await startTestGateway();
    origin = new URL(gateway.url).origin;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await Promise.all(actors.map(actor => actor.close()));
    await browser?.close();
    await gateway?.stop();
  });

  async function actor(): Promise<Actor> {
    const created = await newActor(browser, origin);
    actors.push(created);
    return created;
  }

  it("serves each page with a nonce-based Content-Security-Policy and no other origin", async () => {
    for (const app of ["console", "privacy"]) {
      const response = await fetch(`${origin}/${app}/lenders`);
      expect(response.status).toBe(200);
      const policy = response.headers.get("content-security-policy") ?? "";
      const nonce = /'nonce-([^']+)'/.exec(policy)?.[1];
      expect(nonce).toBeDefined();
      expect(policy).toContain("default-src 'none'");
      expect(policy).toContain("frame-ancestors 'none'");
      expect(policy).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
      const html = await response.text();
      expect(html).toContain(`nonce="${nonce}"`);
      expect(html).not.toContain("GATEWAY_CSP_NONCE");
      // A fresh nonce per response.
      const again = await fetch(`${origin}/${app}/`);
      expect(/'nonce-([^']+)'/.exec(again.headers.get("content-security-policy") ?? "")?.[1]).not.toBe(nonce);
    }
  });

  it("refuses a token the gateway does not accept, and keeps the page on sign-in", async () => {
    const { page, problems } = await actor();
    await page.goto("/console/");
    await checkPage(page, "console-sign-in");
    await signInWithToken(page, "console", "not-a-token");
    await expect(page.getByTestId("sign-in-error").textContent()).resolves.toMatch(/拒绝|refused/);
    expect(await page.getByTestId("signed-in-as").count()).toBe(0);
    expect(problems).toEqual([]);
  });

  it("an applicant's token cannot open the console; an admin's can", async () => {
    const { page, problems } = await actor();
    await signInWithToken(page, "console", await gateway.token("applicant", "browser-applicant-1"));
    await expect(page.getByTestId("sign-in-error").textContent()).resolves.toMatch(/另一类用户|another kind/);
    expect(await page.getByTestId("signed-in-as").count()).toBe(0);

    await signInWithToken(page, "console", await gateway.token("admin", "browser-admin-1"));
    await expect(page.getByTestId("signed-in-as").textContent()).resolves.toContain("browser-admin-1");
    await page.getByRole("heading", { name: "合作机构", level: 2 }).waitFor();
    await checkPage(page, "console-lenders-empty");
    expect(problems).toEqual([]);
  });

  it("an admin's token cannot open the privacy centre; an applicant's can, and signing out forgets it", async () => {
    const { page, problems } = await actor();
    await signInWithToken(page, "privacy", await gateway.token("admin", "browser-admin-2"));
    await expect(page.getByTestId("sign-in-error").textContent()).resolves.toMatch(/另一类用户|another kind/);

    await signInWithToken(page, "privacy", await gateway.token("applicant", "browser-applicant-2"));
    await page.getByRole("heading", { name: "我的申请", level: 2 }).waitFor();
    await checkPage(page, "privacy-applications-empty");
    // Nothing of the session is stored where a script or a later user could read it.
    const stored = await page.evaluate("JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage })");
    expect(stored).not.toMatch(/eyJ/);

    await page.getByRole("button", { name: "退出登录" }).click();
    await page.getByTestId("session-notice").waitFor();
    expect(await page.getByTestId("signed-in-as").count()).toBe(0);
    expect(problems).toEqual([]);
  });

  it("works from the keyboard alone: sign in, reach the navigation, switch language, sign out", async () => {
    const { page, problems } = await actor();
    await page.goto("/console/");
    const token = await gateway.token("admin", "browser-admin-keys");
    // Tab from the top of the page to the token field, type, and submit with the keyboard.
    let reached = false;
    for (let step = 0; step < 10 && !reached; step++) {
      await page.keyboard.press("Tab");
      reached = await page.getByTestId("token-input").evaluate(element => element === element.ownerDocument.activeElement);
    }
    expect(reached).toBe(true);
    await page.keyboard.insertText(token);
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await page.getByTestId("signed-in-as").waitFor();

    // Every navigation link and the sign-out button can take the focus, in order.
    const focused: string[] = [];
    for (let step = 0; step < 20; step++) {
      await page.keyboard.press("Tab");
      focused.push(await page.evaluate("document.activeElement ? (document.activeElement.getAttribute('aria-label') || document.activeElement.textContent || '').trim() : ''") as string);
    }
    expect(focused).toEqual(expect.arrayContaining(["退出登录", "合作机构", "审计日志"]));

    // Open the audit log with Enter on its link.
    await page.getByRole("navigation").getByRole("link", { name: "审计日志" }).focus();
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/console\/audit/);
    // The language switch is a radio group: arrow keys move it.
    await page.getByRole("radio", { name: "中文" }).focus();
    await page.keyboard.press("ArrowRight");
    await page.getByRole("button", { name: "Sign out" }).waitFor();
    await page.getByRole("button", { name: "Sign out" }).focus();
    await page.keyboard.press("Enter");
    await page.getByTestId("session-notice").waitFor();
    expect(problems).toEqual([]);
  });
});
