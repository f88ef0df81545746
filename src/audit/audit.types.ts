import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { MaxLength } from "class-validator";
import { Lender } from "../model/lender.entity";
import { AccessOutcome, ReaderKind } from "../model/pii-access.type";
import { DenialReason } from "../privacy/consent-policy";
import { QuotaReason } from "../errors/rate-limited.error";

/** Every reason a read is logged DENIED with: the access rule's, and the daily budget's. */
export const AccessReason = { ...DenialReason, DAILY_READ_BUDGET: QuotaReason.DAILY_READ_BUDGET } as const;
export type AccessReason = (typeof AccessReason)[keyof typeof AccessReason];
registerEnumType(AccessReason, { name: "AccessReason", description: "Why an identity read was denied, as PiiAccess.reason holds it." });

@InputType({ description: "Narrows the audit log; every given field must match." })
export class AuditFilter {
  @Field(_type => ID, { nullable: true }) @MaxLength(64) lenderId?: string | null;
  @Field(_type => ID, { nullable: true }) @MaxLength(64) applicationId?: string | null;
  @Field(_type => AccessOutcome, { nullable: true }) outcome?: AccessOutcome | null;
  @Field(_type => ReaderKind, { nullable: true, description: "Lenders', applicants' own or staff reads." }) readerKind?: ReaderKind | null;
  @Field(_type => AccessReason, { nullable: true, description: "Denied reads with this reason." }) reason?: AccessReason | null;
  @Field(_type => Date, { nullable: true, description: "Inclusive." }) from?: Date | null;
  @Field(_type => Date, { nullable: true, description: "Exclusive." }) to?: Date | null;
}

@ObjectType({ description: "One lender's referral funnel in a period [from, to)." })
export class LenderReferralStats {
  @Field(_type => Lender) lender: Lender;
  @Field(_type => Int, { description: "Leads created in the period." }) leads: number;
  @Field(_type => Int, { description: "Offers made in the period." }) offers: number;
  @Field(_type => Int, { description: "Consents granted to the lender in the period (the applicant chose it)." }) chosen: number;
  @Field(_type => Int, { description: "Leads reported APPROVED (or later FUNDED) and updated in the period." }) approved: number;
  @Field(_type => Int, { description: "Leads reported DECLINED and updated in the period." }) declined: number;
  @Field(_type => Int, { description: "Leads reported FUNDED and updated in the period." }) funded: number;
  // Float, not Int: a sum over up to 366 days passes 2^31 (~430 loans of 5,000,000); a GraphQL
  // Float holds whole numbers exactly up to 2^53.
  @Field(_type => Float, { description: "Sum of funded amounts, whole CNY (a whole number, exact up to 2^53)." }) fundedAmount: number;
  @Field(_type => Int, { description: "Identity field reads granted in the period." }) identityReads: number;
  @Field(_type => Int, { description: "Identity field reads denied in the period." }) deniedReads: number;
}
