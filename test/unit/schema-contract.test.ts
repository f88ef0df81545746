import { readFileSync } from "node:fs";
import { isNonNullType } from "graphql";
import { buildContractSchema, buildGatewaySchema } from "../../src/schema";
import { SCHEMA_FILE, printContract } from "../../src/schema-sdl";

describe("the published schema", () => {
  it("matches the committed schema/schema.graphql (run `npm run schema:emit` after changing resolvers)", async () => {
    const emitted = printContract(await buildContractSchema());
    expect(readFileSync(SCHEMA_FILE, "utf8")).toBe(emitted);
  });

  it("carries @pii on exactly the four identity fields, each nullable", async () => {
    const sdl = readFileSync(SCHEMA_FILE, "utf8");
    expect(sdl).toContain("directive @pii(category: PiiCategory!) on FIELD_DEFINITION");
    const usages = [...sdl.matchAll(/^\s+(\w+): (\S+) @pii\(category: (\w+)\)$/gm)].map(m => [m[1], m[2], m[3]]);
    expect(usages.sort()).toEqual([
      ["email", "String", "EMAIL"],
      ["fullName", "String", "NAME"],
      ["nationalId", "String", "NATIONAL_ID"],
      ["phone", "String", "PHONE"],
    ]);
  });

  it("keeps every root field of the public contract in DESIGN.md", async () => {
    const schema = await buildGatewaySchema();
    const queries = Object.keys(schema.getQueryType()!.getFields()).sort();
    const mutations = Object.keys(schema.getMutationType()!.getFields()).sort();
    expect(queries).toEqual(expect.arrayContaining([
      "application", "auditLog", "lead", "leads", "lender", "lenders", "myAccessLog", "myApplications", "referralReport", "viewer",
    ]));
    expect(mutations).toEqual(expect.arrayContaining([
      "chooseLender", "createLender", "issueApiKey", "makeOffer", "reportOutcome", "revokeApiKey", "setFieldPermissions",
      "setLenderStatus", "submitApplication", "withdrawApplication", "withdrawConsent",
    ]));
    const submit = schema.getMutationType()!.getFields().submitApplication;
    expect(submit.args.map(arg => `${arg.name}: ${arg.type}`).sort()).toEqual([
      "idempotencyKey: String!", "input: SubmitApplicationInput!",
    ]);
    expect(isNonNullType(submit.type)).toBe(true);
  });

  it("names the fideslang category of each PiiCategory in its description", async () => {
    const sdl = readFileSync(SCHEMA_FILE, "utf8");
    for (const taxonomy of ["user.name", "user.government_id.national_identification_number", "user.contact.phone_number", "user.contact.email"]) {
      expect(sdl).toContain(`fideslang: ${taxonomy}`);
    }
  });
});
