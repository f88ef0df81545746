import { TestLender, expectData } from "../support/flow";
import { GraphQLResult, TestGateway } from "../support/gateway";
import { startWithPersonas } from "../support/personas";

const VIEWER = "query { viewer { id role } }";
const codes = (result: GraphQLResult) => (result.body.errors ?? []).map(error => error.extensions?.code);

/** RFC 7235 section 2.1: the auth scheme is case-insensitive; the credential stays exact. */
describe("the Authorization scheme is matched in any case", () => {
  let gateway: TestGateway;
  let lender: TestLender;
  let applicant: string;

  beforeAll(async () => {
    ({ gateway, applicant, lenders: [lender] } = await startWithPersonas({ lenders: ["Scheme"] }));
  });

  afterAll(async () => gateway?.stop());

  const as = (authorization: string) => gateway.request(VIEWER, {}, undefined, { authorization });

  it.each(["Bearer", "bearer", "BEARER", "bEaReR"])("scheme %s: an applicant JWT and a lender key authenticate", async scheme => {
    expect(expectData(await as(`${scheme} ${applicant}`)).viewer).toEqual({ id: "alice", role: "APPLICANT" });
    expect(expectData(await as(`${scheme} ${lender.apiKey}`)).viewer).toEqual({ id: lender.id, role: "LENDER" });
  });

  it.each<[string, () => string]>([
    ["another scheme (Basic) with a valid JWT", () => `Basic ${applicant}`],
    ["another scheme (Basic) with a valid key", () => `Basic ${lender.apiKey}`],
    ["the scheme alone", () => "bearer"],
    ["a key with its secret's case changed", () => `bearer ${lender.apiKey.slice(0, 20)}${swapCase(lender.apiKey.slice(20))}`],
    ["a JWT with its case changed", () => `bearer ${swapCase(applicant)}`],
  ])("negative twin: %s is UNAUTHENTICATED (401)", async (_name, header) => {
    const result = await as(header());
    expect(result.status).toBe(401);
    expect(codes(result)).toEqual(["UNAUTHENTICATED"]);
    expect(result.body.data ?? null).toBeNull();
  });
});

function swapCase(text: string): string {
  return [...text].map(char => (char === char.toUpperCase() ? char.toLowerCase() : char.toUpperCase())).join("");
}
