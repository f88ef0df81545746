import { buildSchema } from "graphql";
import { findPiiPolicyProblems } from "../../src/privacy/pii-schema-check";

const PREAMBLE = `
  directive @pii(category: PiiCategory!) on FIELD_DEFINITION
  enum PiiCategory { NAME NATIONAL_ID PHONE EMAIL }
  type Query { applicant: Applicant }
`;

function problemsOf(applicantFields: string, extra = ""): string[] {
  return findPiiPolicyProblems(buildSchema(`${PREAMBLE} type Applicant { ${applicantFields} } ${extra}`));
}

const COMPLIANT = `id: ID! city: String! ageBand: String! incomeBand: String
  fullName: String @pii(category: NAME) phone: String @pii(category: PHONE)`;

describe("the personal-data schema policy", () => {
  it("accepts a schema where every Applicant field is @pii or declared non-identifying", () => {
    expect(problemsOf(COMPLIANT)).toEqual([]);
  });

  it("refuses a new Applicant field that is neither @pii nor declared non-identifying", () => {
    expect(problemsOf(`${COMPLIANT} homeAddress: String`)).toEqual([
      "Applicant.homeAddress is neither @pii nor declared non-identifying",
    ]);
  });

  it("refuses a non-null @pii field, since a denial must be able to null it", () => {
    expect(problemsOf(`${COMPLIANT} email: String! @pii(category: EMAIL)`)).toEqual([
      "Applicant.email is @pii and must be nullable (a denial nulls it)",
    ]);
  });

  it("refuses @pii on a type that is not a personal-data type (the gate could not scope it)", () => {
    expect(problemsOf(COMPLIANT, `type Lender { contact: String @pii(category: PHONE) }`)).toEqual([
      "Lender.contact is @pii but Lender is not a personal-data type",
    ]);
  });

  it("refuses a schema without the Applicant type", () => {
    const schema = buildSchema(`${PREAMBLE.replace("type Query { applicant: Applicant }", "type Query { ok: Boolean }")}`);
    expect(findPiiPolicyProblems(schema)).toEqual(["personal-data type Applicant is missing"]);
  });
});
