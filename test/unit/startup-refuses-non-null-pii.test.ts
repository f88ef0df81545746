import { Directive, Field } from "type-graphql";
import { ApplicantView } from "../../src/applications/applicant.type";
import { buildGatewaySchema } from "../../src/schema";

// Added before the first build, as in startup-refuses-unmarked-field.test.ts.
describe("start-up, when a @pii field is declared non-null", () => {
  it("refuses the schema, since a denial must be able to null the field", async () => {
    Directive("@pii(category: PHONE)")(ApplicantView.prototype, "workPhone");
    Field(_type => String)(ApplicantView.prototype, "workPhone");
    await expect(buildGatewaySchema()).rejects.toThrow("Applicant.workPhone is @pii and must be nullable");
  });
});
