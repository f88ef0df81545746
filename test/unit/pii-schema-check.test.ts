import { buildSchema } from "graphql";
import { findPiiPolicyProblems } from "../../src/privacy/pii-schema-check";
import { buildContractSchema } from "../../src/schema";

const PREAMBLE = `
  directive @pii(category: PiiCategory!) on FIELD_DEFINITION
  enum PiiCategory { NAME NATIONAL_ID PHONE EMAIL }
  enum LoanPurpose { CAR OTHER }
  scalar DateTime scalar RegionName scalar RegionCode scalar AgeBand scalar IncomeBand
  type Query { applicant: Applicant application: Application }
  type Lead { id: ID! note: String }
`;

const APPLICATION = `id: ID! amount: Int! apr: Float purpose: LoanPurpose! createdAt: DateTime! open: Boolean
  applicant: Applicant! leads: [Lead!]!`;

function problemsOf(applicantFields: string, extra = "", applicationFields = APPLICATION): string[] {
  return findPiiPolicyProblems(buildSchema(`${PREAMBLE} type Applicant { ${applicantFields} } type Application { ${applicationFields} } ${extra}`));
}

const COMPLIANT = `id: ID! city: RegionName! regionCode: RegionCode! ageBand: AgeBand! incomeBand: IncomeBand
  fullName: String @pii(category: NAME) phone: String @pii(category: PHONE)`;

describe("the personal-data schema policy", () => {
  it("accepts a schema where every Applicant field is @pii or declared non-identifying", () => {
    expect(problemsOf(COMPLIANT)).toEqual([]);
  });

  it("refuses a new Applicant field that is neither @pii nor declared non-identifying", () => {
    expect(problemsOf(`${COMPLIANT} homeAddress: RegionName`)).toEqual([
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

  it("refuses a schema without the Applicant or the Application type", () => {
    const schema = buildSchema(`${PREAMBLE.replace("type Query { applicant: Applicant application: Application }", "type Query { ok: Boolean }")}`);
    expect(findPiiPolicyProblems(schema)).toEqual(["personal-data type Applicant is missing", "lender-visible type Application is missing"]);
  });
});

describe("no free text reaches a lender outside @pii", () => {
  it.each([
    ["a declared non-identifying Applicant field", `${COMPLIANT.replace("city: RegionName!", "city: String!")}`, APPLICATION, "Applicant.city", "String"],
    ["an Applicant band as a String", `${COMPLIANT.replace("incomeBand: IncomeBand", "incomeBand: String")}`, APPLICATION, "Applicant.incomeBand", "String"],
    ["a new Application field", COMPLIANT, `${APPLICATION} remarks: String`, "Application.remarks", "String"],
    ["a list of strings on Application", COMPLIANT, `${APPLICATION} tags: [String!]!`, "Application.tags", "String"],
    ["an undeclared custom scalar", COMPLIANT, `${APPLICATION} note: Memo`, "Application.note", "Memo"],
  ])("refuses %s, naming the field", (_name, applicant, application, where, type) => {
    const extra = type === "Memo" ? "scalar Memo" : "";
    expect(problemsOf(applicant, extra, application)).toEqual([
      `${where} is a free ${type}; lenders reach it without consent, so it must be a closed vocabulary`,
    ]);
  });

  it("positive twin: enums, numbers, booleans, IDs, dates, declared scalars and object fields pass; @pii Strings too", () => {
    expect(problemsOf(COMPLIANT, "", APPLICATION)).toEqual([]);
  });

  it("leaves types lenders do not reach about an applicant alone (Lead.note is a String)", () => {
    expect(problemsOf(COMPLIANT)).toEqual([]);
  });

  it("the gateway's own schema passes", async () => {
    expect(findPiiPolicyProblems(await buildContractSchema())).toEqual([]);
  });
});
