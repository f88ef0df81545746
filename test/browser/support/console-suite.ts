import type { Browser, Page } from "playwright-core";
import { type TestGateway, startTestGateway } from "../../support/gateway";
import { type Actor, launchBrowser, newActor, signInWithToken } from "./browser";

export interface ConsoleSuite {
  gateway: TestGateway;
  /** An admin signed in to the console in a browser context of its own. */
  admin(subject: string, locale?: string): Promise<Actor>;
}

/**
 * A console suite's gateway and browser, started before its tests and stopped after them, with
 * every admin's context closed. The returned object is filled in by `beforeAll`.
 */
export function consoleSuite(environment: Record<string, string> = {}): ConsoleSuite {
  let browser: Browser;
  const actors: Actor[] = [];
  const suite = {
    gateway: undefined as unknown as TestGateway,
    async admin(subject: string, locale?: string): Promise<Actor> {
      const actor = await newActor(browser, new URL(suite.gateway.url).origin, locale);
      actors.push(actor);
      await signInWithToken(actor.page, "console", await suite.gateway.token("admin", subject));
      await actor.page.getByTestId("signed-in-as").waitFor();
      return actor;
    },
  };
  beforeAll(async () => {
    suite.gateway = await startTestGateway(environment);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await Promise.all(actors.map(actor => actor.close()));
    await browser?.close();
    await suite.gateway?.stop();
  });
  return suite;
}

/** Opens a console page from the navigation, as a person would (the pointer stays on the link). */
export async function openFromNavigation(page: Page, label: string): Promise<void> {
  await page.getByRole("navigation").getByRole("link", { name: label }).click();
}
