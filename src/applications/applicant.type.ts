import { Directive, Field, ID, ObjectType } from "type-graphql";

/**
 * The applicant as reached through one application. Which identity fields resolve depends on
 * who asks and on the consents of *this* application, so the view carries the application id.
 * Every field here is either @pii or on the non-identifying list of src/privacy/pii-schema-check.ts;
 * start-up refuses anything else.
 */
@ObjectType("Applicant", { description: "An applicant, seen through one application. Identity fields need consent." })
export class ApplicantView {
  @Field(_type => ID)
  id: string;

  @Field({ description: "City of the application." })
  city: string;

  @Field({ description: "Derived from the birth date in the resident ID number, e.g. `25-34`." })
  ageBand: string;

  @Field(_type => String, { nullable: true, description: "Derived from monthly income, e.g. `6000_9999` (CNY)." })
  incomeBand: string | null;

  @Field(_type => String, { nullable: true })
  @Directive("@pii(category: NAME)")
  fullName: string | null;

  @Field(_type => String, { nullable: true, description: "Resident ID number (GB 11643-1999)." })
  @Directive("@pii(category: NATIONAL_ID)")
  nationalId: string | null;

  @Field(_type => String, { nullable: true, description: "Mainland mobile number, 11 digits." })
  @Directive("@pii(category: PHONE)")
  phone: string | null;

  @Field(_type => String, { nullable: true })
  @Directive("@pii(category: EMAIL)")
  email: string | null;

  /** Not fields: what the access rule needs to decide. */
  applicationId: string;
  applicantSubject: string;
}
