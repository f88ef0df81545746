import { generateKeyPair } from "jose";
import { LenderPublicKey } from "../../src/model/lender-public-key.entity";
import { PiiCategory } from "../../src/model/pii-category";
import { APPROVE_CHANGE, ISSUE_KEY } from "../support/documents";
import { type TestLender, choose, expectData, leadIdFor, onboardLender, submitApplication } from "../support/flow";
import type { GraphQLResult, TestGateway } from "../support/gateway";
import { uniqueIdentity } from "../support/identities";
import { startProductionGateway } from "../support/identity-providers";
import { REGISTER_KEY, clientAssertion, lenderKeyPair, registerApprovedKey, requestToken } from "../support/lender-keys";
import { setLenderStatus, startWithPersonas } from "../support/personas";

const AUDIENCE = "https://gateway.test";
const VIEWER = "query { viewer { id role } }";
const PHONE_READ = "query($lead: ID!) { lead(id: $lead) { application { applicant { phone } } } }";
const KEYS = "query($id: ID!) { lender(id: $id) { publicKeys { id kid algorithm label approvedAt revokedAt lastUsedAt } } }";
const REVOKE_PUBLIC_KEY = "mutation($id: ID!) { revokeLenderPublicKey(id: $id) { id revokedAt } }";

const codes = (result: GraphQLResult) => (result.body.errors ?? []).map(error => error.extensions?.code);

