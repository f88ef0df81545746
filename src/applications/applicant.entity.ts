import { Column, Entity, PrimaryColumn } from "typeorm";
import { TIMESTAMP } from "../common/columns";

/**
 * A person, keyed by the `sub` of their applicant token. Identity values live only here and
 * leave the server only through the @pii fields of `Applicant` (src/privacy decides).
 * Deliberately not an @ObjectType: the GraphQL `Applicant` is `ApplicantView`.
 */
@Entity("applicants")
export class ApplicantRecord {
  @PrimaryColumn({ type: "varchar", length: 36 })
  id: string;

  @Column({ type: "varchar", length: 128 })
  subject: string;

  @Column({ name: "full_name", type: "varchar", length: 100 })
  fullName: string;

  @Column({ name: "national_id", type: "varchar", length: 18 })
  nationalId: string;

  @Column({ type: "varchar", length: 11 })
  phone: string;

  @Column({ type: "varchar", length: 254, nullable: true })
  email: string | null;

  @Column({ name: "created_at", ...TIMESTAMP })
  createdAt: Date;

  @Column({ name: "updated_at", ...TIMESTAMP })
  updatedAt: Date;
}
