import type { Page } from "playwright-core";
import { PiiCategory } from "../../src/model/pii-category";
import { type TestLender, choose, expectData, leadIdFor, onboardLender, submitApplication } from "../support/flow";
import { type TestIdentity, uniqueIdentity } from "../support/identities";
import { checkPage } from "./support/browser";
import { consoleSuite, openFromNavigation } from "./support/console-suite";

const READ_IDENTITY = "query($id: ID!) { lead(id: $id) { application { applicant { phone fullName } } } }";
const ROWS = "[data-testid=audit-rows] tbody tr";

/** Waits until the audit table shows exactly `count` rows (the filter went to the gateway and back). */
async function auditRows(page: Page, count: number) {
  const rows = page.locator(ROWS);
  await rows.nth(count).waitFor({ state: "detached" });
  await rows.nth(count - 1).waitFor();
  expect(await rows.count()).toBe(count);
}

async function chooseOption(page: Page, field: string, option: string) {
  await page.getByRole("combobox", { name: field }).click();
  await page.getByRole("option", { name: option, exact: true }).click();
}

describe("console: audit log, application, report, probing", () => {
  const suite = consoleSuite();
  let alpha: TestLender;
  let chosen: string;
  const identities: TestIdentity[] = [uniqueIdentity(), uniqueIdentity()];

  beforeAll(async () => {
    const { gateway } = suite;
    alpha = await onboardLender(gateway, await gateway.token("admin", "ops-setup"), "Alpha");
    const applicant = await gateway.token("applicant", "audit-applicant");
    chosen = await submitApplication(gateway, applicant, identities[0]);
    const other = await submitApplication(gateway, applicant, identities[1]);
    await choose(gateway, applicant, chosen, alpha.id, [PiiCategory.PHONE]);
    // Alpha: on the chosen application phone granted, name not consented; on the other, both NO_CONSENT.
    for (const applicationId of [chosen, other]) {
      await suite.gateway.request(READ_IDENTITY, { id: await leadIdFor(gateway, alpha, applicationId) }, alpha.apiKey);
    }
  });

  it("filters narrow the audit log on the server; an application opens masked and is recorded as readApplication", async () => {
    const { page, problems } = await suite.admin("ops-auditor");
    await openFromNavigation(page, "审计日志");
    await page.getByRole("heading", { name: "审计日志", level: 2 }).waitFor();
    await auditRows(page, 4);
    await checkPage(page, "console-audit-log");

    await chooseOption(page, "原因", "无授权");
    await page.getByRole("button", { name: "筛选" }).click();
    await auditRows(page, 2);
    await chooseOption(page, "原因", "全部");
    await chooseOption(page, "结果", "允许");
    await page.getByRole("button", { name: "筛选" }).click();
    await auditRows(page, 1);
    await page.getByLabel("申请编号").fill(chosen);
    await chooseOption(page, "结果", "全部");
    await page.getByRole("button", { name: "筛选" }).click();
    await auditRows(page, 2);
    await checkPage(page, "console-audit-log-filtered");

    await page.getByRole("link", { name: `查看申请 ${chosen}` }).first().click();
    await page.getByTestId("masked-identity").waitFor();
    const shown = await page.getByTestId("masked-identity").textContent();
    expect(shown).toContain("*");
    for (const value of Object.values(identities[0])) expect(await page.content()).not.toContain(value);
    await checkPage(page, "console-application");

    const actions = expectData(await suite.gateway.request(
      "query { adminActionLog(first: 20, actor: \"ops-auditor\") { edges { node { action applicationId actor } } } }", {}, await suite.gateway.token("admin", "ops-other"),
    )).adminActionLog.edges.map((edge: any) => edge.node);
    expect(actions).toContainEqual({ action: "readApplication", applicationId: chosen, actor: "ops-auditor" });

    await openFromNavigation(page, "异常与操作日志");
    await page.getByLabel("操作人").fill("ops-auditor");
    await page.getByRole("button", { name: "筛选" }).nth(1).click();
    await page.getByTestId("admin-actions").getByText("readApplication").first().waitFor();
    expect(problems).toEqual([]);
  });

  it("probing lenders over a threshold, and the referral report's charts, in Chinese and English", async () => {
    const { page, problems } = await suite.admin("ops-reporter");
    await openFromNavigation(page, "异常与操作日志");
    await page.getByLabel("拒绝次数阈值").fill("2");
    await page.getByRole("button", { name: "筛选" }).first().click();
    await page.getByRole("cell", { name: "Alpha", exact: true }).waitFor();
    expect(await page.getByRole("cell", { name: "3", exact: true }).count()).toBeGreaterThan(0);
    await checkPage(page, "console-probing");

    await openFromNavigation(page, "导流报表");
    await page.getByRole("heading", { name: "各机构导流漏斗", level: 3 }).waitFor();
    await page.locator("[data-testid=funnel-chart] svg .recharts-bar-rectangle").first().waitFor();
    await page.locator("[data-testid=reads-chart] svg .recharts-bar-rectangle").first().waitFor();
    await checkPage(page, "console-report");

    await page.getByText("English").click();
    await page.getByRole("heading", { name: "Funnel per lender", level: 3 }).waitFor();
    await checkPage(page, "console-report-en");
    expect(problems).toEqual([]);
  });
});
