import { Column, Entity, PrimaryColumn } from "typeorm";
import { TIMESTAMP } from "./columns";

/** A quota counter kept in the database (the default when REDIS_URL is unset). */
@Entity("quota_counters")
export class QuotaCounter {
  @PrimaryColumn({ name: "counter_key", type: "varchar", length: 200 })
  key: string;

  @Column({ type: "int" })
  count: number;

  @Column({ name: "expires_at", ...TIMESTAMP })
  expiresAt: Date;
}
