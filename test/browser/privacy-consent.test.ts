import type { Page } from "playwright-core";
import { PiiCategory } from "../../src/model/pii-category";
import { LEADS_WITH_IDENTITY, OFFER } from "../support/documents";
import { type TestLender, expectData, leadIdFor } from "../support/flow";
import type { TestGateway } from "../support/gateway";
import { type Actor, checkPage, signInWithToken } from "./support/browser";
import { type PrivacyScene, startPrivacyScene } from "./support/privacy-centre";

/** What the lender gets of this application's applicant: values and the reasons of denied fields. */
async function lenderRead(gateway: TestGateway, lender: TestLender, applicationId: string) {
  const result = await gateway.request(LEADS_WITH_IDENTITY, {}, lender.apiKey);
  const edge = result.body.data!.leads.edges.find((e: any) => e.node.application.id === applicationId);
  const reasons: Record<string, string> = {};
  for (const error of result.body.errors ?? []) {
    const path = error.path ?? [];
    if (path[2] === result.body.data!.leads.edges.indexOf(edge)) reasons[String(path[path.length - 1])] = error.extensions?.reason;
  }
  return { applicant: edge.node.application.applicant, reasons };
}

/** The timeline's entries as their titles and outcomes. */
async function timeline(page: Page): Promise<Array<{ text: string; outcome: string | null }>> {
  const items = page.getByTestId("access-read");
  const count = await items.count();
  const entries = [];
  for (let index = 0; index < count; index += 1) {
    entries.push({ text: await items.nth(index).innerText(), outcome: await items.nth(index).getAttribute("data-outcome") });
  }
  return entries;
}

