import { Field, Float, ID, Int, ObjectType } from "type-graphql";
import { Column, Entity, PrimaryColumn } from "typeorm";
import { TIMESTAMP } from "./columns";

@ObjectType({ description: "A lender's offer on its lead. A new offer on the same lead revises it." })
@Entity("offers")
export class Offer {
  @Field(_type => ID)
  @PrimaryColumn({ type: "varchar", length: 36 })
  id: string;

  @Column({ name: "lead_id", type: "varchar", length: 36 })
  leadId: string;

  @Field(_type => Float, { description: "Annual percentage rate, in percent." })
  @Column({ type: "double" })
  apr: number;

  @Field(_type => Int, { description: "Whole CNY." })
  @Column({ type: "int" })
  amount: number;

  @Field(_type => Int)
  @Column({ name: "term_months", type: "int" })
  termMonths: number;

  @Field(_type => Date, { nullable: true })
  @Column({ name: "expires_at", ...TIMESTAMP, nullable: true })
  expiresAt: Date | null;

  @Field()
  @Column({ name: "created_at", ...TIMESTAMP })
  createdAt: Date;
}
