import { randomUUID } from "node:crypto";
import { createConnection } from "mysql2/promise";
import { REVOKE_KEY, ISSUE_KEY, OUTCOME, SET_PERMISSIONS, SET_STATUS, WITHDRAW_CONSENT } from "../support/documents";
import { ALL_CATEGORIES } from "../support/flow";
import { GatewayProcess, graphql, token } from "../faults/support/gateway-process";
import { errorCode, onboardLenderOver, readiness, sleep, sleepRandomly } from "../faults/support/scenario";
import { checkAcknowledged, runSetWorkload } from "../faults/support/set-workload";
import { GaleraCluster, startGaleraCluster } from "./support/galera-cluster";
import { approveAllThrough, chooseOver, chooseThrough, dataOf, readName, startClusterGateway, submitThrough, transactionRetries } from "./support/cluster-flow";
import { expectEverySequenced, leadsPerApplication, loggedEvents } from "./support/cluster-checks";

const WITHDRAWAL_ROUNDS = 200;
const NARROWING_ROUNDS = 30;
const RACE_ROUNDS = 40;

/**
 * The gateway on a 3-node MariaDB Galera cluster, one gateway instance per node, one Redis: the
 * consistency promise across nodes (a change acknowledged by one instance is seen by the next
 * request on any other), no SERVICE_UNAVAILABLE for applicants under concurrent lender reads,
 * a frozen node that stops deciding rather than deciding stale, and the set test with a
 * database node and a gateway instance killed. Each phase prints what it measured.
 */