describe("privacy centre: choosing a lender for two categories, the lender's reads, withdrawing", () => {
  let scene: PrivacyScene;
  let actor: Actor;
  let gateway: TestGateway;
  let lender: TestLender;
  let applicationId: string;
  let applicantToken: string;

  beforeAll(async () => {
    scene = await startPrivacyScene({ lender: "Anxin", applicant: "privacy-applicant-1", admin: "privacy-admin-1" });
    ({ actor, gateway, lender, applicationId, applicantToken } = scene);
    const leadId = await leadIdFor(gateway, lender, applicationId);
    expectData(await gateway.request(OFFER, { input: { leadId, apr: 12.5, amount: 50000, termMonths: 12 } }, lender.apiKey));
  });
  afterAll(() => scene?.stop());

  it("consents on the consent screen with no box ticked in advance; the lender reads exactly the two categories", async () => {
    const { page } = actor;
    await signInWithToken(page, "privacy", applicantToken);
    await page.getByRole("heading", { name: "我的申请", level: 2 }).waitFor();
    await page.getByRole("link", { name: /查看申请/ }).click();
    await page.getByRole("heading", { name: "收到的报价", level: 3 }).waitFor();
    await page.getByText("年化利率 12.5%").waitFor();
    await checkPage(page, "privacy-application-offer");

    await page.getByRole("link", { name: "选择 Anxin" }).click();
    await page.getByRole("heading", { name: "同意向 Anxin 提供信息", level: 2 }).waitFor();
    const boxes = page.getByRole("checkbox");
    await boxes.first().waitFor();
    expect(await boxes.count()).toBe(4);
    for (let index = 0; index < 4; index += 1) expect(await boxes.nth(index).isChecked()).toBe(false);
    // Nothing can be sent with no box ticked.
    expect(await page.getByRole("button", { name: /同意提供所勾选的信息/ }).isDisabled()).toBe(true);
    await page.getByRole("cell", { name: "Anxin Consumer Finance Co., Ltd.", exact: true }).waitFor();
    await checkPage(page, "privacy-consent-nothing-ticked");

    await page.getByRole("checkbox", { name: "姓名" }).check();
    await page.getByRole("checkbox", { name: "手机号" }).check();
    // The notice fetched again for exactly the ticked categories, with its full text.
    await page.getByTestId("notice-categories").filter({ hasText: "姓名、手机号" }).waitFor();
    await expect(page.getByTestId("notice-text").innerText()).resolves.toMatch(/your full name, your mobile number/);
    const shownVersion = await page.getByTestId("notice-version").innerText();
    await checkPage(page, "privacy-consent-two-ticked");
    await page.getByRole("button", { name: /同意提供所勾选的信息/ }).click();
    await page.getByRole("status").filter({ hasText: "您已同意 Anxin 读取：姓名、手机号" }).waitFor();
    await checkPage(page, "privacy-consent-granted");

    // The consent stored the notice version that was on the screen.
    const stored = expectData(await gateway.request(`query($id: ID!) { application(id: $id) { consents { categories noticeVersion status } } }`, { id: applicationId }, applicantToken));
    expect(stored.application.consents).toEqual([{ categories: [PiiCategory.NAME, PiiCategory.PHONE], noticeVersion: shownVersion, status: "ACTIVE" }]);

    const read = await lenderRead(gateway, lender, applicationId);
    expect(read.applicant).toMatchObject({ fullName: scene.identity.fullName, phone: scene.identity.phone, nationalId: null, email: null });
    expect(read.reasons).toEqual({ nationalId: "CATEGORY_NOT_CONSENTED", email: "CATEGORY_NOT_CONSENTED" });
    expect(actor.problems).toEqual([]);
  });

  it("shows the lender's reads in the timeline, granted and denied, with reasons in words", async () => {
    const { page } = actor;
    await page.getByRole("link", { name: "谁读取了我的信息" }).click();
    await page.getByRole("heading", { name: "谁读取了我的信息", level: 2 }).waitFor();
    await page.getByTestId("access-read").first().waitFor();
    const entries = await timeline(page);
    const granted = entries.filter(entry => entry.outcome === "GRANTED" && entry.text.includes("Anxin（贷款机构）"));
    expect(granted.map(entry => /读取了 (\S+)/.exec(entry.text)?.[1]).sort()).toEqual(["姓名", "手机号"]);
    expect(granted.every(entry => entry.text.includes("您已同意该机构读取这一类信息"))).toBe(true);
    const denied = entries.filter(entry => entry.outcome === "DENIED");
    expect(denied).toHaveLength(2);
    expect(denied.every(entry => entry.text.includes("您同意过该机构，但没有同意这一类信息"))).toBe(true);
    await checkPage(page, "privacy-access-log-granted");
    expect(actor.problems).toEqual([]);
  });

  it("withdraws in one click; the lender's next read is denied and appears denied in the timeline", async () => {
    const { page } = actor;
    await page.getByRole("link", { name: "我的申请" }).click();
    // The list names the offers and the lenders chosen, with the categories.
    await page.getByText("Anxin：姓名、手机号（有效）").waitFor();
    await checkPage(page, "privacy-applications");
    await page.getByRole("link", { name: /查看申请/ }).click();
    await page.getByRole("button", { name: "撤回对 Anxin 的同意" }).click();
    await page.getByRole("status").filter({ hasText: "已撤回对 Anxin 的同意" }).waitFor();
    await page.getByRole("cell", { name: /已撤回 · 您撤回了同意/ }).waitFor();
    expect(await page.getByRole("button", { name: "撤回对 Anxin 的同意" }).count()).toBe(0);
    await checkPage(page, "privacy-application-withdrawn");

    const read = await lenderRead(gateway, lender, applicationId);
    expect(read.applicant).toMatchObject({ fullName: null, phone: null, nationalId: null, email: null });
    expect(read.reasons).toEqual({ fullName: "CONSENT_WITHDRAWN", phone: "CONSENT_WITHDRAWN", nationalId: "CONSENT_WITHDRAWN", email: "CONSENT_WITHDRAWN" });

    await page.getByRole("link", { name: "谁读取了我的信息" }).click();
    await page.getByText("您已撤回对该机构的同意").first().waitFor();
    const withdrawn = (await timeline(page)).filter(entry => entry.text.includes("您已撤回对该机构的同意"));
    expect(withdrawn).toHaveLength(4);
    expect(withdrawn.every(entry => entry.outcome === "DENIED")).toBe(true);
    await checkPage(page, "privacy-access-log-withdrawn");

    // The same timeline in English.
    await page.getByText("English").click();
    await page.getByRole("heading", { name: "Who read my data", level: 2 }).waitFor();
    expect(await page.getByText("You withdrew your consent from this lender").count()).toBe(4);
    await page.getByText("Anxin (lender) read full name").first().waitFor();
    await checkPage(page, "privacy-access-log-en");
    await page.getByText("中文").click();
    expect(actor.problems).toEqual([]);
  });
  it("refuses a notice that changed while on screen, shows the new one, and consents with it", async () => {
    const { page } = actor;
    await page.getByRole("link", { name: "我的申请" }).click();
    await page.getByRole("link", { name: /查看申请/ }).click();
    await page.getByRole("link", { name: "选择 Anxin" }).click();
    await page.getByRole("checkbox", { name: "电子邮箱" }).check();
    await page.getByTestId("notice-categories").filter({ hasText: "电子邮箱" }).waitFor();
    const firstVersion = await page.getByTestId("notice-version").innerText();

    // An admin renames the lender's legal entity while the applicant reads the old notice.
    const admin = await gateway.token("admin", "privacy-admin-1");
    expectData(await gateway.request(`mutation($id: ID!, $input: UpdateLenderInput!) { updateLender(lenderId: $id, input: $input) { id } }`,
      { id: lender.id, input: { legalName: "Anxin Finance Co., Ltd." } }, admin));
    await page.getByRole("button", { name: /同意提供所勾选的信息/ }).click();
    await page.getByRole("alert").filter({ hasText: "告知内容已更新" }).waitFor();
    await page.getByTestId("notice-text").filter({ hasText: "You allow Anxin Finance Co., Ltd." }).waitFor();
    const secondVersion = await page.getByTestId("notice-version").innerText();
    expect(secondVersion).not.toBe(firstVersion);
    await checkPage(page, "privacy-consent-notice-changed");

    await page.getByRole("button", { name: /同意提供所勾选的信息/ }).click();
    await page.getByRole("status").filter({ hasText: "您已同意 Anxin 读取：电子邮箱" }).waitFor();
    const consents = expectData(await gateway.request(`query($id: ID!) { application(id: $id) { consents { status noticeVersion notice { recipientLegalName } } } }`,
      { id: applicationId }, applicantToken)).application.consents;
    expect(consents.filter((consent: any) => consent.status === "ACTIVE")).toEqual([
      { status: "ACTIVE", noticeVersion: secondVersion, notice: { recipientLegalName: "Anxin Finance Co., Ltd." } },
    ]);
    expect(actor.problems).toEqual([]);
  });
});
