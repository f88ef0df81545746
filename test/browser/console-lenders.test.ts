import type { Page } from "playwright-core";
import { PiiCategory } from "../../src/model/pii-category";
import { ISSUE_KEY } from "../support/documents";
import { choose, expectData, leadIdFor, onboardLender, submitApplication } from "../support/flow";
import { uniqueIdentity } from "../support/identities";
import { lenderKeyPair } from "../support/lender-keys";
import { checkPage } from "./support/browser";
import { consoleSuite, openFromNavigation } from "./support/console-suite";

const PHONE_OF_LEAD = "query($id: ID!) { lead(id: $id) { application { applicant { phone } } } }";

/** Two admins at two browsers: onboarding, dual control on the lender's page, and the lender's read it allows. */
describe("console: lenders and dual control", () => {
  // The webhook endpoint of the third test listens on loopback (refused in production).
  const suite = consoleSuite({ WEBHOOK_ALLOW_PRIVATE_URLS: "true" });
  const admin = (subject: string) => suite.admin(subject);

  async function openLender(page: Page, name: string) {
    await openFromNavigation(page, "合作机构");
    await page.getByRole("link", { name, exact: true }).click();
    await page.getByRole("heading", { name: `机构：${name}`, level: 2 }).waitFor();
  }

  it("one admin creates a lender and requests categories; only another admin can approve; then the lender reads", async () => {
    const first = await admin("ops-a");
    const { page } = first;
    await page.getByRole("heading", { name: "合作机构", level: 2 }).waitFor();
    await page.getByRole("button", { name: "新增机构" }).click();
    const dialog = page.getByRole("dialog", { name: "新增合作机构" });
    await dialog.getByLabel(/^名称/).fill("Whiskey");
    await dialog.getByLabel(/^法定名称/).fill("Whiskey Consumer Finance Co., Ltd.");
    await dialog.getByLabel(/^联系邮箱/).fill("privacy@whiskey.example");
    await checkPage(page, "console-lender-create");
    await dialog.getByRole("button", { name: "保存" }).click();
    await page.getByRole("status").filter({ hasText: "已新增机构 Whiskey" }).waitFor();
    await page.getByRole("link", { name: "Whiskey", exact: true }).waitFor();
    await checkPage(page, "console-lenders");

    const lenderId = expectData(await suite.gateway.request("query { lenders(first: 10) { edges { node { id name } } } }", {}, await suite.gateway.token("admin", "ops-a")))
      .lenders.edges.find((edge: any) => edge.node.name === "Whiskey").node.id as string;
    const apiKey = expectData(await suite.gateway.request(ISSUE_KEY, { id: lenderId, label: "browser" }, await suite.gateway.token("admin", "ops-a"))).issueApiKey.secret as string;
    const whiskey = { id: lenderId, apiKey, apiKeyId: "" };

    // Before approval: the lender has a lead but reads no phone.
    const applicant = await suite.gateway.token("applicant", "browser-applicant");
    const applicationId = await submitApplication(suite.gateway, applicant, uniqueIdentity());
    const leadId = await leadIdFor(suite.gateway, whiskey, applicationId);
    const before = await suite.gateway.request(PHONE_OF_LEAD, { id: leadId }, apiKey);
    expect(before.body.data?.lead.application.applicant.phone).toBeNull();
    expect(before.body.errors?.map(error => error.extensions?.code)).toEqual(["FORBIDDEN"]);

    await openLender(page, "Whiskey");
    await page.getByRole("checkbox", { name: "姓名" }).check();
    await page.getByRole("checkbox", { name: "手机号" }).check();
    await page.getByRole("button", { name: "提交类别变更" }).click();
    await page.getByRole("status").filter({ hasText: "等待另一位管理员批准" }).waitFor();
    // Its own change: the approve button is disabled and says why.
    const approveOwn = page.getByRole("button", { name: "批准" });
    await approveOwn.waitFor();
    expect(await approveOwn.isDisabled()).toBe(true);
    await expect(page.getByTestId("own-change-reason").textContent()).resolves.toContain("需要另一位管理员批准");
    expect(await approveOwn.getAttribute("aria-describedby")).toMatch(/^own-change-/);
    await checkPage(page, "console-lender-own-pending-change");

    const second = await admin("ops-b");
    await openLender(second.page, "Whiskey");
    await second.page.getByText("ops-a", { exact: true }).waitFor();
    const approve = second.page.getByRole("button", { name: "批准" });
    expect(await approve.isDisabled()).toBe(false);
    await checkPage(second.page, "console-lender-other-pending-change");
    await approve.click();
    await second.page.getByRole("status").filter({ hasText: "变更已批准并生效" }).waitFor();
    await second.page.getByText("没有待批准的变更。").waitFor();
    await second.page.getByText("当前允许：姓名、手机号").waitFor();

    // The applicant chooses Whiskey for the phone: now the lender's read is allowed.
    await choose(suite.gateway, applicant, applicationId, lenderId, [PiiCategory.PHONE]);
    const after = await suite.gateway.request(PHONE_OF_LEAD, { id: leadId }, apiKey);
    expect(after.body.errors ?? []).toEqual([]);
    expect(after.body.data?.lead.application.applicant.phone).toMatch(/^1\d{10}$/);

    expect(first.problems).toEqual([]);
    expect(second.problems).toEqual([]);
  });

  it("filters by status on the server, suspends, asks a second admin to reactivate, offboards after confirming", async () => {
    const adminToken = await suite.gateway.token("admin", "ops-a");
    await onboardLender(suite.gateway, adminToken, "Xray", []);
    await onboardLender(suite.gateway, adminToken, "Yankee", []);
    const { page, problems } = await admin("ops-a");
    await page.getByRole("link", { name: "Xray", exact: true }).waitFor();

    // A bad input is refused in words and writes nothing; a good edit is saved.
    await page.getByRole("button", { name: "编辑 Xray" }).click();
    const edit = page.getByRole("dialog", { name: "编辑机构：Xray" });
    await edit.getByLabel(/^最低金额/).fill("900000");
    await edit.getByRole("button", { name: "保存" }).click();
    await edit.getByRole("alert").filter({ hasText: "输入有误" }).waitFor();
    await edit.getByLabel(/^最低金额/).fill("1000");
    await edit.getByLabel(/^法定名称/).fill("Xray Lending Co., Ltd.");
    await edit.getByRole("button", { name: "保存" }).click();
    await page.getByRole("cell", { name: "Xray Lending Co., Ltd." }).waitFor();

    await page.getByRole("button", { name: "暂停 Xray" }).click();
    await page.getByRole("status").filter({ hasText: "Xray 已暂停" }).waitFor();
    await page.getByRole("button", { name: "恢复 Xray" }).click();
    await page.getByRole("status").filter({ hasText: "需另一位管理员批准后生效" }).waitFor();
    await page.getByRole("button", { name: "恢复 Xray" }).waitFor();

    await page.getByRole("button", { name: "下线 Yankee" }).click();
    const confirm = page.getByRole("dialog", { name: "下线 Yankee？" });
    await confirm.getByText("下线不可撤销").waitFor();
    await checkPage(page, "console-lender-offboard-confirm");
    await confirm.getByRole("button", { name: "下线" }).click();
    await page.getByRole("status").filter({ hasText: "Yankee 已下线" }).waitFor();

    await page.getByRole("combobox", { name: "按状态筛选" }).click();
    await page.getByRole("option", { name: "已暂停" }).click();
    await page.getByRole("link", { name: "Xray", exact: true }).waitFor();
    expect(await page.getByRole("link", { name: "Yankee", exact: true }).count()).toBe(0);
    expect(await page.getByRole("link", { name: "Whiskey", exact: true }).count()).toBe(0);
    await checkPage(page, "console-lenders-suspended");

    // In English too.
    await page.getByText("English").click();
    await page.getByRole("heading", { name: "Lenders", level: 2 }).waitFor();
    await page.getByRole("button", { name: "Reactivate Xray" }).waitFor();
    expect(problems).toEqual([]);
  });

  it("a lender's page registers a pasted public key, lowers the budget and shows webhook endpoint health", async () => {
    const adminToken = await suite.gateway.token("admin", "ops-a");
    const zulu = await onboardLender(suite.gateway, adminToken, "Zulu", []);
    expectData(await suite.gateway.request(
      "mutation($url: String!) { registerWebhookEndpoint(url: $url, events: [LEAD_CREATED]) { endpoint { id } } }",
      { url: "http://127.0.0.1:9/hooks" }, zulu.apiKey,
    ));
    const { page, problems } = await admin("ops-a");
    await openLender(page, "Zulu");
    await page.getByRole("cell", { name: "http://127.0.0.1:9/hooks" }).waitFor();

    const pair = await lenderKeyPair("EdDSA");
    await page.getByLabel(/^公钥 JWK/).fill(JSON.stringify(pair.publicJwk));
    await page.getByLabel("标签").fill("zulu-2026");
    await page.getByRole("button", { name: "登记公钥" }).click();
    await page.getByRole("status").filter({ hasText: "需另一位管理员批准后才能使用" }).waitFor();
    await page.getByText(pair.kid, { exact: true }).waitFor();
    await page.getByText("待批准", { exact: true }).first().waitFor();

    await page.getByLabel(/^新的每日额度/).fill("10");
    await page.getByRole("button", { name: "设置额度" }).click();
    await page.getByText("每日额度：10，今日已用：0").waitFor();
    await checkPage(page, "console-lender-keys-budget-webhooks");

    // The requester may withdraw its own change; an API key is revoked at once.
    await page.getByRole("button", { name: "驳回" }).click();
    await page.getByRole("status").filter({ hasText: "变更已驳回" }).waitFor();
    await page.getByText("没有待批准的变更。").waitFor();
    await page.getByRole("button", { name: /^作废 lk_/ }).click();
    await page.getByRole("button", { name: /^作废 lk_/ }).waitFor({ state: "detached" });
    expect((await suite.gateway.request("query { viewer { id } }", {}, zulu.apiKey)).body.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");

    // A pasted text that is no JWK: refused in words.
    await page.getByLabel(/^公钥 JWK/).fill("{ not json");
    await page.getByRole("button", { name: "登记公钥" }).click();
    await page.getByRole("alert").filter({ hasText: "输入有误" }).waitFor();
    expect(problems).toEqual([]);
  });
});
