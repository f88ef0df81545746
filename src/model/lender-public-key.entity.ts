import { Field, ID, ObjectType } from "type-graphql";
import { Column, Entity, PrimaryColumn } from "typeorm";
import { TIMESTAMP, jsonText } from "./columns";

/** The algorithms a lender's own key may sign client assertions with. */
export type LenderKeyAlgorithm = "ES256" | "EdDSA";

/**
 * A public key a lender generated and keeps the private half of: the gateway never holds or
 * shows a lender secret. It signs the lender's client assertions at POST /oauth/token once a
 * second admin approved its registration.
 */
@ObjectType({ description: "A public key the lender generated; the private key never leaves the lender." })
@Entity("lender_public_keys")
export class LenderPublicKey {
  @Field(_type => ID)
  @PrimaryColumn({ type: "varchar", length: 36 })
  id: string;

  @Column({ name: "lender_id", type: "varchar", length: 36 })
  lenderId: string;

  @Field({ description: "The key's RFC 7638 JWK thumbprint (SHA-256, base64url): the `kid` of the lender's client assertions." })
  @Column({ type: "varchar", length: 64, unique: true })
  kid: string;

  @Field({ description: "`ES256` (EC P-256) or `EdDSA` (Ed25519)." })
  @Column({ type: "varchar", length: 8 })
  algorithm: LenderKeyAlgorithm;

  /** The public JWK as registered (public members only). */
  @Column({ name: "public_jwk", type: "text", transformer: jsonText })
  publicJwk: Record<string, string>;

  @Field(_type => String, { nullable: true })
  @Column({ type: "varchar", length: 100, nullable: true })
  label: string | null;

  @Field()
  @Column({ name: "created_at", ...TIMESTAMP })
  createdAt: Date;

  @Field(_type => Date, { nullable: true, description: "When a second admin approved the registration; until then the key signs nothing." })
  @Column({ name: "approved_at", ...TIMESTAMP, nullable: true })
  approvedAt: Date | null;

  @Field(_type => Date, { nullable: true, description: "When the key last obtained an access token." })
  @Column({ name: "last_used_at", ...TIMESTAMP, nullable: true })
  lastUsedAt: Date | null;

  @Field(_type => Date, { nullable: true })
  @Column({ name: "revoked_at", ...TIMESTAMP, nullable: true })
  revokedAt: Date | null;
}
