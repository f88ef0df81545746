import { Field } from "type-graphql";
import { Application } from "../../src/model/application.entity";
import { buildGatewaySchema } from "../../src/schema";

// type-graphql reads class metadata once per process (per test file here), so the field is added
// before the first build. The positive twin, the shipped schema passing, is pii-schema-check.test.ts.
describe("start-up, when an engineer adds a free-text field to Application", () => {
  it("refuses the schema, naming the field", async () => {
    Field(_type => String, { nullable: true })(Application.prototype, "remarks");
    await expect(buildGatewaySchema()).rejects.toThrow(
      "Application.remarks is a free String; lenders reach it without consent, so it must be a closed vocabulary",
    );
  });
});
