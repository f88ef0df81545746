import { GraphQLResult, TestGateway } from "../support/gateway";
import { TestLender, expectData } from "../support/flow";
import { startWithPersonas } from "../support/personas";

/** Shaped like a resident ID number; a GraphQL name cannot start with a digit, so names carry it after a letter. */
const CANARY = "11010519850612123X";

interface Case {
  kind: string;
  document: string;
  operationName?: string;
  code: string;
  /** Where the offending text starts in the document (line 1), or null when the error has no position. */
  at: string | null;
}

const CASES: Case[] = [
  { kind: "a syntax error at a string", document: `query { viewer { id } "${CANARY}" }`, code: "GRAPHQL_PARSE_FAILED", at: `"${CANARY}"` },
  { kind: "a syntax error at a name", document: `query { viewer { id } } n${CANARY} {`, code: "GRAPHQL_PARSE_FAILED", at: `n${CANARY}` },
  { kind: "a syntax error at a number", document: `query { viewer(x: 1${CANARY}) { id } }`, code: "GRAPHQL_PARSE_FAILED", at: `X)` },
  { kind: "Cannot query field", document: `query { viewer { f${CANARY} } }`, code: "GRAPHQL_VALIDATION_FAILED", at: `f${CANARY}` },
  { kind: "Unknown type", document: `query { viewer { ... on T${CANARY} { id } } }`, code: "GRAPHQL_VALIDATION_FAILED", at: `T${CANARY}` },
  { kind: "Unknown directive", document: `query { viewer @d${CANARY} { id } }`, code: "GRAPHQL_VALIDATION_FAILED", at: `@d${CANARY}` },
  { kind: "Variable is not defined", document: `query { lead(id: $v${CANARY}) { id } }`, code: "GRAPHQL_VALIDATION_FAILED", at: `$v${CANARY}` },
  { kind: "Variable is never used", document: `query($u${CANARY}: Int) { viewer { id } }`, code: "GRAPHQL_VALIDATION_FAILED", at: `$u${CANARY}` },
  { kind: "Unknown argument", document: `query { viewer(a${CANARY}: 1) { id } }`, code: "GRAPHQL_VALIDATION_FAILED", at: `a${CANARY}` },
  { kind: "Unknown fragment", document: `query { viewer { ...F${CANARY} } }`, code: "GRAPHQL_VALIDATION_FAILED", at: `F${CANARY}` },
  {
    kind: "a fragment never used", document: `query { viewer { id } } fragment G${CANARY} on Viewer { id }`,
    code: "GRAPHQL_VALIDATION_FAILED", at: `fragment G${CANARY}`,
  },
  {
    kind: "an operation name used twice", document: `query O${CANARY} { viewer { id } } query O${CANARY} { viewer { role } }`,
    operationName: `O${CANARY}`, code: "GRAPHQL_VALIDATION_FAILED", at: `O${CANARY}`,
  },
  {
    kind: "an input field the type does not define, written inline", code: "GRAPHQL_VALIDATION_FAILED", at: `i${CANARY}`,
    document: `mutation { createLender(input: { name: "N", legalName: "N Co.", contactEmail: "a@n.example", i${CANARY}: 1,
      criteria: { minAmount: 1000, maxAmount: 2000, minTermMonths: 1, maxTermMonths: 3 } }) { id } }`,
  },
  { kind: "Unknown operation named", document: `query A { viewer { id } }`, operationName: `o${CANARY}`, code: "OPERATION_RESOLUTION_FAILURE", at: null },
];

