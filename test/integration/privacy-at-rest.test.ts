import { ApplicantRecord } from "../../src/model/applicant.entity";
import { applicantsWithNationalId } from "../../src/privacy/applicant-identity-store";
import { loadConfig } from "../../src/config";
import { createLogger } from "../../src/logging/logger";
import { sealedKeyId } from "../../src/privacy/encryption";
import { rotateKeys } from "../../src/privacy/key-rotation";
import { buildGatewaySchema } from "../../src/schema";
import { RunningGateway, startGateway } from "../../src/server";
import { ALL_CATEGORIES, TestLender, choose, expectData, submitApplication } from "../support/flow";
import { TEST_JWT_SECRET, TEST_PII_ENCRYPTION_KEY, TEST_TRANSPARENCY_SIGNING_KEY, TestGateway } from "../support/gateway";
import { TestIdentity, uniqueIdentity } from "../support/identities";
import { rawDump } from "../support/raw-rows";
import { startWithPersonas } from "../support/personas";

const NEW_KEY = Buffer.from("test-only-pii-key-rotated-000001").toString("base64");
const MY_IDENTITY = `query { myApplications(first: 100) { edges { node { id applicant { fullName nationalId phone email } } } } }`;

const values = (identity: TestIdentity) => [identity.fullName, identity.nationalId, identity.phone, identity.email];

