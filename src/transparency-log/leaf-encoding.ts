import { createHash } from "node:crypto";
import canonicalize from "canonicalize";
import { type AccessRecord, decodeFieldReads } from "../model/access-record.entity";
import { leafHash } from "../transparency/merkle-hash";
import type { AdminAction } from "../model/admin-action.entity";
import type { AdminChange } from "../model/admin-change.entity";

/**
 * The bytes of each leaf of the transparency log: the UTF-8 of the RFC 8785 (JCS) canonical JSON
 * of one record, so anyone holding the record's columns rebuilds the same bytes in any language.
 * Identifiers, field names, categories, outcomes, reasons, times (ISO 8601, milliseconds, UTC),
 * reader kinds and credentials; never an identity value. The README gives the exact members.
 *
 * Three kinds of record are leaves, told apart by `type`:
 * - `access`: an access record (one request's reads of one application by one reader);
 * - `admin-action`: a privileged act of a staff member;
 * - `admin-change`: a change one admin requested for a second to approve, as requested (its
 *   decision is the approving or rejecting admin's own `admin-action` leaf).
 */
export type LeafKind = "access" | "admin-action" | "admin-change";

export const LEAF_VERSION = 1;

/**
 * The leaf of any record: the record's own encoding, or, when the stored row cannot be encoded
 * (its reads are not JSON, a person without a salt: a row edited behind the gateway's back),
 * an `unreadable` leaf naming its kind and id. The log goes on and the damage is in it for
 * good, instead of one row stopping the sequencer and leaving every later record unsequenced.
 */
export function leafOf(kind: LeafKind, record: AccessRecord | AdminAction | AdminChange): { leaf: Buffer; readable: boolean } {
  try {
    if (kind === "access") return { leaf: accessLeaf(record as AccessRecord), readable: true };
    if (kind === "admin-action") return { leaf: adminActionLeaf(record as AdminAction), readable: true };
    return { leaf: adminChangeLeaf(record as AdminChange), readable: true };
  } catch {
    return { leaf: encode({ type: "unreadable", v: LEAF_VERSION, kind, id: String(record.id) }), readable: false };
  }
}

/**
 * The leaf hash (base64) of an access record about to be written, stored beside it for the
 * sequencer. It throws where `accessLeaf` throws: a record the gateway cannot encode is not written.
 */
export function accessLeafHash(record: Omit<AccessRecord, "seq">): string {
  return leafHash(accessLeaf(record)).toString("base64");
}

/** The leaf bytes of an access record. */
export function accessLeaf(record: Omit<AccessRecord, "seq">): Buffer {
  return encode({
    type: "access",
    v: LEAF_VERSION,
    id: record.id,
    at: record.at.toISOString(),
    requestId: record.requestId,
    readerKind: record.readerKind,
    lenderId: record.lenderId,
    reader: readerCommitment(record.readerSubject, record.readerSalt),
    credentialId: record.credentialId,
    applicantId: record.applicantId,
    applicationId: record.applicationId,
    reads: decodeFieldReads(record.reads).map(read => ({
      field: read.field, category: read.category, outcome: read.outcome, reason: read.reason, consentId: read.consentId,
    })),
    // The counts the reports and the outcome filter use in SQL: in the leaf, so changing them is changing the record.
    grantedReads: record.grantedReads,
    deniedReads: record.deniedReads,
    budgetDeniedReads: record.budgetDeniedReads,
  });
}

/** The leaf bytes of an admin action. */
export function adminActionLeaf(action: AdminAction): Buffer {
  return encode({
    type: "admin-action",
    v: LEAF_VERSION,
    id: action.id,
    at: action.at.toISOString(),
    actor: action.actor,
    action: action.action,
    lenderId: action.lenderId,
    applicationId: action.applicationId,
    summary: action.summary,
    requestId: action.requestId,
  });
}

/** The leaf bytes of an admin change as it was requested; what changes later (status, decider) is not in it. */
export function adminChangeLeaf(change: AdminChange): Buffer {
  return encode({
    type: "admin-change",
    v: LEAF_VERSION,
    id: change.id,
    kind: change.kind,
    lenderId: change.lenderId,
    summary: change.summary,
    payload: change.payload,
    requestedBy: change.requestedBy,
    requestedAt: change.requestedAt.toISOString(),
    expiresAt: change.expiresAt.toISOString(),
  });
}

/**
 * Who read, when a person did (the applicant or a staff member): base64 SHA-256 of
 * `reader\n<salt>\n<subject>`, the salt random per record. It binds the leaf to the stored subject
 * (changing the subject changes the leaf) without naming it to the applicant, who may fetch its
 * records' leaves. Null for lenders, who are named by `lenderId` and `credentialId`.
 */
export function readerCommitment(subject: string | null, salt: string | null): string | null {
  if (subject === null) return null;
  if (salt === null) throw new Error("access record names a reader without its salt");
  return createHash("sha256").update(`reader\n${salt}\n${subject}`, "utf8").digest("base64");
}

function encode(value: object): Buffer {
  const text = canonicalize(value);
  if (text === undefined) throw new Error("leaf record has no JSON form");
  return Buffer.from(text, "utf8");
}
