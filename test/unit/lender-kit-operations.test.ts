import { readFileSync } from "node:fs";
import { GENERATED_FILE, generateOperations } from "../../examples/lender/codegen";

describe("the lender kit's typed operations", () => {
  it("match what GraphQL Code Generator makes of schema/schema.graphql and the operations (run `npm run codegen -w examples/lender`)", async () => {
    expect(readFileSync(GENERATED_FILE, "utf8")).toBe(await generateOperations());
  });

  it("are generated against the published schema: an operation naming a field it lacks fails", async () => {
    // The generator validates each operation against the schema; the kit cannot name a field the gateway does not serve.
    const { codegen } = await import("@graphql-codegen/core");
    const typescriptOperations = await import("@graphql-codegen/typescript-operations");
    const { parse } = await import("graphql");
    const schema = parse(readFileSync(`${__dirname}/../../schema/schema.graphql`, "utf8"));
    const generate = (operation: string) => codegen({
      filename: "check.ts", schema, config: {}, documents: [{ location: "check.graphql", document: parse(operation) }],
      plugins: [{ typescriptOperations: {} }], pluginMap: { typescriptOperations },
    });
    await expect(generate("query { leads(first: 1) { edges { node { id status } } } }")).resolves.toContain("status: LeadStatus");
    await expect(generate("query { leads(first: 1) { edges { node { id applicantName } } } }")).rejects.toThrow(/applicantName/);
  });
});
