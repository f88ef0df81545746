import { CREATE_LENDER } from "../support/documents";
import { expectData } from "../support/flow";
import { waitForCheckpoint } from "../support/sequenced";
import { checkPage } from "./support/browser";
import { consoleSuite, openFromNavigation } from "./support/console-suite";

const LOGGED_ACTIONS = "query { adminActionLog(first: 10) { edges { node { action logIndex } } } }";

/** The checkpoint's signature and a leaf's inclusion proof, checked in the browser; a tampered proof fails. */
describe("console: transparency log", () => {
  // Leaves sequenced within a fraction of a second, so the admin's action is in a checkpoint.
  const suite = consoleSuite({ TRANSPARENCY_MERGE_DELAY_SECONDS: "0.1" });
  let logIndex: number;

  beforeAll(async () => {
    const { gateway } = suite;
    const admin = await gateway.token("admin", "ops-log");
    // Five leaves: the middle one's proof has hashes to alter.
    for (const name of ["Zulu", "Yoke", "Xenon", "Wolf", "Vale"]) {
      expectData(await gateway.request(CREATE_LENDER, {
        input: { name, legalName: `${name} Consumer Finance Co., Ltd.`, contactEmail: `privacy@${name.toLowerCase()}.example`, criteria: { minAmount: 1000, maxAmount: 9000, minTermMonths: 1, maxTermMonths: 12 } },
      }, admin));
    }
    await waitForCheckpoint(gateway.dataSource, new URL(gateway.url).origin);
    const actions = expectData(await gateway.request(LOGGED_ACTIONS, {}, admin)).adminActionLog.edges.map((edge: any) => edge.node);
    logIndex = actions[2].logIndex;
    expect(actions.map((action: any) => action.action)).toEqual(Array(5).fill("createLender"));
    expect(Number.isInteger(logIndex)).toBe(true);
  });

  it("verifies the signed checkpoint and a real inclusion proof; a tampered proof shows not verified", async () => {
    const { page, problems } = await suite.admin("ops-auditor");
    await openFromNavigation(page, "透明日志");
    await page.getByTestId("checkpoint-verified").waitFor();
    // The key it was checked with is shown, for comparison with the one auditors hold.
    const published = await (await fetch(`${new URL(suite.gateway.url).origin}/transparency/key`)).text();
    await expect(page.getByTestId("verifier-key").textContent()).resolves.toBe(published.trim());
    await page.getByLabel("叶子序号（来自审计日志或操作日志）").fill(String(logIndex));
    await page.getByRole("button", { name: "验证包含证明" }).click();
    await expect(page.getByTestId("inclusion-verified").textContent()).resolves.toContain(`叶子 ${logIndex} 包含在大小为 5 的已签名树中`);
    await checkPage(page, "console-transparency-verified");

    // The same leaf with one proof hash altered on its way to the page: the check must fail.
    let altered = 0;
    await page.route("**/transparency/proof/inclusion?**", async route => {
      const response = await route.fetch();
      const proof = await response.json();
      const first = Buffer.from(proof.hashes[0], "base64");
      first[0] ^= 0x01;
      altered += 1;
      await route.fulfill({ response, json: { ...proof, hashes: [first.toString("base64"), ...proof.hashes.slice(1)] } });
    });
    await page.getByRole("button", { name: "验证包含证明" }).click();
    await page.getByTestId("inclusion-failed").waitFor();
    expect(altered).toBe(1);
    expect(await page.getByTestId("inclusion-verified").count()).toBe(0);
    await checkPage(page, "console-transparency-tampered");
    expect(problems).toEqual([]);
  });
});
