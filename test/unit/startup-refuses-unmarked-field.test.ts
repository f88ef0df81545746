import { Field } from "type-graphql";
import { ApplicantView } from "../../src/applications/applicant.type";
import { buildGatewaySchema } from "../../src/schema";

// type-graphql reads class metadata once per process (per test file here), so the field is added
// before the first build. The positive twin, the shipped schema building, is schema-contract.test.ts.
describe("start-up, when an engineer adds an Applicant field and forgets @pii", () => {
  it("refuses the schema, naming the field", async () => {
    Field(_type => String, { nullable: true })(ApplicantView.prototype, "homeAddress");
    await expect(buildGatewaySchema()).rejects.toThrow("Applicant.homeAddress is neither @pii nor declared non-identifying");
  });
});
