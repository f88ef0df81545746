import { createHash } from "node:crypto";
import { SET_PERMISSIONS } from "../support/documents";
import { ALL_CATEGORIES, TestLender, expectData } from "../support/flow";
import { TestGateway } from "../support/gateway";
import { startWithPersonas } from "../support/personas";

declare const __DATABASE_KIND__: "sqlite" | "mysql";
const onSqlite = typeof __DATABASE_KIND__ === "string" && __DATABASE_KIND__ === "mysql" ? it.skip : it;

/** Low enough to reach 429 in a few requests of the lender kept for it. */
const REQUESTS_PER_MINUTE = 2;

interface Answer {
  status: number;
  cacheControl: string | null;
  headers: Headers;
  body: any;
}

/** `"lender";r=1;t=42` -> { r: 1, t: 42 }: the RateLimit field's one item (IETF httpapi draft). */
function rateLimitOf(headers: Headers): { r: number; t: number } | null {
  const match = /^"lender";r=(\d+);t=(\d+)$/.exec(headers.get("ratelimit") ?? "");
  return match ? { r: Number(match[1]), t: Number(match[2]) } : null;
}

describe("/graphql responses: never stored by a cache, no automatic persisted queries", () => {
  let gateway: TestGateway;
  let admin: string;
  /** Lender requests count against REQUESTS_PER_MINUTE: `lender` is not used as a caller, `limited` only to reach 429. */
  let lender: TestLender;
  let limited: TestLender;

  beforeAll(async () => {
    ({ gateway, admin, lenders: [lender, limited] } = await startWithPersonas({
      env: { LENDER_REQUESTS_PER_MINUTE: String(REQUESTS_PER_MINUTE), REQUEST_TIMEOUT_SECONDS: "1" },
      lenders: ["Cache", "Limited"],
    }));
  });
  afterAll(async () => gateway?.stop());

  async function post(body: string, token?: string, contentType = "application/json"): Promise<Answer> {
    const response = await fetch(gateway.url, {
      method: "POST",
      headers: { "content-type": contentType, ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body,
    });
    const text = await response.text();
    let parsed: unknown = null;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = null;
    }
    return { status: response.status, cacheControl: response.headers.get("cache-control"), headers: response.headers, body: parsed };
  }

  const query = (document: string, variables: Record<string, unknown> = {}) => JSON.stringify({ query: document, variables });

  describe("Cache-Control: no-store on every answer", () => {
    it.each<[string, () => Promise<Answer>, number]>([
      ["data (200)", () => post(query("query { viewer { id } }"), admin), 200],
      ["an error of an operation the role may not call (200)", () => post(query("query { leads(first: 1) { edges { cursor } } }"), admin), 200],
      ["a syntax error (400)", () => post(query("query {"), admin), 400],
      ["a body that is not JSON (400)", () => post("{not json", admin), 400],
      ["no credentials (401)", () => post(query("query { viewer { id } }")), 401],
      ["a body over MAX_BODY_BYTES (413)", () => post(query("query { viewer { id } }", { pad: "x".repeat(1024 * 1024) }), admin), 413],
    ])("%s", async (_name, send, status) => {
      const answer = await send();
      expect(answer.status).toBe(status);
      expect(answer.cacheControl).toBe("no-store");
    });

    it("over the request rate (429, with Retry-After), and the positive twin before it (200); RateLimit fields count down", async () => {
      // Start in a fresh minute's window far enough from its end that the requests below share it.
      const secondOfMinute = new Date().getUTCSeconds();
      if (secondOfMinute > 50) await new Promise(resolve => setTimeout(resolve, (61 - secondOfMinute) * 1000));
      const answers: Answer[] = [];
      for (let i = 0; i <= REQUESTS_PER_MINUTE; i += 1) answers.push(await post(query("query { viewer { id } }"), limited.apiKey));
      expect(answers.map(answer => answer.status)).toEqual([...Array(REQUESTS_PER_MINUTE).fill(200), 429]);
      expect(answers[REQUESTS_PER_MINUTE].body.errors[0].extensions.code).toBe("RATE_LIMITED");
      for (const answer of answers) expect(answer.cacheControl).toBe("no-store");
      const refused = answers[REQUESTS_PER_MINUTE];
      const retryAfter = Number(refused.headers.get("retry-after"));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(refused.body.errors[0].extensions.retryAfterSeconds).toBe(retryAfter);
      for (const answer of answers) expect(answer.headers.get("ratelimit-policy")).toBe(`"lender";q=${REQUESTS_PER_MINUTE};w=60`);
      const remaining = answers.map(answer => rateLimitOf(answer.headers));
      expect(remaining.map(state => state?.r)).toEqual([1, 0, 0]);
      expect(remaining[REQUESTS_PER_MINUTE]?.t).toBe(retryAfter);
      // Twin: the 200s before it carry no Retry-After.
      for (const answer of answers.slice(0, REQUESTS_PER_MINUTE)) expect(answer.headers.get("retry-after")).toBeNull();
    });

    it("answers to admins and applicants carry no RateLimit fields: the request quota is a lender key's", async () => {
      const answer = await post(query("query { viewer { id } }"), admin);
      expect(answer.status).toBe(200);
      expect(answer.headers.get("ratelimit")).toBeNull();
      expect(answer.headers.get("ratelimit-policy")).toBeNull();
    });

    it("past the request deadline (503): the database holds the row the request must write", async () => {
      // MySQL: the test's transaction holds the lender's row, so the request's update waits on
      // it; SQLite: the transaction holds the one connection, so the request's statements wait.
      let answer: Answer | undefined;
      await gateway.dataSource.transaction(async manager => {
        await manager.query("UPDATE lenders SET name = name WHERE id = ?", [lender.id]);
        answer = await post(query(SET_PERMISSIONS, { id: lender.id, categories: ALL_CATEGORIES }), admin);
      });
      expect(answer!.status).toBe(503);
      expect(answer!.body.errors[0].extensions.code).toBe("SERVICE_UNAVAILABLE");
      expect(answer!.cacheControl).toBe("no-store");
      expect(answer!.headers.get("retry-after")).toBe("1");
    });

    // On MySQL a held row lock meets the request deadline first (the test above).
    onSqlite("a lock conflict met by a resolver is a 503 with Retry-After too (SQLite: the file held past the busy timeout)", async () => {
      // Another connection holds the file's write lock: the gateway's write fails with SQLITE_BUSY.
      // The driver the gateway uses (it ships no type declarations): a second connection to the file.
      const Database = require("better-sqlite3") as new (path: string, options: { timeout: number }) => {
        prepare(sql: string): { run(): unknown };
        close(): void;
      };
      const other = new Database(gateway.databaseUrl.replace(/^sqlite:/, ""), { timeout: 0 });
      other.prepare("BEGIN IMMEDIATE").run();
      let answer: Answer;
      try {
        answer = await post(query(SET_PERMISSIONS, { id: lender.id, categories: ALL_CATEGORIES }), admin);
      } finally {
        other.prepare("ROLLBACK").run();
        other.close();
      }
      expect(answer.body.errors[0].extensions.code).toBe("SERVICE_UNAVAILABLE");
      expect(answer.status).toBe(503);
      expect(answer.headers.get("retry-after")).toBe("1");
    });
  });

  describe("automatic persisted queries are off (their cache would be shared by every caller)", () => {
    const document = "query { viewer { id } }";
    const hash = createHash("sha256").update(document).digest("hex");
    const persisted = { persistedQuery: { version: 1, sha256Hash: hash } };

    it("a hash-only request is refused with PERSISTED_QUERY_NOT_SUPPORTED, with no data", async () => {
      const answer = await post(JSON.stringify({ extensions: persisted }), admin);
      expect(answer.body.data ?? null).toBeNull();
      expect(answer.body.errors.map((error: any) => error.extensions.code)).toEqual(["PERSISTED_QUERY_NOT_SUPPORTED"]);
      expect(answer.cacheControl).toBe("no-store");
    });

    it("registering (document and hash together) is refused the same way, so no later hash-only request can find it", async () => {
      const answer = await post(JSON.stringify({ query: document, extensions: persisted }), admin);
      expect(answer.body.errors.map((error: any) => error.extensions.code)).toEqual(["PERSISTED_QUERY_NOT_SUPPORTED"]);
      const again = await post(JSON.stringify({ extensions: persisted }), await gateway.token("applicant", "apq-other"));
      expect(again.body.errors.map((error: any) => error.extensions.code)).toEqual(["PERSISTED_QUERY_NOT_SUPPORTED"]);
    });

    it("positive twin: the same document sent as a normal request is answered", async () => {
      const answer = await post(query(document), admin);
      expect(answer.status).toBe(200);
      expect(answer.body.data.viewer.id).toEqual(expect.any(String));
    });
  });

  it("positive twin of the deadline: once the row is free, the same change is answered", async () => {
    expect(expectData(await gateway.request(SET_PERMISSIONS, { id: lender.id, categories: ALL_CATEGORIES }, admin))
      .setFieldPermissions.permittedCategories).toEqual([...ALL_CATEGORIES].sort());
  });
});
