import { Field, ID, Int, ObjectType } from "type-graphql";
import { Column, Entity, PrimaryColumn } from "typeorm";
import { TIMESTAMP, jsonText } from "./columns";
import { PiiCategory, decodeCategories } from "./pii-category";
import { LenderStatus } from "./lender-status";

@ObjectType({ description: "Which applications a lender wants as leads." })
export class LenderCriteria {
  @Field(_type => Int) minAmount: number;
  @Field(_type => Int) maxAmount: number;
  @Field(_type => Int) minTermMonths: number;
  @Field(_type => Int) maxTermMonths: number;
  @Field(_type => [String], {
    nullable: true,
    description: "Regions served, by official name: a province covers every city in it. Null means every city; " +
      "an empty list, no city (a list none of whose names named a division when names began to be checked).",
  })
  cities: string[] | null;
}

@ObjectType({ description: "A partner lender." })
@Entity("lenders")
export class Lender {
  @Field(_type => ID)
  @PrimaryColumn({ type: "varchar", length: 36 })
  id: string;

  @Field()
  @Column({ type: "varchar", length: 100 })
  name: string;

  @Field({ description: "The legal entity named to applicants in the consent notice." })
  @Column({ name: "legal_name", type: "varchar", length: 200 })
  legalName: string;

  @Field()
  @Column({ name: "contact_email", type: "varchar", length: 254 })
  contactEmail: string;

  @Field(_type => LenderStatus)
  @Column({ type: "varchar", length: 16 })
  status: LenderStatus;

  /** Categories an admin allows this lender to ever receive; sorted comma list. */
  @Column({ name: "permitted_categories", type: "varchar", length: 100, default: "" })
  permittedCategoriesStored: string;

  @Column({ name: "min_amount", type: "int" })
  minAmount: number;

  @Column({ name: "max_amount", type: "int" })
  maxAmount: number;

  @Column({ name: "min_term_months", type: "int" })
  minTermMonths: number;

  @Column({ name: "max_term_months", type: "int" })
  maxTermMonths: number;

  /**
   * GB/T 2260 codes of the provinces and cities served (src/regions), JSON; null: every city.
   * `[]` serves no city: what migration 1765200000000 left where no stored name named a division.
   */
  @Column({ name: "cities", type: "text", nullable: true, transformer: jsonText })
  servedRegionCodes: string[] | null;

  @Column({ name: "created_at", ...TIMESTAMP })
  createdAt: Date;

  /** Applicant field reads per UTC day set by an admin; null: LENDER_DAILY_READ_BUDGET. Shown to admins only. */
  @Column({ name: "daily_read_budget", type: "int", nullable: true })
  dailyReadBudget: number | null;

  /**
   * Goes up with every change of what the lender may receive (categories, status, budget, its
   * public keys). A change waiting for a second admin records it, and applies only if it is still
   * the same: a narrowing in between makes the change stale for good, even if the lender is put
   * back as it was.
   */
  @Column({ name: "access_version", type: "int", default: 0 })
  accessVersion: number;

  /**
   * Consents granted to the lender, counted by `chooseLender` in its transaction: the write that
   * makes a Galera cluster order a choice against a suspension or narrowing made through
   * another node (see migration 1766000000000). Not exposed.
   */
  @Column({ name: "consents_granted", type: "int", default: 0 })
  consentsGranted: number;

  @Field(_type => [PiiCategory])
  get permittedCategories(): PiiCategory[] {
    return decodeCategories(this.permittedCategoriesStored);
  }
}
