import { lastRecordSeq } from "../support/access-log";
import { Lender } from "../../src/model/lender.entity";
import { GraphQLResult, TestGateway } from "../support/gateway";
import { startProductionGateway } from "../support/identity-providers";
import { TestLender, expectData } from "../support/flow";
import { startWithPersonas } from "../support/personas";

const codes = (result: GraphQLResult) => (result.body.errors ?? []).map(error => error.extensions?.code);
const reasons = (result: GraphQLResult) => (result.body.errors ?? []).map(error => error.extensions?.reason);

/** A refused document: a coded error naming the limit, and no data at all. */
function expectRefused(result: GraphQLResult, reason: string): void {
  expect(result.status).toBe(400);
  expect(result.body.data ?? null).toBeNull();
  expect(codes(result)).toContain("GRAPHQL_VALIDATION_FAILED");
  expect(reasons(result)).toContain(reason);
}

/** Depth 8 and 9: leads > edges > node > application > leads > application > (leads > application >) leaf. */
const DEPTH_8 = "query { leads(first: 1) { edges { node { application { leads { application { applicant { city } } } } } } } }";
const DEPTH_9 = "query { leads(first: 1) { edges { node { application { leads { application { leads { application { id } } } } } } } } }";

describe("query limits: each refused before any resolver, with a coded error and its positive twin", () => {
  let gateway: TestGateway;
  let admin: string;
  let lender: TestLender;

  beforeAll(async () => {
    ({ gateway, admin, lenders: [lender] } = await startWithPersonas({ lenders: ["Limits"] }));
  });
  afterAll(async () => gateway?.stop());

  /** Sends raw text as the body, the way a scanner does. */
  async function post(body: string, headers: Record<string, string> = {}, token = lender.apiKey) {
    const response = await fetch(gateway.url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}`, ...headers },
      body,
    });
    const text = await response.text();
    let parsed: any = null;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = null;
    }
    return { status: response.status, body: parsed ?? {}, text };
  }

  describe("depth (default 8)", () => {
    it("a query 9 levels deep is refused with MAX_DEPTH", async () => {
      expectRefused(await gateway.request(DEPTH_9, {}, lender.apiKey), "MAX_DEPTH");
    });
    it("positive twin: 8 levels are answered", async () => {
      expect(expectData(await gateway.request(DEPTH_8, {}, lender.apiKey)).leads).toBeDefined();
    });
    it("fragments are expanded when measuring", async () => {
      const query = `query { leads(first: 1) { ...E } } fragment E on LeadConnection { edges { node { application { leads { application { leads { application { id } } } } } } } }`;
      expectRefused(await gateway.request(query, {}, lender.apiKey), "MAX_DEPTH");
    });
  });

  describe("aliases (default 15)", () => {
    const aliased = (count: number) => `query { ${Array.from({ length: count }, (_, i) => `a${i}: viewer { id }`).join(" ")} }`;
    it("16 aliases are refused with MAX_ALIASES", async () => {
      expectRefused(await gateway.request(aliased(16), {}, lender.apiKey), "MAX_ALIASES");
    });
    it("positive twin: 15 aliases are answered", async () => {
      expect(Object.keys(expectData(await gateway.request(aliased(15), {}, lender.apiKey)))).toHaveLength(15);
    });
    it("aliases inside a fragment count at every spread", async () => {
      const fragment = `fragment F on Viewer { ${Array.from({ length: 8 }, (_, i) => `f${i}: id`).join(" ")} }`;
      expectRefused(await gateway.request(`query { a: viewer { ...F } b: viewer { ...F } } ${fragment}`, {}, lender.apiKey), "MAX_ALIASES");
    });
  });

  describe("tokens (default 2000)", () => {
    it("a document of more than 2000 tokens is refused while parsing", async () => {
      const result = await gateway.request(`query { viewer { ${"id ".repeat(2100)} } }`, {}, lender.apiKey);
      expect(result.status).toBe(400);
      expect(codes(result)).toEqual(["GRAPHQL_PARSE_FAILED"]);
      expect(result.body.data ?? null).toBeNull();
    });
    it("positive twin: a long but smaller document is parsed", async () => {
      const result = await gateway.request(`query { viewer { id role } } ${"# comment\n".repeat(500)}`, {}, lender.apiKey);
      expect(expectData(result).viewer.role).toBe("LENDER");
    });
  });

  describe("cost (default 20000; a paged list costs its `first`)", () => {
    // Depth 8, 3 aliases: each node costs ~245, so first: 100 is ~24,500 and first: 1 is ~245.
    const branch = "application { leads { application { applicant { city ageBand incomeBand fullName phone } } } }";
    const expensive = `query($n: Int!) { leads(first: $n) { edges { node { a: ${branch} b: ${branch} c: ${branch} } } } }`;
    it("a cheap shape with a large `first` through a variable is refused with MAX_COST", async () => {
      expectRefused(await gateway.request(expensive, { n: 100 }, lender.apiKey), "MAX_COST");
    });
    it("positive twin: the same document with first: 1 is answered", async () => {
      expect(expectData(await gateway.request(expensive, { n: 1 }, lender.apiKey)).leads.edges).toEqual([]);
    });
    // The variable's declared default is what execution uses when none is sent, so it is what is measured.
    const throughDefault = (n: number) =>
      `query($n: Int = ${n}) { leads(first: $n) { edges { node { a: ${branch} b: ${branch} c: ${branch} } } } }`;
    it("a `first` over the limit only through its variable's default, sent without variables, is refused with MAX_COST", async () => {
      expectRefused(await gateway.request(throughDefault(100), {}, lender.apiKey), "MAX_COST");
    });
    it("positive twin: the same document with a sent value (which overrides the default) is answered", async () => {
      expect(expectData(await gateway.request(throughDefault(100), { n: 1 }, lender.apiKey)).leads.edges).toEqual([]);
    });
    it("positive twin: a small default, sent without variables, is answered", async () => {
      expect(expectData(await gateway.request(throughDefault(1), {}, lender.apiKey)).leads.edges).toEqual([]);
    });
    it("refusal happens before any resolver: no identity read is logged", async () => {
      const before = await lastRecordSeq(gateway.dataSource);
      await gateway.request(expensive, { n: 100 }, lender.apiKey);
      expect(await lastRecordSeq(gateway.dataSource)).toBe(before);
    });
  });

  describe("first is capped at 100 on every connection", () => {
    it.each(["leads", "lenders"])("%s(first: 101) is BAD_USER_INPUT naming first; first: 100 is answered", async field => {
      const token = field === "leads" ? lender.apiKey : admin;
      const over = await gateway.request(`query { ${field}(first: 101) { edges { cursor } } }`, {}, token);
      expect(codes(over)).toEqual(["BAD_USER_INPUT"]);
      expect(over.body.errors?.[0].extensions?.field).toBe("first");
      expect(expectData(await gateway.request(`query { ${field}(first: 100) { edges { cursor } } }`, {}, token))[field]).toBeDefined();
    });
  });

  describe("body size (default 1 MiB)", () => {
    it("a larger body is refused with 413 and BAD_REQUEST before parsing", async () => {
      const result = await post(JSON.stringify({ query: "query { viewer { id } }", variables: { pad: "x".repeat(1024 * 1024) } }));
      expect(result.status).toBe(413);
      expect(result.body.errors?.[0].extensions?.code).toBe("BAD_REQUEST");
    });
    it("positive twin: a body just under the cap is served", async () => {
      const result = await post(JSON.stringify({ query: "query { viewer { role } }", variables: { pad: "x".repeat(1000 * 1000) } }));
      expect(result.status).toBe(200);
      expect(result.body.data.viewer.role).toBe("LENDER");
    });
  });

  describe("the graphql-cop checks, each as graphql-cop sends it", () => {
    it("alias overloading: 101 aliases of __typename get no data", async () => {
      const aliases = Array.from({ length: 101 }, (_, i) => `alias${i}:__typename \n`).join("");
      const result = await post(JSON.stringify({ query: `query { ${aliases} }` }));
      expectRefused(result, "MAX_ALIASES");
    });

    it("batch queries: an array of operations is refused; a single operation is served", async () => {
      const batch = await post(JSON.stringify([{ query: "query { __typename }" }, { query: "query { __typename }" }]));
      expect(batch.status).toBe(400);
      expect(Array.isArray(batch.body)).toBe(false);
      expect(batch.text).not.toContain("\"__typename\"");
      const single = await post(JSON.stringify({ query: "query { __typename }" }));
      expect(single.body.data).toEqual({ __typename: "Query" });
    });

    it("directive overloading: ten directives on one field are refused with MAX_DIRECTIVES", async () => {
      const result = await post(JSON.stringify({ query: "query { __typename @aa@aa@aa@aa@aa@aa@aa@aa@aa@aa }" }));
      expectRefused(result, "MAX_DIRECTIVES");
      const twin = await post(JSON.stringify({ query: "query { __typename @include(if: true) @skip(if: false) }" }));
      expect(twin.body.data).toEqual({ __typename: "Query" });
    });

    it("circular introspection: refused by depth even where introspection is open", async () => {
      const query = "query { __schema { types { fields { type { fields { type { fields { type { fields { type { name } } } } } } } } } } }";
      expectRefused(await post(JSON.stringify({ query }), {}, admin), "MAX_DEPTH");
      const twin = await post(JSON.stringify({ query: "query { __schema { queryType { name } } }" }), {}, admin);
      expect(twin.body.data.__schema.queryType.name).toBe("Query");
    });

    it("field duplication: 500 repetitions of __typename are refused with MAX_FIELD_REPEATS", async () => {
      const result = await post(JSON.stringify({ query: `query { ${"__typename \n".repeat(500)}} ` }));
      expectRefused(result, "MAX_FIELD_REPEATS");
      const twin = await post(JSON.stringify({ query: "query { __typename __typename }" }));
      expect(twin.body.data).toEqual({ __typename: "Query" });
    });

    it("GET-based mutation: never runs, with or without a preflight header; a GET query does", async () => {
      const before = await gateway.dataSource.getRepository(Lender).count();
      const mutation = `mutation { createLender(input: { name: "Get", legalName: "Get Co.", contactEmail: "a@get.example",
        criteria: { minAmount: 1000, maxAmount: 2000, minTermMonths: 1, maxTermMonths: 3 } }) { id } }`;
      const url = `${gateway.url}?query=${encodeURIComponent(mutation)}`;
      const plain = await fetch(url, { headers: { authorization: `Bearer ${admin}` } });
      expect(plain.status).toBe(400); // CSRF prevention: a simple GET is refused outright
      const preflighted = await fetch(url, { headers: { authorization: `Bearer ${admin}`, "apollo-require-preflight": "true" } });
      expect(preflighted.status).toBe(405);
      expect(await gateway.dataSource.getRepository(Lender).count()).toBe(before);
      const query = await fetch(`${gateway.url}?query=${encodeURIComponent("query { viewer { role } }")}`,
        { headers: { authorization: `Bearer ${admin}`, "apollo-require-preflight": "true" } });
      expect(((await query.json()) as any).data.viewer.role).toBe("ADMIN");
    });

    it("trace mode: no tracing (or any) extensions in a response", async () => {
      const result = await post(JSON.stringify({ query: "query { __typename }" }));
      expect(result.body.data).toEqual({ __typename: "Query" });
      expect(result.body.extensions).toBeUndefined();
    });

    it("field suggestions: an unknown field gets a coded error without 'Did you mean'", async () => {
      const result = await post(JSON.stringify({ query: "query { leadz { edges { cursor } } }" }));
      expect(codes(result)).toEqual(["GRAPHQL_VALIDATION_FAILED"]);
      expect(result.text).not.toMatch(/did you mean/i);
      const typo = await post(JSON.stringify({ query: "query { __schema { directive } }" }), {}, admin);
      expect(typo.text).not.toMatch(/did you mean/i);
      expect(codes(typo)).toEqual(["GRAPHQL_VALIDATION_FAILED"]);
    });

    it("unhandled error detection: a malformed document gets a coded error with no exception or stack", async () => {
      const result = await post(JSON.stringify({ query: "qwerty cop { abc }" }));
      expect(codes(result)).toEqual(["GRAPHQL_PARSE_FAILED"]);
      expect(result.body.errors[0].extensions.exception).toBeUndefined();
      expect(result.body.errors[0].extensions.stacktrace).toBeUndefined();
      expect(result.text).not.toMatch(/\bat .*\.(ts|js):\d+/);
    });

    it("charset / POST-based CSRF: form-encoded and text/plain posts are refused; JSON is served", async () => {
      const form = await fetch(gateway.url, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Bearer ${lender.apiKey}` },
        body: `query=${encodeURIComponent("query {__typename}")}`,
      });
      expect(form.status).toBe(400);
      expect(await form.text()).not.toContain("\"__typename\"");
      const text = await post(JSON.stringify({ query: "query { __typename }" }), { "content-type": "text/plain; charset=utf-7" });
      expect(text.status).toBe(400);
      expect(text.text).not.toContain("\"__typename\"");
      const json = await post(JSON.stringify({ query: "query { __typename }" }), { "content-type": "application/json; charset=utf-8" });
      expect(json.body.data).toEqual({ __typename: "Query" });
    });

    it("development keeps introspection and the landing page (the twins of the production checks below)", async () => {
      expect((await post(JSON.stringify({ query: "query { __schema { queryType { name } } }" }), {}, admin)).body.data).toBeDefined();
      const page = await fetch(gateway.url, { headers: { accept: "text/html" } });
      expect(page.status).toBe(200);
      expect(page.headers.get("content-type")).toContain("text/html");
    });
  });
});

describe("NODE_ENV=production: introspection and the landing page are closed", () => {
  let gateway: TestGateway;
  let admin: string;

  beforeAll(async () => {
    ({ gateway, admin } = await startProductionGateway());
  });
  afterAll(async () => gateway?.stop());

  it("introspection in production: __schema is refused, a plain query is served", async () => {
    const refused = await gateway.request("query { __schema { queryType { name } } }", {}, admin);
    expect(refused.body.data ?? null).toBeNull();
    expect(codes(refused)).toEqual(["GRAPHQL_VALIDATION_FAILED"]);
    expect(expectData(await gateway.request("query { viewer { role } }", {}, admin)).viewer.role).toBe("ADMIN");
  });

  it("landing page in production: a browser GET gets no HTML page", async () => {
    const page = await fetch(gateway.url, { headers: { accept: "text/html" } });
    expect(page.headers.get("content-type") ?? "").not.toContain("text/html");
    expect(await page.text()).not.toMatch(/<html/i);
  });
});