describe("identity at rest", () => {
  let gateway: TestGateway;
  let lender: TestLender;
  const people: Array<{ subject: string; identity: TestIdentity }> = [];

  beforeAll(async () => {
    ({ gateway, lenders: [lender] } = await startWithPersonas({ lenders: ["Vault"] }));
    for (const subject of ["ada", "bo", "cy"]) {
      const identity = uniqueIdentity();
      people.push({ subject, identity });
      const token = await gateway.token("applicant", subject);
      const applicationId = await submitApplication(gateway, token, identity);
      await choose(gateway, token, applicationId, lender.id, ALL_CATEGORIES);
    }
    // Lender reads write the access log; the scan must cover it too.
    await gateway.request("query { leads(first: 100) { edges { node { application { applicant { fullName nationalId phone email } } } } } }", {}, lender.apiKey);
  });

  afterAll(async () => gateway?.stop());

  it("no table holds any identity value in plaintext", async () => {
    const dump = await rawDump(gateway.dataSource);
    for (const { identity } of people) for (const value of values(identity)) expect(dump).not.toContain(value);
    // The ID number is not there in lower case (X check characters) or as its 17-digit body either.
    for (const { identity } of people) {
      expect(dump).not.toContain(identity.nationalId.toLowerCase());
      expect(dump).not.toContain(identity.nationalId.slice(0, 17));
    }
  });

  it("positive twin: the same values come back through the API to their owner and to the consented lender", async () => {
    for (const { subject, identity } of people) {
      const mine = expectData(await gateway.request(MY_IDENTITY, {}, await gateway.token("applicant", subject)));
      expect(mine.myApplications.edges[0].node.applicant).toEqual({ ...identity });
    }
    const page = expectData(await gateway.request("query { leads(first: 100) { edges { node { application { applicant { phone } } } } } }", {}, lender.apiKey));
    expect(page.leads.edges.map((edge: any) => edge.node.application.applicant.phone).sort()).toEqual(people.map(person => person.identity.phone).sort());
  });

  it("every identity column holds a sealed value under the current key, with a keyed hash of the ID number", async () => {
    const config = loadConfig({ NODE_ENV: "test", JWT_SECRET: TEST_JWT_SECRET, TRANSPARENCY_SIGNING_KEY: TEST_TRANSPARENCY_SIGNING_KEY, PII_ENCRYPTION_KEY: TEST_PII_ENCRYPTION_KEY });
    const rows = await gateway.dataSource.getRepository(ApplicantRecord).find();
    expect(rows).toHaveLength(people.length);
    for (const row of rows) {
      for (const stored of [row.fullNameSealed, row.nationalIdSealed, row.phoneSealed, row.emailSealed]) {
        expect(sealedKeyId(stored!)).toBe(config.piiKeyring.currentKeyId);
      }
      expect(row.nationalIdHash).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it("finds a duplicate applicant by the hash of the ID number, without decrypting", async () => {
    const config = loadConfig({ NODE_ENV: "test", JWT_SECRET: TEST_JWT_SECRET, TRANSPARENCY_SIGNING_KEY: TEST_TRANSPARENCY_SIGNING_KEY, PII_ENCRYPTION_KEY: TEST_PII_ENCRYPTION_KEY });
    const twin = { ...uniqueIdentity(), nationalId: people[0].identity.nationalId };
    await submitApplication(gateway, await gateway.token("applicant", "ada-second-account"), twin);
    const found = await applicantsWithNationalId(gateway.dataSource, config.piiKeyring, people[0].identity.nationalId);
    expect(found.map(row => row.subject).sort()).toEqual(["ada", "ada-second-account"]);
    const other = await applicantsWithNationalId(gateway.dataSource, config.piiKeyring, people[1].identity.nationalId);
    expect(other.map(row => row.subject)).toEqual(["bo"]);
  });

  describe("key rotation", () => {
    let rotated: RunningGateway | null = null;

    afterAll(async () => rotated?.stop());

    async function serveWith(env: Record<string, string>): Promise<RunningGateway> {
      const config = loadConfig({ NODE_ENV: "test", JWT_SECRET: TEST_JWT_SECRET, TRANSPARENCY_SIGNING_KEY: TEST_TRANSPARENCY_SIGNING_KEY, LOG_LEVEL: "silent", ...env });
      return startGateway(config, gateway.dataSource, await buildGatewaySchema(), createLogger("silent"), 0, "127.0.0.1");
    }

    async function ownIdentity(server: RunningGateway, subject: string): Promise<any> {
      const response = await fetch(server.url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${await gateway.token("applicant", subject)}` },
        body: JSON.stringify({ query: MY_IDENTITY }),
      });
      return response.json();
    }

    it("values written under the old key still decrypt after rotation, and only the new key is needed afterwards", async () => {
      const next = loadConfig({ NODE_ENV: "test", JWT_SECRET: TEST_JWT_SECRET, TRANSPARENCY_SIGNING_KEY: TEST_TRANSPARENCY_SIGNING_KEY, PII_ENCRYPTION_KEY: NEW_KEY, PII_ENCRYPTION_KEYS_OLD: TEST_PII_ENCRYPTION_KEY });
      // Interrupted after the first batch of 2, then resumed from the id it reported.
      const first = await rotateKeys(gateway.dataSource, next.piiKeyring, { batchSize: 2, onBatch: () => { throw new Error("stopped"); } })
        .catch(() => null);
      expect(first).toBeNull();
      const partly = await gateway.dataSource.getRepository(ApplicantRecord).find({ order: { id: "ASC" } });
      const lastDone = partly[1].id;
      expect(partly.filter(row => sealedKeyId(row.phoneSealed!) === next.piiKeyring.currentKeyId)).toHaveLength(2);
      const resumed = await rotateKeys(gateway.dataSource, next.piiKeyring, { batchSize: 2, after: lastDone });
      expect(resumed.rotated).toBe(partly.length - 2);

      const rows = await gateway.dataSource.getRepository(ApplicantRecord).find();
      for (const row of rows) expect(sealedKeyId(row.nationalIdSealed!)).toBe(next.piiKeyring.currentKeyId);
      const again = await rotateKeys(gateway.dataSource, next.piiKeyring);
      expect(again).toMatchObject({ rotated: 0, alreadyCurrent: rows.length });

      rotated = await serveWith({ PII_ENCRYPTION_KEY: NEW_KEY });
      for (const { subject, identity } of people) {
        expect((await ownIdentity(rotated, subject)).data.myApplications.edges[0].node.applicant).toEqual({ ...identity });
      }
      const dump = await rawDump(gateway.dataSource);
      for (const { identity } of people) for (const value of values(identity)) expect(dump).not.toContain(value);
      // The hash moved with the key: duplicates are still found.
      const found = await applicantsWithNationalId(gateway.dataSource, next.piiKeyring, people[0].identity.nationalId);
      expect(found).toHaveLength(2);
    });

    it("negative twin: a gateway holding only the old key cannot read rotated values (no silent plaintext)", async () => {
      const stale = await serveWith({ PII_ENCRYPTION_KEY: TEST_PII_ENCRYPTION_KEY });
      try {
        const body = await ownIdentity(stale, people[0].subject);
        expect(body.data.myApplications.edges[0].node.applicant.phone).toBeNull();
        expect(new Set(body.errors.map((error: any) => error.extensions.code))).toEqual(new Set(["INTERNAL_SERVER_ERROR"]));
        expect(JSON.stringify(body)).not.toContain(people[0].identity.phone);
      } finally {
        await stale.stop();
      }
    });
  });
});

describe("identity edited behind the gateway's back", () => {
  let gateway: TestGateway;
  let lender: TestLender;
  const people: Array<{ applicationId: string; applicantId: string; identity: TestIdentity }> = [];
  const PHONES = "query { leads(first: 100) { edges { node { application { id applicant { phone } } } } } }";

  beforeAll(async () => {
    ({ gateway, lenders: [lender] } = await startWithPersonas({ lenders: ["Ledger"] }));
    for (const subject of ["dee", "eli"]) {
      const identity = uniqueIdentity();
      const token = await gateway.token("applicant", subject);
      const applicationId = await submitApplication(gateway, token, identity);
      await choose(gateway, token, applicationId, lender.id, ALL_CATEGORIES);
      const [row] = await gateway.dataSource.query("SELECT applicant_id FROM applications WHERE id = ?", [applicationId]);
      people.push({ applicationId, applicantId: row.applicant_id, identity });
    }
  });

  afterAll(async () => gateway?.stop());

  async function sealedPhoneOf(applicantId: string): Promise<string> {
    const [row] = await gateway.dataSource.query("SELECT phone FROM applicants WHERE id = ?", [applicantId]);
    return row.phone;
  }

  it("a sealed phone copied into another applicant's row is refused, never served as that applicant's phone", async () => {
    const [dee, eli] = people;
    const deeOwn = await sealedPhoneOf(dee.applicantId);
    // An operator with write access to the database moves Eli's sealed phone into Dee's row.
    await gateway.dataSource.query("UPDATE applicants SET phone = ? WHERE id = ?", [await sealedPhoneOf(eli.applicantId), dee.applicantId]);
    try {
      const result = await gateway.request(PHONES, {}, lender.apiKey);
      // One error, on Dee's phone alone, saying nothing of the value; Dee's phone is null.
      const errors = result.body.errors ?? [];
      expect(errors).toHaveLength(1);
      expect(errors[0].extensions?.code).toBe("INTERNAL_SERVER_ERROR");
      const edges = result.body.data?.leads.edges as Array<{ node: { application: { id: string; applicant: { phone: string | null } } } }>;
      const refused = edges[errors[0].path?.[2] as number].node.application;
      expect(refused).toEqual({ id: dee.applicationId, applicant: { phone: null } });
      // Eli's phone appears once (Eli's own lead), never a second time under Dee's application.
      expect(edges.find(edge => edge.node.application.id === eli.applicationId)!.node.application.applicant.phone).toBe(eli.identity.phone);
      expect(result.text.split(eli.identity.phone)).toHaveLength(2);
      expect(result.text).not.toContain(dee.identity.phone);
    } finally {
      await gateway.dataSource.query("UPDATE applicants SET phone = ? WHERE id = ?", [deeOwn, dee.applicantId]);
    }
  });

  it("positive twin: with each sealed value back in its own row, each applicant's phone reads as its own", async () => {
    const page = expectData(await gateway.request(PHONES, {}, lender.apiKey));
    expect(page.leads.edges.map((edge: any) => edge.node.application.applicant.phone).sort())
      .toEqual(people.map(person => person.identity.phone).sort());
  });
});
