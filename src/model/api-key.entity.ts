import { Field, ID, ObjectType } from "type-graphql";
import { Column, Entity, PrimaryColumn } from "typeorm";
import { TIMESTAMP } from "./columns";

@ObjectType({ description: "A lender's API key. The secret is never stored, only its SHA-256." })
@Entity("api_keys")
export class ApiKey {
  @Field(_type => ID)
  @PrimaryColumn({ type: "varchar", length: 16 })
  id: string;

  @Column({ name: "lender_id", type: "varchar", length: 36 })
  lenderId: string;

  @Field({ description: "The public part of the key, `lk_<id>`, to recognise it in logs and lists." })
  get prefix(): string {
    return `lk_${this.id}`;
  }

  @Column({ name: "secret_hash", type: "varchar", length: 64 })
  secretHash: string;

  @Field(_type => String, { nullable: true })
  @Column({ type: "varchar", length: 100, nullable: true })
  label: string | null;

  @Field()
  @Column({ name: "created_at", ...TIMESTAMP })
  createdAt: Date;

  @Field(_type => Date, {
    nullable: true,
    description: "When the key was last used, to within a minute: written on the first use after the value is a minute old.",
  })
  @Column({ name: "last_used_at", ...TIMESTAMP, nullable: true })
  lastUsedAt: Date | null;

  @Field(_type => Date, { nullable: true })
  @Column({ name: "revoked_at", ...TIMESTAMP, nullable: true })
  revokedAt: Date | null;

  @Field(_type => Date, { nullable: true, description: "From this instant the key is refused; set at issue or by rotation (end of grace)." })
  @Column({ name: "expires_at", ...TIMESTAMP, nullable: true })
  expiresAt: Date | null;

  /** The key that replaced this one by rotation: set, the key is in its grace period and is not rotated again. */
  @Column({ name: "replaced_by", type: "varchar", length: 16, nullable: true })
  replacedBy: string | null;
}

@ObjectType({ description: "A newly issued key: the only time its secret is ever shown." })
export class IssuedApiKey {
  @Field({ description: "The full `lk_<id>_<secret>` credential. Store it now; it cannot be shown again." })
  secret: string;

  @Field(_type => ApiKey)
  apiKey: ApiKey;
}
