import { readFile } from "node:fs/promises";
import { PiiCategory } from "../../src/model/pii-category";
import { LEADS_WITH_IDENTITY } from "../support/documents";
import { choose, expectData } from "../support/flow";
import type { TestGateway } from "../support/gateway";
import { type Actor, checkPage, signInWithToken } from "./support/browser";
import { type PrivacyScene, startPrivacyScene } from "./support/privacy-centre";

/** More lender reads than one page of myData's access log (100) and several of the timeline (20). */
const LENDER_REQUESTS = 26;
const READS_PER_REQUEST = 4;

const MY_DATA = `query { myData { subject identityErasedAt
  applications { id status applicant { fullName nationalId phone email } }
  consents { id status categories } } }`;

describe("privacy centre: paging the timeline, downloading my data, erasing it", () => {
  let scene: PrivacyScene;
  let actor: Actor;
  let gateway: TestGateway;
  let applicationId: string;
  let consentId: string;
  let applicantToken: string;

  beforeAll(async () => {
    scene = await startPrivacyScene({ lender: "Huiming", applicant: "privacy-applicant-2", admin: "privacy-admin-2" });
    ({ actor, gateway, applicationId, applicantToken } = scene);
    consentId = await choose(gateway, applicantToken, applicationId, scene.lender.id, [PiiCategory.NAME, PiiCategory.PHONE]);
    for (let request = 0; request < LENDER_REQUESTS; request += 1) await gateway.request(LEADS_WITH_IDENTITY, {}, scene.lender.apiKey);
    // Then a staff member's read (masked) and the applicant's own, the newest two of the timeline.
    const identityOf = `query($id: ID!) { application(id: $id) { applicant { fullName } } }`;
    expectData(await gateway.request(identityOf, { id: applicationId }, await gateway.token("admin", "privacy-admin-2")));
    expectData(await gateway.request(identityOf, { id: applicationId }, applicantToken));
    await signInWithToken(actor.page, "privacy", applicantToken);
    await actor.page.getByRole("heading", { name: "我的申请", level: 2 }).waitFor();
  });
  afterAll(() => scene?.stop());

  it("shows staff's and the applicant's own reads, and pages the timeline twenty reads at a time", async () => {
    const { page } = actor;
    await page.getByRole("link", { name: "谁读取了我的信息" }).click();
    await page.getByTestId("access-read").first().waitFor();
    const newest = page.getByTestId("access-read");
    await expect(newest.nth(0).innerText()).resolves.toMatch(/您本人的账户 读取了 姓名[\s\S]*已允许[\s\S]*您本人查看自己的信息/);
    await expect(newest.nth(1).innerText()).resolves.toMatch(/平台工作人员（只见遮蔽后的信息） 读取了 姓名[\s\S]*已允许[\s\S]*只显示遮蔽后的信息/);
    expect(await page.getByTestId("access-read").count()).toBe(20);
    await page.getByRole("button", { name: "加载更多" }).click();
    await page.getByTestId("access-read").nth(39).waitFor();
    expect(await page.getByTestId("access-read").count()).toBe(40);
    await checkPage(page, "privacy-access-log-second-page");
    expect(actor.problems).toEqual([]);
  });

  it("downloads the applicant's myData as a JSON file, with every page of its access log", async () => {
    const { page } = actor;
    await page.getByRole("link", { name: "下载或删除我的信息" }).click();
    await page.getByRole("heading", { name: "下载或删除我的信息", level: 2 }).waitFor();
    await checkPage(page, "privacy-my-data");
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "下载我的信息（JSON）" }).click()]);
    expect(download.suggestedFilename()).toMatch(/^my-data-\d{4}-\d{2}-\d{2}\.json$/);
    const file = JSON.parse(await readFile((await download.path())!, "utf8")).myData;
    await page.getByRole("status").filter({ hasText: download.suggestedFilename() }).waitFor();

    const held = expectData(await gateway.request(MY_DATA, {}, applicantToken)).myData;
    expect(file.subject).toBe("privacy-applicant-2");
    expect(file.applications.map((application: any) => ({ id: application.id, status: application.status, applicant: {
      fullName: application.applicant.fullName, nationalId: application.applicant.nationalId, phone: application.applicant.phone, email: application.applicant.email,
    } }))).toEqual(held.applications);
    expect(held.applications[0].applicant).toEqual({ fullName: scene.identity.fullName, nationalId: scene.identity.nationalId, phone: scene.identity.phone, email: scene.identity.email });
    expect(file.consents.map((consent: any) => ({ id: consent.id, status: consent.status, categories: consent.categories }))).toEqual(held.consents);
    expect(file.consents[0].notice.recipientLegalName).toBe("Huiming Consumer Finance Co., Ltd.");
    // Every lender read, past the first page of 100.
    const lenderReads = file.accessLog.edges.filter((edge: any) => edge.node.readerKind === "LENDER");
    expect(lenderReads).toHaveLength(LENDER_REQUESTS * READS_PER_REQUEST);
    expect(new Set(file.accessLog.edges.map((edge: any) => edge.node.id)).size).toBe(file.accessLog.edges.length);
    expect(file.accessLog.pageInfo.hasNextPage).toBe(false);
    expect(actor.problems).toEqual([]);
  });

  it("erases only after the confirmation naming what happens; then the data is gone", async () => {
    const { page } = actor;
    await page.getByRole("button", { name: "删除我的信息…" }).click();
    const dialog = page.getByRole("dialog", { name: "确认删除我的信息" });
    await dialog.waitFor();
    // Past the dialog's fade-in, so that the screenshot and the contrast check see it as it settles.
    await page.waitForFunction(() => {
      const browserWindow = globalThis as any; // the page's window: this runs in the browser
      return browserWindow.getComputedStyle(browserWindow.document.querySelector("[role=dialog]")).opacity === "1";
    });
    await expect(dialog.innerText()).resolves.toMatch(/永久销毁[\s\S]*撤回[\s\S]*终止[\s\S]*读取记录仍会保留/);
    await checkPage(page, "privacy-erase-confirmation");
    // Cancelling erases nothing.
    await dialog.getByRole("button", { name: "取消" }).click();
    await dialog.waitFor({ state: "hidden" });
    expect(expectData(await gateway.request(MY_DATA, {}, applicantToken)).myData.identityErasedAt).toBeNull();

    await page.getByRole("button", { name: "删除我的信息…" }).click();
    await dialog.getByRole("button", { name: "确认删除" }).click();
    await page.getByRole("status").filter({ hasText: /您的信息已于 .* 删除：撤回申请 1 份，终止同意 1 项/ }).waitFor();
    await dialog.waitFor({ state: "detached" });
    await checkPage(page, "privacy-erased");

    const after = expectData(await gateway.request(MY_DATA, {}, applicantToken)).myData;
    expect(after.identityErasedAt).not.toBeNull();
    expect(after.applications).toEqual([{ id: applicationId, status: "WITHDRAWN", applicant: { fullName: null, nationalId: null, phone: null, email: null } }]);
    expect(after.consents).toEqual([{ id: consentId, status: "TERMINATED", categories: [PiiCategory.NAME, PiiCategory.PHONE] }]);
    expect(JSON.stringify(after)).not.toContain(scene.identity.nationalId);
    expect(actor.problems).toEqual([]);
  });
});
