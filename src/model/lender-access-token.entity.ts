import { Column, Entity, PrimaryColumn } from "typeorm";
import { TIMESTAMP } from "./columns";

/**
 * An access token issued at POST /oauth/token against a lender's client assertion. Only the
 * SHA-256 of its secret is stored: the gateway cannot show or reuse it. Every request re-reads
 * the key it came from, so revoking the key ends its tokens on their next use.
 */
@Entity("lender_access_tokens")
export class LenderAccessToken {
  @PrimaryColumn({ type: "varchar", length: 16 })
  id: string;

  @Column({ name: "public_key_id", type: "varchar", length: 36 })
  publicKeyId: string;

  @Column({ name: "lender_id", type: "varchar", length: 36 })
  lenderId: string;

  @Column({ name: "secret_hash", type: "varchar", length: 64 })
  secretHash: string;

  @Column({ name: "created_at", ...TIMESTAMP })
  createdAt: Date;

  @Column({ name: "expires_at", ...TIMESTAMP })
  expiresAt: Date;
}

/** A client assertion's `jti`, kept until the assertion expires: a replay is refused, across instances. */
@Entity("client_assertion_jtis")
export class ClientAssertionJti {
  @PrimaryColumn({ name: "lender_id", type: "varchar", length: 36 })
  lenderId: string;

  @PrimaryColumn({ type: "varchar", length: 128 })
  jti: string;

  @Column({ name: "expires_at", ...TIMESTAMP })
  expiresAt: Date;
}