/** Lenders authenticate with keys they generated; the gateway never holds or shows a lender secret. */
describe("lender public keys and POST /oauth/token", () => {
  let gateway: TestGateway;
  let admin: string;
  let secondAdmin: string;
  let applicant: string;

  beforeAll(async () => {
    ({ gateway, admin, secondAdmin, applicant } = await startWithPersonas({ env: { GATEWAY_ISSUER: AUDIENCE } }));
  });
  afterAll(async () => gateway?.stop());

  async function tokenFor(pair: Awaited<ReturnType<typeof lenderKeyPair>>, lenderId: string): Promise<string> {
    const answer = await requestToken(gateway, await clientAssertion(pair, lenderId, AUDIENCE));
    expect(answer.status).toBe(200);
    return answer.body.access_token as string;
  }

  describe("registering a key", () => {
    it("takes effect only when a second admin approves; its kid is the RFC 7638 thumbprint", async () => {
      const lender = await onboardLender(gateway, admin, "Keyholder", []);
      const pair = await lenderKeyPair("ES256");
      const change = expectData(await gateway.request(REGISTER_KEY, { lenderId: lender.id, jwk: JSON.stringify(pair.publicJwk) }, admin)).registerLenderPublicKey;
      expect(change).toMatchObject({ kind: "REGISTER_LENDER_KEY", status: "PENDING", requestedBy: "ops-1" });
      const [key] = expectData(await gateway.request(KEYS, { id: lender.id }, admin)).lender.publicKeys;
      expect(key).toMatchObject({ kid: pair.kid, algorithm: "ES256", approvedAt: null, revokedAt: null });
      // Not yet approved: the key signs nothing.
      expect((await requestToken(gateway, await clientAssertion(pair, lender.id, AUDIENCE))).body).toEqual({ error: "invalid_client" });
      expect(codes(await gateway.request(APPROVE_CHANGE, { id: change.id }, admin))).toEqual(["FORBIDDEN"]);
      expectData(await gateway.request(APPROVE_CHANGE, { id: change.id }, secondAdmin));
      const token = await tokenFor(pair, lender.id);
      expect(expectData(await gateway.request(VIEWER, {}, token)).viewer).toEqual({ id: lender.id, role: "LENDER" });
    });

    it("one key is one key: the same public key in another base64url spelling is found registered, revoked or not", async () => {
      const lender = await onboardLender(gateway, admin, "Respelled", []);
      const pair = await lenderKeyPair("ES256");
      expectData(await gateway.request(REGISTER_KEY, { lenderId: lender.id, jwk: JSON.stringify(pair.publicJwk) }, admin));
      // 32 bytes in 43 base64url characters leave 2 spare bits in the last one: flip one.
      const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
      const x = pair.publicJwk.x as string;
      const respelled = { ...pair.publicJwk, x: x.slice(0, -1) + alphabet[alphabet.indexOf(x.slice(-1)) ^ 1] };
      const again = await gateway.request(REGISTER_KEY, { lenderId: lender.id, jwk: JSON.stringify(respelled) }, admin);
      expect(codes(again)).toEqual(["BAD_USER_INPUT"]);
      expect(await gateway.dataSource.getRepository(LenderPublicKey).countBy({ lenderId: lender.id })).toBe(1);
    });

    it.each([
      ["a private key", async () => {
        const { privateKey } = await generateKeyPair("ES256", { extractable: true });
        return JSON.stringify(await (await import("jose")).exportJWK(privateKey));
      }],
      ["an RSA key", async () => JSON.stringify(await (await import("jose")).exportJWK((await generateKeyPair("RS256", { extractable: true })).publicKey))],
      ["a P-384 key", async () => JSON.stringify(await (await import("jose")).exportJWK((await generateKeyPair("ES384", { extractable: true })).publicKey))],
      ["a symmetric key", async () => JSON.stringify({ kty: "oct", k: "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA" })],
      ["not JSON", async () => "{ kty: EC"],
      ["a point not on the curve", async () => JSON.stringify({ ...(await lenderKeyPair()).publicJwk, x: "AAAA" })],
    ])("refuses %s (BAD_USER_INPUT on publicKeyJwk) and stores nothing", async (_name, jwk) => {
      const lender = await onboardLender(gateway, admin, `Refused${Math.random().toString(36).slice(2, 7)}`, []);
      const result = await gateway.request(REGISTER_KEY, { lenderId: lender.id, jwk: await jwk() }, admin);
      expect(codes(result)).toEqual(["BAD_USER_INPUT"]);
      expect(result.body.errors?.[0].extensions?.field).toBe("publicKeyJwk");
      expect(await gateway.dataSource.getRepository(LenderPublicKey).countBy({ lenderId: lender.id })).toBe(0);
      // Twin: an EdDSA public key is taken.
      expect(codes(await gateway.request(REGISTER_KEY, { lenderId: lender.id, jwk: JSON.stringify((await lenderKeyPair("EdDSA")).publicJwk) }, admin))).toEqual([]);
    });
  });

  describe("the token endpoint", () => {
    let lender: TestLender;
    let pair: Awaited<ReturnType<typeof lenderKeyPair>>;

    beforeAll(async () => {
      lender = await onboardLender(gateway, admin, "Assertive");
      pair = await registerApprovedKey(gateway, admin, secondAdmin, lender.id, "EdDSA");
    });

    it("answers an access token as RFC 6749 §5.1 says, not cacheable", async () => {
      const answer = await requestToken(gateway, await clientAssertion(pair, lender.id, AUDIENCE));
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ access_token: expect.stringMatching(/^lat_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/), token_type: "Bearer", expires_in: 600 });
      expect(answer.headers.get("cache-control")).toBe("no-store");
    });

    it("refuses a replayed assertion (invalid_grant); a fresh jti is taken", async () => {
      const assertion = await clientAssertion(pair, lender.id, AUDIENCE);
      expect((await requestToken(gateway, assertion)).status).toBe(200);
      expect(await requestToken(gateway, assertion)).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
      expect((await requestToken(gateway, await clientAssertion(pair, lender.id, AUDIENCE))).status).toBe(200);
    });

    it.each<[string, () => Promise<string>]>([
      ["a wrong audience", async () => clientAssertion(pair, lender.id, "https://elsewhere.test")],
      ["an expired assertion", async () => clientAssertion(pair, lender.id, AUDIENCE, { issuedAt: Math.floor(Date.now() / 1000) - 400, lifetimeSeconds: 120 })],
      ["a lifetime over 300 s", async () => clientAssertion(pair, lender.id, AUDIENCE, { lifetimeSeconds: 600 })],
      ["an unknown kid", async () => clientAssertion(pair, lender.id, AUDIENCE, { kid: "not-a-registered-kid" })],
      ["another key under the registered kid", async () => clientAssertion(pair, lender.id, AUDIENCE, { key: (await generateKeyPair("EdDSA")).privateKey })],
      ["another lender as iss and sub", async () => clientAssertion(pair, "00000000-0000-4000-8000-000000000000", AUDIENCE)],
      ["no jti", async () => clientAssertion(pair, lender.id, AUDIENCE, { claims: { jti: undefined } })],
      ["an audience beside the gateway", async () => clientAssertion(pair, lender.id, AUDIENCE, { claims: { aud: [AUDIENCE, "https://elsewhere.test"] } })],
    ])("refuses %s (invalid_client, 401, no detail)", async (_name, make) => {
      expect(await requestToken(gateway, await make())).toMatchObject({ status: 401, body: { error: "invalid_client" } });
    });

    it("refuses another grant type and a missing assertion type", async () => {
      const assertion = await clientAssertion(pair, lender.id, AUDIENCE);
      expect(await requestToken(gateway, assertion, { grant_type: "password" })).toMatchObject({ status: 400, body: { error: "unsupported_grant_type" } });
      expect(await requestToken(gateway, assertion, { client_assertion_type: "urn:other" })).toMatchObject({ status: 400, body: { error: "invalid_request" } });
    });
  });

  describe("every request re-checks the key and the lender", () => {
    it("a revoked key's unexpired access token is refused on the next request; the key gets no new token", async () => {
      const lender = await onboardLender(gateway, admin, "Revoked");
      const pair = await registerApprovedKey(gateway, admin, secondAdmin, lender.id);
      const token = await tokenFor(pair, lender.id);
      expect(codes(await gateway.request(VIEWER, {}, token))).toEqual([]);
      const [key] = expectData(await gateway.request(KEYS, { id: lender.id }, admin)).lender.publicKeys;
      expect(key.lastUsedAt).not.toBeNull();
      expectData(await gateway.request(REVOKE_PUBLIC_KEY, { id: key.id }, admin));
      expect(codes(await gateway.request(VIEWER, {}, token))).toEqual(["UNAUTHENTICATED"]);
      expect((await requestToken(gateway, await clientAssertion(pair, lender.id, AUDIENCE))).body).toEqual({ error: "invalid_client" });
    });

    it("a suspended lender gets no new token, and its token reads no identity (LENDER_SUSPENDED) from the next request", async () => {
      const lender = await onboardLender(gateway, admin, "Suspended");
      const pair = await registerApprovedKey(gateway, admin, secondAdmin, lender.id);
      const applicationId = await submitApplication(gateway, applicant, uniqueIdentity());
      await choose(gateway, applicant, applicationId, lender.id, [PiiCategory.PHONE]);
      const lead = await leadIdFor(gateway, lender, applicationId);
      const token = await tokenFor(pair, lender.id);
      expect(expectData(await gateway.request(PHONE_READ, { lead }, token)).lead.application.applicant.phone).toEqual(expect.any(String));
      await setLenderStatus(gateway, admin, lender, "SUSPENDED");
      const read = await gateway.request(PHONE_READ, { lead }, token);
      expect(read.body.errors?.map(error => error.extensions?.reason)).toEqual(["LENDER_SUSPENDED"]);
      expect((await requestToken(gateway, await clientAssertion(pair, lender.id, AUDIENCE))).body).toEqual({ error: "invalid_client" });
    });
  });

  describe("in production", () => {
    let production: Awaited<ReturnType<typeof startProductionGateway>>;
    beforeAll(async () => {
      production = await startProductionGateway({ GATEWAY_ISSUER: AUDIENCE });
    });
    afterAll(async () => production?.gateway.stop());

    it("platform-issued keys are refused (FORBIDDEN, PLATFORM_ISSUED_KEYS_DISABLED); the lender's own key works", async () => {
      const { gateway: prod, admin: ops1, staff } = production;
      const ops2 = await staff.sign({ sub: "ops-2" });
      const created = expectData(await prod.request(`mutation { createLender(input: { name: "Prod", legalName: "Prod Finance Co., Ltd.",
        contactEmail: "privacy@prod.example", criteria: { minAmount: 1000, maxAmount: 500000, minTermMonths: 1, maxTermMonths: 60 } }) { id } }`, {}, ops1));
      const lenderId = created.createLender.id;
      const refused = await prod.request(ISSUE_KEY, { id: lenderId, label: "platform" }, ops1);
      expect(codes(refused)).toEqual(["FORBIDDEN"]);
      expect(refused.body.errors?.[0].extensions?.reason).toBe("PLATFORM_ISSUED_KEYS_DISABLED");
      const pair = await lenderKeyPair();
      const change = expectData(await prod.request(REGISTER_KEY, { lenderId, jwk: JSON.stringify(pair.publicJwk) }, ops1)).registerLenderPublicKey;
      expectData(await prod.request(APPROVE_CHANGE, { id: change.id }, ops2));
      const answer = await requestToken(prod, await clientAssertion(pair, lenderId, AUDIENCE));
      expect(expectData(await prod.request(VIEWER, {}, answer.body.access_token as string)).viewer).toEqual({ id: lenderId, role: "LENDER" });
    });
  });
});
