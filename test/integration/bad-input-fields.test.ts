import { Application } from "../../src/model/application.entity";
import { ApplicantRecord } from "../../src/model/applicant.entity";
import { ApiKey } from "../../src/model/api-key.entity";
import { SUBMIT } from "../support/documents";
import { TestLender, applicationInput, expectData } from "../support/flow";
import { TestGateway } from "../support/gateway";
import { uniqueIdentity } from "../support/identities";
import { startWithPersonas } from "../support/personas";

/**
 * README: a BAD_USER_INPUT names the field in `extensions.field` and `fields`. The checks made
 * in code (BadUserInputError), not by class-validator, carry both too.
 */
describe("errors from checks made in code carry `field` and `fields`", () => {
  let gateway: TestGateway;
  let applicant: string;
  let admin: string;
  let lender: TestLender;
  const identity = uniqueIdentity();

  beforeAll(async () => {
    ({ gateway, applicant, admin, lenders: [lender] } = await startWithPersonas({ lenders: ["Fields"] }));
  });

  afterAll(async () => gateway?.stop());

  const written = async () => ({
    applications: await gateway.dataSource.getRepository(Application).count(),
    applicants: await gateway.dataSource.getRepository(ApplicantRecord).count(),
  });

  it.each<[string, Record<string, unknown>, string, string]>([
    ["an ID number with a wrong check character", { nationalId: `${identity.nationalId.slice(0, 17)}${identity.nationalId.endsWith("0") ? "1" : "0"}` }, "key-1", "nationalId"],
    ["a phone that is not a mainland mobile", { phone: "12345" }, "key-2", "phone"],
    ["an e-mail that is not one", { email: "not-an-address" }, "key-3", "email"],
    ["a blank city", { city: "   " }, "key-4", "city"],
    ["an idempotencyKey outside the allowed characters", {}, "has space", "idempotencyKey"],
  ])("%s", async (_name, change, key, field) => {
    const before = await written();
    const result = await gateway.request(SUBMIT, { input: applicationInput(identity, change), key }, applicant);
    expect(result.body.errors).toHaveLength(1);
    expect(result.body.errors![0].extensions).toEqual({ code: "BAD_USER_INPUT", field, fields: [field] });
    for (const value of [...Object.values(change).map(String), identity.nationalId, identity.phone]) expect(result.text).not.toContain(value);
    expect(await written()).toEqual(before);
  });

  it("an admin's out-of-range graceHours names graceHours; the key is not rotated", async () => {
    const result = await gateway.request(`mutation($id: ID!) { rotateApiKey(id: $id, graceHours: 10000) { secret } }`, { id: lender.apiKeyId }, admin);
    expect(result.body.errors![0].extensions).toEqual({ code: "BAD_USER_INPUT", field: "graceHours", fields: ["graceHours"] });
    expect(await gateway.dataSource.getRepository(ApiKey).countBy({ lenderId: lender.id })).toBe(1);
  });

  it("positive twin: the same input, corrected, is accepted", async () => {
    expect(expectData(await gateway.request(SUBMIT, { input: applicationInput(identity), key: "key-ok" }, applicant)).submitApplication.id).toEqual(expect.any(String));
  });
});
