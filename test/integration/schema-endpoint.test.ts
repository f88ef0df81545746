import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expectData } from "../support/flow";
import type { TestGateway } from "../support/gateway";
import { startProductionGateway } from "../support/identity-providers";
import { clientAssertion, registerApprovedKey, requestToken } from "../support/lender-keys";
import { startWithPersonas } from "../support/personas";

const COMMITTED = readFileSync(join(__dirname, "../../schema/schema.graphql"), "utf8");
const INTROSPECTION = "query { __schema { queryType { name } } }";

async function getSchema(gateway: TestGateway, token?: string, method = "GET") {
  const response = await fetch(gateway.url.replace(/\/graphql$/, "/schema.graphql"), {
    method, headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/**
 * GET /schema.graphql serves the published SDL, @pii directives included, to every authenticated
 * caller in every mode; without credentials it is 401. Introspection stays closed in production.
 */
describe("GET /schema.graphql", () => {
  describe("in development", () => {
    let gateway: TestGateway;
    let credentials: Record<string, string>;

    beforeAll(async () => {
      const personas = await startWithPersonas({ lenders: ["Reader"] });
      gateway = personas.gateway;
      credentials = { admin: personas.admin, applicant: personas.applicant, lender: personas.lenders[0].apiKey };
    });
    afterAll(async () => gateway?.stop());

    it.each(["admin", "applicant", "lender"])("serves the committed SDL with its @pii directives to the %s, as text/plain", async role => {
      const answer = await getSchema(gateway, credentials[role]);
      expect(answer.status).toBe(200);
      expect(answer.headers.get("content-type")).toBe("text/plain; charset=utf-8");
      expect(answer.headers.get("cache-control")).toBe("no-store");
      expect(answer.text).toBe(COMMITTED);
      expect(answer.text).toContain("nationalId: String @pii(category: NATIONAL_ID)");
      // Twin of production's closed introspection: here it is open.
      expect(expectData(await gateway.request(INTROSPECTION, {}, credentials[role])).__schema.queryType.name).toBe("Query");
    });

    it("a lender's fetch counts against its request quota and says so (RateLimit fields)", async () => {
      const answer = await getSchema(gateway, credentials.lender);
      expect(answer.headers.get("ratelimit-policy")).toMatch(/^"lender";q=\d+;w=60$/);
      expect(answer.headers.get("ratelimit")).toMatch(/^"lender";r=\d+;t=\d+$/);
    });

    it("401 without credentials or with bad ones, and nothing of the schema; 405 for another method", async () => {
      for (const token of [undefined, "not-a-token", "lk_0123456789abcdef_wrong"]) {
        const answer = await getSchema(gateway, token);
        expect(answer.status).toBe(401);
        expect(answer.headers.get("www-authenticate")).toBe("Bearer");
        expect(answer.text).not.toContain("@pii");
      }
      expect((await getSchema(gateway, credentials.admin, "POST")).status).toBe(405);
    });
  });

  describe("in production", () => {
    let gateway: TestGateway;
    let credentials: Record<string, string>;

    beforeAll(async () => {
      const production = await startProductionGateway();
      gateway = production.gateway;
      const secondAdmin = await production.staff.sign({ sub: "ops-2" });
      const created = expectData(await gateway.request(`mutation($input: CreateLenderInput!) { createLender(input: $input) { id } }`, {
        input: { name: "Prod", legalName: "Prod Finance Ltd.", contactEmail: "privacy@prod.example", criteria: { minAmount: 1000, maxAmount: 500000, minTermMonths: 1, maxTermMonths: 60 } },
      }, production.admin)).createLender;
      const pair = await registerApprovedKey(gateway, production.admin, secondAdmin, created.id);
      const token = await requestToken(gateway, await clientAssertion(pair, created.id, "https://gateway.example"));
      credentials = { admin: production.admin, applicant: production.applicant, lender: token.body.access_token as string };
    });
    afterAll(async () => gateway?.stop());

    it.each(["admin", "applicant", "lender"])("serves the SDL with @pii to the %s while introspection is closed", async role => {
      const answer = await getSchema(gateway, credentials[role]);
      expect(answer.status).toBe(200);
      expect(answer.text).toBe(COMMITTED);
      const introspection = await gateway.request(INTROSPECTION, {}, credentials[role]);
      expect(introspection.body.data ?? null).toBeNull();
      // Apollo's introspection-disabled rule fails validation.
      expect(introspection.body.errors?.[0].extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    });

    it("401 without credentials", async () => {
      const answer = await getSchema(gateway);
      expect(answer.status).toBe(401);
      expect(answer.text).not.toContain("@pii");
    });
  });
});
