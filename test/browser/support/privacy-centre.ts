import type { Browser } from "playwright-core";
import { ALL_CATEGORIES, type TestLender, onboardLender, submitApplication } from "../../support/flow";
import { type TestGateway, startTestGateway } from "../../support/gateway";
import { type TestIdentity, uniqueIdentity } from "../../support/identities";
import { type Actor, launchBrowser, newActor } from "./browser";

/** A gateway, one lender with every category permitted and an API key, one applicant with one application, one browser. */
export interface PrivacyScene {
  gateway: TestGateway;
  browser: Browser;
  actor: Actor;
  lender: TestLender;
  identity: TestIdentity;
  applicantToken: string;
  applicationId: string;
  stop(): Promise<void>;
}

/**
 * Starts the scene the privacy-centre tests share. The lender's categories are requested by one
 * admin and approved by a second (onboardLender), as dual control requires.
 */
export async function startPrivacyScene(names: { lender: string; applicant: string; admin: string }): Promise<PrivacyScene> {
  const gateway = await startTestGateway();
  const browser = await launchBrowser();
  const actor = await newActor(browser, new URL(gateway.url).origin);
  // Shorter than the test's timeout, so a missing element fails with its locator named.
  actor.page.setDefaultTimeout(15000);
  const lender = await onboardLender(gateway, await gateway.token("admin", names.admin), names.lender, ALL_CATEGORIES);
  const identity = uniqueIdentity();
  const applicantToken = await gateway.token("applicant", names.applicant);
  const applicationId = await submitApplication(gateway, applicantToken, identity);
  const stop = async () => {
    await actor.close();
    await browser.close();
    await gateway.stop();
  };
  return { gateway, browser, actor, lender, identity, applicantToken, applicationId, stop };
}


