import { Directive, Field, ID, ObjectType } from "type-graphql";
import type { PiiKeyring } from "../privacy/encryption";
import type { ApplicantRecord } from "../model/applicant.entity";
import { type IdentityField, openIdentityField } from "../privacy/applicant-identity-store";
import { type AgeBand, AgeBandScalar, type IncomeBand, IncomeBandScalar } from "../model/bands";
import { RegionCodeScalar, RegionNameScalar } from "../regions/region.scalars";
import { regionNameOf } from "../regions/region-lookup";

/**
 * The applicant as reached through one application. Which identity fields resolve depends on
 * who asks and on the consents of *this* application, so the view carries the application id.
 * Every field here is either @pii or on the non-identifying list of src/privacy/pii-schema-check.ts,
 * and every field that is not @pii is a closed vocabulary (no free text reaches a lender outside
 * the consent gate); start-up refuses anything else.
 */
@ObjectType("Applicant", { description: "An applicant, seen through one application. Identity fields need consent." })
export class ApplicantView {
  static idFor(applicationId: string): string {
    return `applicant-of-${applicationId}`;
  }

  /**
   * One id per application, never the person's: a lender that was given identity on one
   * application must not be able to recognise the same person on a later, anonymized one.
   */
  @Field(_type => ID, { description: "Identifies the applicant of this application only; another application of the same person has another id." })
  id: string;

  @Field(_type => RegionNameScalar, { description: "The city of the application, by its official name (e.g. `成都市`)." })
  get city(): string {
    // A stored value that is no known code goes to the scalar as it is, and the scalar refuses
    // it: free text in the column is never sent.
    return regionNameOf(this.regionCode) ?? this.regionCode;
  }

  @Field(_type => RegionCodeScalar, { description: "The city of the application, by its GB/T 2260 code (e.g. `510100`)." })
  regionCode: string;

  @Field(_type => AgeBandScalar, { description: "Derived from the birth date in the resident ID number, e.g. `25-34`." })
  ageBand: AgeBand;

  @Field(_type => IncomeBandScalar, { nullable: true, description: "Derived from monthly income, e.g. `6000_9999` (CNY)." })
  incomeBand: IncomeBand | null;

  // Identity getters decrypt. @pii enforcement calls them only after the gate allowed the read,
  // so a denied read never decrypts anything.
  @Field(_type => String, { nullable: true })
  @Directive("@pii(category: NAME)")
  get fullName(): string | null {
    return this.open("fullName");
  }

  @Field(_type => String, { nullable: true, description: "Resident ID number (GB 11643-1999)." })
  @Directive("@pii(category: NATIONAL_ID)")
  get nationalId(): string | null {
    return this.open("nationalId");
  }

  @Field(_type => String, { nullable: true, description: "Mainland mobile number, 11 digits." })
  @Directive("@pii(category: PHONE)")
  get phone(): string | null {
    return this.open("phone");
  }

  @Field(_type => String, { nullable: true })
  @Directive("@pii(category: EMAIL)")
  get email(): string | null {
    return this.open("email");
  }

  /** Not fields: what the access rule needs to decide and audit, and the sealed values. */
  applicantId: string;
  applicationId: string;
  applicantSubject: string;
  record: ApplicantRecord;
  keyring: PiiKeyring;

  private open(field: IdentityField): string | null {
    return openIdentityField(this.keyring, this.record, field);
  }
}
