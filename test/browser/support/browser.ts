import AxeBuilder from "@axe-core/playwright";
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { type Browser, type BrowserContext, type Page, chromium } from "playwright-core";

/** Debian's Chromium; no browser is downloaded here. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Flags for a headless Chromium on a closed network, run as root in CI. */
const CHROMIUM_ARGS = [
  "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

export const SCREENSHOT_DIRECTORY = resolve(__dirname, "..", "..", "..", "test-artifacts", "screenshots");

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/**
 * One person at one browser: a context of its own (no cookies or storage shared with another
 * actor), and every page error, console error and Content-Security-Policy violation collected,
 * so a test can assert the page ran clean.
 */
export interface Actor {
  context: BrowserContext;
  page: Page;
  /** Console errors, uncaught exceptions and CSP violations seen so far. */
  problems: string[];
  close(): Promise<void>;
}

export async function newActor(browser: Browser, baseUrl: string, locale = "zh-CN"): Promise<Actor> {
  const context = await browser.newContext({ baseURL: baseUrl, locale, acceptDownloads: true, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("pageerror", error => problems.push(`pageerror: ${error.message}`));
  page.on("console", message => {
    // A 401 the page expects (a refused token) is logged by Chromium as a failed resource.
    if (message.type() === "error" && !/status of 401/.test(message.text())) problems.push(`console: ${message.text()}`);
  });
  return { context, page, problems, close: () => context.close() };
}

/**
 * axe-core on the page as it is: no serious or critical violation of WCAG 2.x A/AA rules.
 * Returns the violations so the test's failure names them.
 */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]).analyze();
  return results.violations
    .filter(violation => violation.impact === "serious" || violation.impact === "critical")
    .map(violation => `${violation.id} (${violation.impact}): ${violation.nodes.map(node => node.target.join(" ")).join(", ")}`);
}

/** Saves a screenshot of the whole page as a test artifact. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIRECTORY, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIRECTORY, `${name}.png`), fullPage: true });
}

/** Checks a page the way every test does: screenshot, then accessibility. */
export async function checkPage(page: Page, name: string): Promise<void> {
  await screenshot(page, name);
  expect(await accessibilityViolations(page)).toEqual([]);
}

/** Signs in on an app's sign-in page with a pasted development token. */
export async function signInWithToken(page: Page, app: "console" | "privacy", token: string): Promise<void> {
  await page.goto(`/${app}/`);
  await page.getByTestId("token-input").fill(token);
  await page.getByRole("button", { name: /登录|Sign in/ }).click();
}
