import { Lead } from "../../src/model/lead.entity";
import { Consent } from "../../src/model/consent.entity";
import { Application } from "../../src/model/application.entity";
import { PiiCategory } from "../../src/model/pii-category";
import { WITHDRAW_APPLICATION, WITHDRAW_CONSENT } from "../support/documents";
import { type TestLender, choose, expectData, leadIdFor, submitApplication } from "../support/flow";
import type { TestGateway } from "../support/gateway";
import { uniqueIdentity } from "../support/identities";
import { startWithPersonas } from "../support/personas";

/**
 * Migration 1765950000000: rows written before Lead.updatedAt moved with consents and closings
 * take the latest change the database knows of (a consent of the lead's lender granted or
 * ended, the application closed), else keep what they had.
 */
describe("migration 1765950000000 backfills Lead.updatedAt", () => {
  let gateway: TestGateway;
  let alice: string;
  let alpha: TestLender;
  let bravo: TestLender;
  const leads: Record<string, string> = {};

  beforeAll(async () => {
    ({ gateway, applicant: alice, lenders: [alpha, bravo] } = await startWithPersonas({ lenders: ["Alpha", "Bravo"] }));
    const consented = await submitApplication(gateway, alice, uniqueIdentity());
    const consentId = await choose(gateway, alice, consented, alpha.id, [PiiCategory.PHONE]);
    expectData(await gateway.request(WITHDRAW_CONSENT, { id: consentId }, alice));
    const chosen = await submitApplication(gateway, alice, uniqueIdentity());
    await choose(gateway, alice, chosen, alpha.id, [PiiCategory.PHONE]);
    const withdrawn = await submitApplication(gateway, alice, uniqueIdentity());
    expectData(await gateway.request(WITHDRAW_APPLICATION, { id: withdrawn }, alice));
    const untouched = await submitApplication(gateway, alice, uniqueIdentity());
    Object.assign(leads, {
      consentEnded: await leadIdFor(gateway, alpha, consented), otherLender: await leadIdFor(gateway, bravo, consented),
      chosen: await leadIdFor(gateway, alpha, chosen), untouched: await leadIdFor(gateway, alpha, untouched),
      withdrawn: (await gateway.dataSource.getRepository(Lead).findOneByOrFail({ applicationId: withdrawn, lenderId: alpha.id })).id,
    });
    // As rows written before: updatedAt no later than the lead's own creation. Back to the
    // schema before the migration (undoing any that came after it), then forward again.
    for (;;) {
      const [last] = await gateway.dataSource.query("SELECT name FROM migrations ORDER BY timestamp DESC LIMIT 1");
      await gateway.dataSource.undoLastMigration();
      if (last.name === "LeadChanges1765950000000") break;
    }
    await gateway.dataSource.query("UPDATE leads SET updated_at = created_at");
    await gateway.dataSource.runMigrations();
  });
  afterAll(async () => gateway?.stop());

  const lead = (id: string) => gateway.dataSource.getRepository(Lead).findOneByOrFail({ id });

  it("a consent ended: its ending; a consent granted and active: its granting; a closed application: its closing", async () => {
    const ended = await lead(leads.consentEnded);
    const consent = await gateway.dataSource.getRepository(Consent).findOneByOrFail({ applicationId: ended.applicationId, lenderId: alpha.id });
    expect(ended.updatedAt).toEqual(consent.endedAtStored);
    const chosen = await lead(leads.chosen);
    const granted = await gateway.dataSource.getRepository(Consent).findOneByOrFail({ applicationId: chosen.applicationId, lenderId: alpha.id });
    expect(chosen.updatedAt).toEqual(granted.grantedAt);
    const withdrawn = await lead(leads.withdrawn);
    const application = await gateway.dataSource.getRepository(Application).findOneByOrFail({ id: withdrawn.applicationId });
    expect(withdrawn.updatedAt).toEqual(application.closedAt);
  });

  it("a lead nothing happened to, or whose consents are another lender's, keeps its creation time", async () => {
    for (const id of [leads.untouched, leads.otherLender]) {
      const row = await lead(id);
      expect(row.updatedAt).toEqual(row.createdAt);
    }
  });

  it("keeps what updated_at held (the status's last move) in statusChangedAt, for the referral report and idle closing", async () => {
    for (const id of Object.values(leads)) {
      const row = await lead(id);
      expect(row.statusChangedAt).toEqual(row.createdAt);
    }
  });

  it("the poll finds them in that order", async () => {
    const since = "2000-01-01T00:00:00.000Z";
    const page = expectData(await gateway.request("query($since: DateTime!) { leads(changedSince: $since, first: 100) { edges { node { id updatedAt } } } }", { since }, alpha.apiKey));
    const times = page.leads.edges.map((edge: { node: { updatedAt: string } }) => edge.node.updatedAt);
    expect(times).toEqual([...times].sort());
    expect(page.leads.edges.map((edge: { node: { id: string } }) => edge.node.id)).toEqual(expect.arrayContaining([leads.consentEnded, leads.chosen, leads.withdrawn, leads.untouched]));
  });
});