describe("the gateway on a Galera cluster", () => {
  let cluster: GaleraCluster;
  const gateways: GatewayProcess[] = [];
  const redisPrefix = `cluster-${randomUUID()}:`;
  let admin: string;
  const urls = () => gateways.map(gateway => gateway.url);
  /** Three distinct instances for one round: x acts, y reads, z approves. */
  const trio = (round: number) => [0, 1, 2].map(offset => urls()[(round + offset) % 3]);

  beforeAll(async () => {
    const startedAt = Date.now();
    cluster = await startGaleraCluster(3);
    // The first instance migrates; the others start on the migrated schema.
    gateways.push(await startClusterGateway(cluster.nodes[0].url, redisPrefix));
    gateways.push(...await Promise.all(cluster.nodes.slice(1).map(node => startClusterGateway(node.url, redisPrefix))));
    started.push(...gateways);
    admin = await token("admin", "cluster-admin");
    console.log(`cluster: 3 nodes synced and 3 gateways up in ${Math.round((Date.now() - startedAt) / 1000)} s`);
  }, 240_000);

  /** Every instance started, the killed ones too, for the summary of what they logged. */
  const started: GatewayProcess[] = [];

  afterAll(async () => {
    for (const [index, gateway] of started.entries()) console.log(`instance ${index + 1} logged: ${loggedEvents(gateway.output())}`);
    for (const gateway of gateways) await gateway.kill("SIGKILL");
    await cluster?.destroy();
  }, 60_000);

  it("every instance reads causally and reports its node ready", async () => {
    for (const url of urls()) {
      const ready = await readiness(url);
      expect(ready.status).toBe(200);
      expect(ready.body.cluster).toMatchObject({ ok: true, clusterStatus: "Primary", localState: "Synced", ready: "ON", causalReads: true });
    }
  });

  it(`withdraw on one node, read on another: ${WITHDRAWAL_ROUNDS} rounds, no stale read`, async () => {
    const lender = await onboardLenderOver(urls()[0], admin, "ClusterWithdraw");
    const applicant = await token("applicant", "cluster-withdraw");
    const stale: string[] = [];
    const unavailable: string[] = [];
    const started = Date.now();
    for (let round = 0; round < WITHDRAWAL_ROUNDS; round += 1) {
      const [actor, reader] = trio(round);
      const { leadId, consentId } = await chooseThrough(actor, applicant, lender.id);
      const before = await readName(reader, lender.apiKey, leadId);
      if (before.outcome !== "granted") stale.push(`round ${round}: the grant was not seen (${JSON.stringify(before)})`);
      const withdrawn = await graphql(actor, WITHDRAW_CONSENT, { id: consentId }, applicant);
      if (errorCode(withdrawn) === "SERVICE_UNAVAILABLE") unavailable.push(`round ${round}`);
      expect(dataOf(withdrawn, "withdraw").withdrawConsent.status).toBe("WITHDRAWN");
      const after = await readName(reader, lender.apiKey, leadId);
      if (after.outcome !== "denied" || after.reason !== "CONSENT_WITHDRAWN") stale.push(`round ${round}: ${JSON.stringify(after)}`);
    }
    console.log(`withdrawals: ${WITHDRAWAL_ROUNDS} rounds in ${Math.round((Date.now() - started) / 1000)} s, ` +
      `${stale.length} stale reads, ${unavailable.length} withdrawals unavailable`);
    expect(stale).toEqual([]);
    expect(unavailable).toEqual([]);
  }, 300_000);

  /** A narrowing acknowledged by one instance is in force for the next read on another; undone before the next round. */
  async function narrowingRounds(name: string, narrow: (actor: string, lender: { id: string; apiKey: string; keyId?: string }) => Promise<void>,
    restore: (actor: string, checker: string, lender: { id: string; apiKey: string; keyId?: string }) => Promise<void>): Promise<void> {
    const lender: { id: string; apiKey: string; keyId?: string } = await onboardLenderOver(urls()[0], admin, `Cluster${name}`);
    const applicant = await token("applicant", `cluster-${name}`);
    const stale: string[] = [];
    for (let round = 0; round < NARROWING_ROUNDS; round += 1) {
      const [actor, reader, checker] = trio(round);
      const { leadId } = await chooseThrough(actor, applicant, lender.id);
      const before = await readName(reader, lender.apiKey, leadId);
      if (before.outcome !== "granted") stale.push(`round ${round}: not granted before (${JSON.stringify(before)})`);
      await narrow(actor, lender);
      const after = await readName(reader, lender.apiKey, leadId);
      if (after.outcome !== "denied") stale.push(`round ${round}: ${JSON.stringify(after)}`);
      await restore(actor, checker, lender);
    }
    console.log(`${name}: ${NARROWING_ROUNDS} rounds, ${stale.length} stale reads`);
    expect(stale).toEqual([]);
  }

  it(`suspension on one node, read on another: ${NARROWING_ROUNDS} rounds`, async () => {
    await narrowingRounds("suspension", async (actor, lender) => {
      dataOf(await graphql(actor, SET_STATUS, { id: lender.id, status: "SUSPENDED" }, admin), "suspend");
    }, async (actor, checker, lender) => {
      dataOf(await graphql(actor, SET_STATUS, { id: lender.id, status: "ACTIVE" }, admin), "reactivate");
      await approveAllThrough(checker, lender.id);
    });
  }, 300_000);

  it(`permission narrowing on one node, read on another: ${NARROWING_ROUNDS} rounds`, async () => {
    await narrowingRounds("narrowing", async (actor, lender) => {
      dataOf(await graphql(actor, SET_PERMISSIONS, { id: lender.id, categories: ["PHONE"] }, admin), "narrow");
    }, async (actor, checker, lender) => {
      dataOf(await graphql(actor, SET_PERMISSIONS, { id: lender.id, categories: ALL_CATEGORIES }, admin), "widen");
      await approveAllThrough(checker, lender.id);
    });
  }, 300_000);

  it(`key revocation on one node, request on another: ${NARROWING_ROUNDS} rounds`, async () => {
    await narrowingRounds("revocation", async (actor, lender) => {
      const keys = dataOf(await graphql(actor, `query($id: ID!) { lender(id: $id) { apiKeys { id revokedAt } } }`, { id: lender.id }, admin), "keys");
      for (const key of keys.lender.apiKeys.filter((entry: { revokedAt: string | null }) => entry.revokedAt === null)) {
        dataOf(await graphql(actor, REVOKE_KEY, { id: key.id }, admin), "revoke");
      }
    }, async (actor, _checker, lender) => {
      lender.apiKey = dataOf(await graphql(actor, ISSUE_KEY, { id: lender.id, label: "cluster" }, admin), "issue").issueApiKey.secret;
    });
  }, 300_000);

  it(`a choice on one node racing a suspension on another: ${RACE_ROUNDS} rounds, no consent left active on the suspended lender`, async () => {
    // Row locks hold on one node only; the choice's lock of the lender row must still make one
    // of the two lose certification, or the suspension's sweep would miss the new consent.
    const lender = await onboardLenderOver(urls()[0], admin, "ClusterRace");
    const applicant = await token("applicant", "cluster-race");
    const database = await createConnection(cluster.nodes[0].url);
    const left: string[] = [];
    let chosen = 0;
    try {
      await database.query("SET SESSION wsrep_sync_wait = 1");
      for (let round = 0; round < RACE_ROUNDS; round += 1) {
        const [chooser, suspender, checker] = trio(round);
        const { applicationId } = await submitThrough(chooser, applicant, lender.id);
        const [choice, suspension] = await Promise.all([
          chooseOver(chooser, applicant, applicationId, lender.id),
          graphql(suspender, SET_STATUS, { id: lender.id, status: "SUSPENDED" }, admin),
        ]);
        if (choice.body?.data?.chooseLender) chosen += 1;
        if (!suspension.body?.data?.setLenderStatus) dataOf(await graphql(suspender, SET_STATUS, { id: lender.id, status: "SUSPENDED" }, admin), "suspend again");
        const [rows] = await database.query("SELECT id FROM consents WHERE lender_id = ? AND status = 'ACTIVE'", [lender.id]);
        if ((rows as unknown[]).length > 0) left.push(`round ${round}: ${(rows as unknown[]).length} active`);
        dataOf(await graphql(chooser, SET_STATUS, { id: lender.id, status: "ACTIVE" }, admin), "reactivate");
        await approveAllThrough(checker, lender.id);
      }
    } finally {
      await database.end();
    }
    console.log(`choice against suspension: ${RACE_ROUNDS} rounds, ${chosen} choices acknowledged, ${left.length} consents left active`);
    expect(left).toEqual([]);
  }, 300_000);

  it("lenders reading on every node while applicants choose, withdraw and lenders report outcomes: no SERVICE_UNAVAILABLE, each change once", async () => {
    const lenders = [await onboardLenderOver(urls()[0], admin, "ClusterBusyA"), await onboardLenderOver(urls()[1], admin, "ClusterBusyB")];
    let reading = true;
    let reads = 0;
    const readers = lenders.flatMap(lender => [0, 1, 2].map(async offset => {
      for (let turn = offset; reading; turn += 1) {
        await graphql(urls()[turn % 3], `query { leads(first: 20) { edges { node { id status application { applicant { fullName phone } } } } } }`, {}, lender.apiKey).catch(() => undefined);
        reads += 1;
      }
    }));
    const before = (await Promise.all(urls().map(transactionRetries))).reduce((a, b) => a + b, 0);
    const unavailable: string[] = [];
    const note = (what: string, result: Awaited<ReturnType<typeof graphql>>) => {
      if (result.status >= 500 || errorCode(result) === "SERVICE_UNAVAILABLE") unavailable.push(what);
      return result;
    };
    const acknowledged = { choices: 0, withdrawals: 0, outcomes: 0 };
    // The readers stop whatever happens to the applicants, or they would outlive the test.
    try {
      await Promise.all([0, 1, 2, 3].map(async client => {
        const applicant = await token("applicant", `cluster-busy-${client}`);
        for (let round = 0; round < 12; round += 1) {
          const [actor, other] = trio(client + round);
          const lender = lenders[round % 2];
          const { leadId, consentId } = await chooseThrough(actor, applicant, lender.id);
          acknowledged.choices += 1;
          if (round % 2 === 0) {
            dataOf(note(`withdraw ${client}/${round}`, await graphql(other, WITHDRAW_CONSENT, { id: consentId }, applicant)), "withdraw");
            acknowledged.withdrawals += 1;
          } else {
            dataOf(note(`outcome ${client}/${round}`, await graphql(other, OUTCOME, { input: { leadId, outcome: "APPROVED" } }, lender.apiKey)), "outcome");
            acknowledged.outcomes += 1;
          }
        }
      }));
    } finally {
      reading = false;
    }
    await Promise.all(readers);
    const after = (await Promise.all(urls().map(transactionRetries))).reduce((a, b) => a + b, 0);

    const database = await createConnection(cluster.nodes[0].url);
    try {
      const [consents] = await database.query(
        "SELECT COUNT(*) AS n, SUM(status = 'WITHDRAWN') AS withdrawn, COUNT(DISTINCT application_id, lender_id) AS pairs FROM consents WHERE lender_id IN (?, ?)",
        [lenders[0].id, lenders[1].id]);
      const [leads] = await database.query("SELECT COUNT(*) AS approved FROM leads WHERE status = 'APPROVED' AND lender_id IN (?, ?)", [lenders[0].id, lenders[1].id]);
      const counts = (consents as any[])[0];
      console.log(`concurrent: ${acknowledged.choices} choices, ${acknowledged.withdrawals} withdrawals, ${acknowledged.outcomes} outcomes ` +
        `beside ${reads} lender page reads; ${after - before} transaction retries; ${unavailable.length} unavailable`);
      expect(unavailable).toEqual([]);
      expect(Number(counts.n)).toBe(acknowledged.choices);
      expect(Number(counts.pairs)).toBe(acknowledged.choices);
      expect(Number(counts.withdrawn)).toBe(acknowledged.withdrawals);
      expect(Number((leads as any[])[0].approved)).toBe(acknowledged.outcomes);
    } finally {
      await database.end();
    }
  }, 300_000);

  it("a node frozen with SIGSTOP: its instance stops deciding, the others serve, and it decides fresh again after SIGCONT", async () => {
    const lender = await onboardLenderOver(urls()[0], admin, "ClusterFrozen");
    const applicant = await token("applicant", "cluster-frozen");
    const { leadId, consentId } = await chooseThrough(urls()[0], applicant, lender.id);
    expect((await readName(urls()[2], lender.apiKey, leadId)).outcome).toBe("granted");
    const frozen = cluster.nodes[2];
    await frozen.signal("SIGSTOP");
    try {
      // The other instances go on once the cluster has evicted the frozen node (2–4 s): until
      // then a commit waits for it, and a withdrawal may meet the request deadline; the client
      // sends it again, as it would after any 503.
      let withdrawn = await graphql(urls()[0], WITHDRAW_CONSENT, { id: consentId }, applicant);
      for (let attempt = 1; errorCode(withdrawn) === "SERVICE_UNAVAILABLE" && attempt < 5; attempt += 1) {
        withdrawn = await graphql(urls()[0], WITHDRAW_CONSENT, { id: consentId }, applicant);
      }
      expect(dataOf(withdrawn, "withdraw").withdrawConsent.status).toBe("WITHDRAWN");
      expect((await readName(urls()[1], lender.apiKey, leadId)).reason).toBe("CONSENT_WITHDRAWN");
      // The frozen node's instance answers nothing but 503 (its request deadline), never the old grant.
      const outcomes = [];
      for (let attempt = 0; attempt < 3; attempt += 1) outcomes.push((await readName(urls()[2], lender.apiKey, leadId)).outcome);
      expect(outcomes).toEqual(["unavailable", "unavailable", "unavailable"]);
    } finally {
      await frozen.signal("SIGCONT");
    }
    // Back in the cluster it catches up before deciding: the withdrawal, not the grant.
    const deadline = Date.now() + 90_000;
    const seen: string[] = [];
    for (;;) {
      const read = await readName(urls()[2], lender.apiKey, leadId);
      seen.push(read.outcome);
      expect(read.outcome).not.toBe("granted");
      if (read.outcome === "denied") {
        expect(read.reason).toBe("CONSENT_WITHDRAWN");
        break;
      }
      if (Date.now() > deadline) throw new Error(`the thawed node's instance did not recover: ${seen.join(", ")}`);
      await sleep(500);
    }
    await cluster.waitSynced(90_000);
    expect((await readiness(urls()[2])).body.cluster?.ok).toBe(true);
    console.log(`frozen node: reads after SIGCONT until fresh: ${seen.join(", ")}`);
  }, 240_000);

  it("the set test with a database node and a gateway instance killed: every acknowledged write once, no identity without a consent", async () => {
    const lenderInfo = await onboardLenderOver(urls()[0], admin, "ClusterSet");
    let loading = true;
    const released: Array<{ applicationId: string }> = [];
    const reader = (async () => {
      for (let turn = 0; loading; turn += 1) {
        try {
          const page = await graphql(urls()[turn % 3], `query { leads(first: 50) { edges { node { application { id applicant { fullName } } } } } }`, {}, lenderInfo.apiKey);
          for (const edge of page.body?.data?.leads?.edges ?? []) {
            if (edge.node.application.applicant?.fullName) released.push({ applicationId: edge.node.application.id });
          }
        } catch {
          await sleep(100);
        }
      }
    })();
    const workload = runSetWorkload({ url: urls(), clients: 6, lenderId: lenderInfo.id, running: () => loading, deadline: Date.now() + 240_000 });

    // The load stops whatever happens to the faults, or it would outlive the test.
    try {
      await sleepRandomly(2000, 6000);
      const victimNode = cluster.nodes[1];
      await victimNode.signal("SIGKILL");
      await sleepRandomly(1000, 4000);
      await gateways[2].kill("SIGKILL");
      await sleepRandomly(500, 2000);
      gateways[2] = await startClusterGateway(cluster.nodes[2].url, redisPrefix);
      started.push(gateways[2]);
      await victimNode.start();
      await sleep(3000);
    } finally {
      loading = false;
    }
    const acknowledged = await workload;
    await reader;
    await cluster.waitSynced(120_000);

    const database = await createConnection(cluster.nodes[0].url);
    try {
      const violations = await checkAcknowledged(database, acknowledged, await leadsPerApplication(database), { workloadOnly: true });
      const [orphans] = await database.query(
        "SELECT COUNT(*) AS n FROM access_records r WHERE r.granted_reads > 0 AND r.lender_id IS NOT NULL AND NOT EXISTS " +
          "(SELECT 1 FROM consents c WHERE c.application_id = r.application_id AND c.lender_id = r.lender_id)");
      const consented = new Set(((await database.query("SELECT application_id AS id FROM consents WHERE lender_id = ?", [lenderInfo.id]))[0] as any[]).map(row => row.id));
      const unconsented = released.filter(entry => !consented.has(entry.applicationId));
      const retried = (await Promise.all(urls().map(transactionRetries))).reduce((a, b) => a + b, 0);
      console.log(`set test: node 2 and gateway 3 killed; ${retried} transaction re-runs on the instances alive at the end; ` +
        `${acknowledged.applications.size} applications, ${acknowledged.consents.size} consents, ` +
        `${acknowledged.withdrawals.size} withdrawals acknowledged, ${acknowledged.retries} client retries, ${released.length} identity values released`);
      expect(violations).toEqual([]);
      expect(Number((orphans as any[])[0].n)).toBe(0);
      await expectEverySequenced(database);
      expect(unconsented).toEqual([]);
      expect(acknowledged.applications.size).toBeGreaterThan(6);
      expect(acknowledged.retries).toBeGreaterThan(0);
    } finally {
      await database.end();
    }
  }, 300_000);
});
