import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";
import { BIGINT_NUMBER, TIMESTAMP } from "./columns";
import type { PiiCategory } from "./pii-category";
import type { AccessOutcome, ReaderKind } from "./pii-access.type";

/** One field of an access record: which identity field was read, its category, and the decision. Never the value. */
export interface FieldRead {
  field: string;
  category: PiiCategory;
  outcome: AccessOutcome;
  /** Why it was denied (NO_CONSENT, DAILY_READ_BUDGET, …); null when granted. */
  reason: string | null;
  /** The consent the decision rested on, granted or not; null where none applied. */
  consentId: string | null;
}

/**
 * The audit record of one request's identity reads of one application by one reader: who read,
 * when, with which credential, and each field read with its decision, in the order the response
 * asked for them. Written before any value of the request leaves. The public view is one
 * `PiiAccess` per field (src/audit/access-log-view.ts); the record is the unit the transparency
 * log hashes into a leaf.
 */
@Entity("access_records")
export class AccessRecord {
  /**
   * Auto-increment, internal only: shown, it would tell how many records the gateway wrote in all.
   * On one server it follows insertion order; on Galera each node hands out its own residue class
   * (auto_increment_increment/offset), so values interleave across nodes and say nothing of commit
   * order. Nothing relies on that order (src/transparency-log/sequencer.ts says why).
   */
  @PrimaryGeneratedColumn({ type: "int" })
  seq: number;

  /** A random UUID given at insert (src/privacy/access-log-writer.ts). */
  @Column({ type: "varchar", length: 36 })
  id: string;

  @Column({ ...TIMESTAMP })
  at: Date;

  /** The request that read (`x-request-id` of its log line); null for records converted from the per-field log, whose request is unknown. */
  @Column({ name: "request_id", type: "varchar", length: 36, nullable: true })
  requestId: string | null;

  @Column({ name: "reader_kind", type: "varchar", length: 16 })
  readerKind: ReaderKind;

  /** The lender that read; null for the applicant's and staff reads. */
  @Column({ name: "lender_id", type: "varchar", length: 36, nullable: true })
  lenderId: string | null;

  /** The staff member (`sub`) or applicant subject that read; null for lenders. Never shown to the applicant. */
  @Column({ name: "reader_subject", type: "varchar", length: 128, nullable: true })
  readerSubject: string | null;

  /**
   * Random (16 bytes, base64) when `readerSubject` is set: the transparency log's leaf holds a
   * commitment to the subject made with it, so a leaf shown to the applicant does not name the
   * staff member who read. Null for lenders.
   */
  @Column({ name: "reader_salt", type: "varchar", length: 24, nullable: true })
  readerSalt: string | null;

  /** The lender credential that read: its API key id or public key id. */
  @Column({ name: "credential_id", type: "varchar", length: 36, nullable: true })
  credentialId: string | null;

  @Column({ name: "applicant_id", type: "varchar", length: 36 })
  applicantId: string;

  @Column({ name: "application_id", type: "varchar", length: 36 })
  applicationId: string;

  /** Each field read, as JSON (`FieldRead[]`); see `encodeFieldReads`. (READS is a reserved word in MySQL.) */
  @Column({ name: "field_reads", type: "text" })
  reads: string;

  /** How many of `reads` were granted and denied: what the reports and the outcome filter count without decoding `reads`. */
  @Column({ name: "granted_reads", type: "int" })
  grantedReads: number;

  @Column({ name: "denied_reads", type: "int" })
  deniedReads: number;

  /** Of the denied reads, those refused by the lender's daily budget: they say nothing about consent (anomalies leave them out). */
  @Column({ name: "budget_denied_reads", type: "int" })
  budgetDeniedReads: number;

  /**
   * The hash of the record's leaf (base64), computed from the record as written: what the
   * sequencer appends. Null for records written before it was kept; the sequencer encodes those.
   * `audit:verify` never trusts it: it rebuilds every leaf from the other columns.
   */
  @Column({ name: "leaf_hash", type: "varchar", length: 44, nullable: true })
  leafHash: string | null;

  /** The record's leaf in the transparency log; null until the sequencer has appended it. */
  @Column({ name: "log_index", ...BIGINT_NUMBER, nullable: true })
  logIndex: number | null;
}

/** `reads` as stored: a JSON array of objects with exactly the keys of FieldRead, in that order. */
export function encodeFieldReads(reads: readonly FieldRead[]): string {
  return JSON.stringify(reads.map(read => ({ field: read.field, category: read.category, outcome: read.outcome, reason: read.reason, consentId: read.consentId })));
}

export function decodeFieldReads(text: string): FieldRead[] {
  const parsed: unknown = JSON.parse(text);
  if (!Array.isArray(parsed)) throw new Error("access record reads: not a list");
  return parsed as FieldRead[];
}