/** Line and column (1-based) of `marker` in `document`, as graphql-js reports a location. */
function locationOf(document: string, marker: string): { line: number; column: number } {
  const offset = document.indexOf(marker);
  if (offset < 0) throw new Error(`marker not in document: ${marker}`);
  const before = document.slice(0, offset).split("\n");
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

describe("parse and validation errors never echo what the client sent", () => {
  let gateway: TestGateway;
  let admin: string;
  let lender: TestLender;

  beforeAll(async () => {
    ({ gateway, admin, lenders: [lender] } = await startWithPersonas({ lenders: ["Echo"] }));
  });
  afterAll(async () => gateway?.stop());

  async function send(document: string, operationName: string | undefined, token: string): Promise<GraphQLResult> {
    const response = await fetch(gateway.url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: document, variables: {}, ...(operationName ? { operationName } : {}) }),
    });
    const text = await response.text();
    return { status: response.status, body: JSON.parse(text), text };
  }

  it.each(CASES)("$kind: the code and position, never the canary", async ({ document, operationName, code, at }) => {
    const result = await send(document, operationName, document.startsWith("mutation") ? admin : lender.apiKey);
    expect(result.status).toBe(400);
    expect(result.body.data ?? null).toBeNull();
    expect(result.text).not.toContain(CANARY);
    const errors = result.body.errors ?? [];
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.map(error => error.extensions?.code)).toEqual(errors.map(() => code));
    if (at === null) {
      expect(errors[0]).not.toHaveProperty("locations");
    } else {
      const locations = errors.flatMap(error => (error as { locations?: unknown[] }).locations ?? []);
      expect(locations).toContainEqual(locationOf(document, at));
    }
  });

  it("positive twin: the same shapes, valid, are answered", async () => {
    expect(expectData(await send(`query { viewer { id } }`, undefined, lender.apiKey)).viewer.id).toBe(lender.id);
    expect(expectData(await send(`query A { viewer { id } } query B { viewer { role } }`, "B", lender.apiKey)).viewer.role).toBe("LENDER");
    expect(expectData(await send(`query { viewer { ...V } } fragment V on Viewer { id }`, undefined, lender.apiKey)).viewer.id).toBe(lender.id);
  });

  it("positive twin: a message naming only schema elements (a required field left out) is kept as written", async () => {
    const result = await send(`query { lead { id } }`, undefined, lender.apiKey);
    expect(result.body.errors?.map(error => [error.extensions?.code, error.message]))
      .toEqual([["GRAPHQL_VALIDATION_FAILED", `Field "lead" argument "id" of type "ID!" is required, but it was not provided.`]]);
  });

  it("a key its type does not define, sent in a variable, is BAD_USER_INPUT naming the object that holds it, never the key", async () => {
    const input = {
      name: "N", legalName: "N Co.", contactEmail: "a@n.example", [`k${CANARY}`]: 1,
      criteria: { minAmount: 1000, maxAmount: 2000, minTermMonths: 1, maxTermMonths: 3, [`c${CANARY}`]: 1 },
    };
    const result = await gateway.request(`mutation($input: CreateLenderInput!) { createLender(input: $input) { id } }`, { input }, admin);
    expect(result.text).not.toContain(CANARY);
    expect(result.body.errors?.map(error => error.extensions).sort((a, b) => String(a?.field).localeCompare(String(b?.field)))).toEqual([
      { code: "BAD_USER_INPUT", field: "criteria", fields: ["criteria"] },
      { code: "BAD_USER_INPUT", field: "input", fields: ["input"] },
    ]);
  });

  it("positive twin: a required field left out of a variable is named (a schema name)", async () => {
    const input = { name: "N", legalName: "N Co.", contactEmail: "a@n.example", criteria: { minAmount: 1000, maxAmount: 2000, minTermMonths: 1 } };
    const result = await gateway.request(`mutation($input: CreateLenderInput!) { createLender(input: $input) { id } }`, { input }, admin);
    expect(result.body.errors?.map(error => error.extensions)).toEqual([
      { code: "BAD_USER_INPUT", field: "criteria.maxTermMonths", fields: ["criteria.maxTermMonths"] },
    ]);
  });

  it("a required variable not sent is BAD_USER_INPUT naming the variable, as a bad value in it is", async () => {
    const result = await send(`query($id: ID!) { lead(id: $id) { id } }`, undefined, lender.apiKey);
    expect(result.body.errors?.map(error => error.extensions)).toEqual([{ code: "BAD_USER_INPUT", field: "id", fields: ["id"] }]);
  });
});
