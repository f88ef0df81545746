import { Column, Entity, PrimaryColumn } from "typeorm";
import { TIMESTAMP } from "./columns";

/**
 * The identity one applicant submitted with ONE application: every submission writes a new row,
 * so what is read through application X is exactly what was submitted with X, never a later
 * submission's values (DESIGN.md: identity resolves per application). `subject` (the `sub` of
 * the applicant token) is shared by all rows of one person. Identity values live only here, sealed
 * with AES-256-GCM (src/privacy/encryption.ts; see src/applications/applicant-identity-store.ts),
 * and leave the server only through the @pii fields of `Applicant`, opened after src/privacy
 * allowed the read. Null after erasure. Deliberately not an @ObjectType: the GraphQL
 * `Applicant` is `ApplicantView`.
 */
@Entity("applicants")
export class ApplicantRecord {
  @PrimaryColumn({ type: "varchar", length: 36 })
  id: string;

  @Column({ type: "varchar", length: 128 })
  subject: string;

  @Column({ name: "full_name", type: "text", nullable: true })
  fullNameSealed: string | null;

  @Column({ name: "national_id", type: "text", nullable: true })
  nationalIdSealed: string | null;

  /** HMAC-SHA-256 of the normalized ID number under a key derived from PII_ENCRYPTION_KEY. */
  @Column({ name: "national_id_hash", type: "varchar", length: 64, nullable: true })
  nationalIdHash: string | null;

  @Column({ name: "phone", type: "text", nullable: true })
  phoneSealed: string | null;

  @Column({ name: "email", type: "text", nullable: true })
  emailSealed: string | null;

  /** When the identity values were destroyed (by the applicant or the retention job). */
  @Column({ name: "erased_at", ...TIMESTAMP, nullable: true })
  erasedAt: Date | null;

  @Column({ name: "created_at", ...TIMESTAMP })
  createdAt: Date;

  @Column({ name: "updated_at", ...TIMESTAMP })
  updatedAt: Date;
}
