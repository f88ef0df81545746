import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { generateKeyPair } from "jose";
import { type GraphQLResult, type TestGateway, startTestGateway } from "../support/gateway";
import { type TestIdentityProvider, createTestIdentityProvider, identityProviderEnv, startProductionGateway } from "../support/identity-providers";

const VIEWER = "query { viewer { id role } }";
const ADMIN_ONLY = "query { lenders(first: 1) { edges { node { id } } } }";

const codes = (result: GraphQLResult) => (result.body.errors ?? []).map(error => error.extensions?.code);

function expectUnauthenticated(result: GraphQLResult): void {
  expect(result.status).toBe(401);
  expect(result.body.data ?? null).toBeNull();
  expect(codes(result)).toEqual(["UNAUTHENTICATED"]);
}

/** Applicant and admin tokens from the supermarket's identity providers, played here by keys the test generates. */
describe("identity provider tokens", () => {
  let applicants: TestIdentityProvider;
  let staff: TestIdentityProvider;

  beforeAll(async () => {
    applicants = await createTestIdentityProvider("applicants", "ES256");
    staff = await createTestIdentityProvider("staff", "EdDSA");
  });

  describe("in production", () => {
    let gateway: TestGateway;

    beforeAll(async () => {
      ({ gateway, applicants, staff } = await startProductionGateway());
    });
    afterAll(async () => gateway?.stop());

    it("an applicant IdP token is an applicant, whose id is its sub", async () => {
      const token = await applicants.sign({ sub: "person-17" });
      expect((await gateway.request(VIEWER, {}, token)).body.data?.viewer).toEqual({ id: "person-17", role: "APPLICANT" });
    });

    it("a staff IdP token is an admin, a person named by its sub, and may call admin operations", async () => {
      const token = await staff.sign({ sub: "zhang.wei" });
      expect((await gateway.request(VIEWER, {}, token)).body.data?.viewer).toEqual({ id: "zhang.wei", role: "ADMIN" });
      expect(codes(await gateway.request(ADMIN_ONLY, {}, token))).toEqual([]);
    });

    it("a `role: admin` claim in an applicant IdP token changes nothing: still an applicant, refused admin operations", async () => {
      const token = await applicants.sign({ sub: "person-18", role: "admin" });
      expect((await gateway.request(VIEWER, {}, token)).body.data?.viewer).toEqual({ id: "person-18", role: "APPLICANT" });
      expect(codes(await gateway.request(ADMIN_ONLY, {}, token))).toEqual(["FORBIDDEN"]);
    });

    it("the applicant IdP's key signing the staff issuer and audience is not an admin (nor anyone)", async () => {
      const forged = await applicants.sign({ sub: "zhang.wei", iss: staff.issuer, aud: staff.audience, role: "admin" });
      expectUnauthenticated(await gateway.request(VIEWER, {}, forged));
    });

    it("refuses a token past its exp, for another audience, of another issuer, without sub, with a malformed sub, without iat, or too old", async () => {
      const refused = [
        await applicants.sign({ sub: "p", exp: Math.floor(Date.now() / 1000) - 60 }),
        await applicants.sign({ sub: "p", aud: "someone-else" }),
        await applicants.sign({ sub: "p", iss: "https://idp.test/elsewhere" }),
        await applicants.sign({}),
        // A subject the database would store as another string (a lone UTF-16 half), or with a control character.
        await applicants.sign({ sub: "p\ud800" }),
        await applicants.sign({ sub: "p\u0000" }),
        // No iat, or issued more than a day ago: an IdP token is not a long-lived credential, whatever its exp.
        await applicants.sign({ sub: "p" }, { issuedAt: "none" }),
        await applicants.sign({ sub: "p", exp: Math.floor(Date.now() / 1000) + 3600 }, { issuedAt: Math.floor(Date.now() / 1000) - 2 * 86_400 }),
      ];
      for (const token of refused) expectUnauthenticated(await gateway.request(VIEWER, {}, token));
      // Twin: the same IdP's well-formed token passes.
      expect(codes(await gateway.request(VIEWER, {}, await applicants.sign({ sub: "p" })))).toEqual([]);
    });

    it("refuses a key the IdP does not publish, even under a published kid, and an alg the key is not for", async () => {
      const stranger = await generateKeyPair("ES256");
      expectUnauthenticated(await gateway.request(VIEWER, {}, await applicants.sign({ sub: "p" }, { key: stranger.privateKey })));
      const rsa = await generateKeyPair("RS256");
      expectUnauthenticated(await gateway.request(VIEWER, {}, await applicants.sign({ sub: "p" }, { key: rsa.privateKey, algorithm: "RS256" })));
    });

    it("refuses HS256 development tokens: nobody holding JWT_SECRET can mint an applicant or an admin", async () => {
      const development = await gateway.token("admin", "ops-1");
      expectUnauthenticated(await gateway.request(VIEWER, {}, development));
      expectUnauthenticated(await gateway.request(VIEWER, {}, await gateway.token("applicant", "alice")));
    });
  });

  describe("in development", () => {
    let gateway: TestGateway;

    beforeAll(async () => {
      gateway = await startTestGateway(identityProviderEnv(applicants, staff));
    });
    afterAll(async () => gateway?.stop());

    it("takes both development tokens and the IdPs' tokens", async () => {
      expect((await gateway.request(VIEWER, {}, await gateway.token("admin", "ops-1"))).body.data?.viewer).toEqual({ id: "ops-1", role: "ADMIN" });
      expect((await gateway.request(VIEWER, {}, await staff.sign({ sub: "li.na" }))).body.data?.viewer).toEqual({ id: "li.na", role: "ADMIN" });
    });
  });

  describe("keys fetched from the IdP's JWKS endpoint", () => {
    let gateway: TestGateway;
    let endpoint: Server;
    let answering = true;
    let fetches = 0;

    beforeAll(async () => {
      endpoint = createServer((_request, response) => {
        fetches += 1;
        if (!answering) {
          response.writeHead(503).end();
          return;
        }
        response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(staff.jwks));
      });
      await new Promise<void>(resolve => endpoint.listen(0, "127.0.0.1", resolve));
      const url = `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}/jwks`;
      const { ADMIN_JWKS_FILE: _file, ...env } = identityProviderEnv(applicants, staff);
      gateway = await startTestGateway({ ...env, ADMIN_JWKS_URL: url, JWKS_CACHE_MAX_AGE_SECONDS: "1", JWKS_COOLDOWN_SECONDS: "60" });
    });
    afterAll(async () => {
      await gateway?.stop();
      await new Promise(resolve => endpoint?.close(resolve));
    });

    it("verifies with the fetched keys, and keeps the keys last fetched through an outage of the endpoint", async () => {
      const token = await staff.sign({ sub: "wang.fang" });
      expect((await gateway.request(VIEWER, {}, token)).body.data?.viewer).toEqual({ id: "wang.fang", role: "ADMIN" });
      expect(fetches).toBe(1);
      answering = false;
      await new Promise(resolve => setTimeout(resolve, 1200)); // the cached keys are now stale
      expect((await gateway.request(VIEWER, {}, token)).body.data?.viewer).toEqual({ id: "wang.fang", role: "ADMIN" });
      expect(fetches).toBe(2);
      // Within the cool-down the endpoint is not asked again for every request.
      expect((await gateway.request(VIEWER, {}, token)).body.data?.viewer).toEqual({ id: "wang.fang", role: "ADMIN" });
      expect(fetches).toBe(2);
      // The last keys are kept, not widened: a key the IdP never published is still refused.
      const stranger = await generateKeyPair("EdDSA");
      expectUnauthenticated(await gateway.request(VIEWER, {}, await staff.sign({ sub: "wang.fang" }, { key: stranger.privateKey, kid: "unknown" })));
    });
  });
});
