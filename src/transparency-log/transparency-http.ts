import type { IncomingMessage, ServerResponse } from "node:http";
import type { DataSource } from "typeorm";
import type { Principal } from "../model/principal";
import { ownIdentityRows } from "../privacy/row-scope";
import { type LeafRecord, LogRequestError, type TransparencyLog } from "./transparency-log";
import { TreeHeadMismatchError } from "./sequencer";

/** What the HTTP side needs from the server: the log, and who is calling (rejecting without credentials). */
export interface TransparencyHttp {
  log: TransparencyLog;
  dataSource: DataSource;
  authenticate(request: IncomingMessage): Promise<Principal>;
}

/** The answer to one request under /transparency/. */
export interface TransparencyAnswer {
  status: number;
  contentType: string;
  body: string;
}

/** Indexes and sizes: decimal digits, no sign, no leading zero, within 2^53. */
const COUNT = /^(0|[1-9][0-9]{0,15})$/;

function json(status: number, body: unknown): TransparencyAnswer {
  return { status, contentType: "application/json; charset=utf-8", body: JSON.stringify(body) };
}

function refused(message: string): TransparencyAnswer {
  return json(400, { error: message });
}

/** `text` as an index or size, or null when it is not decimal digits within 2^53. */
function wholeNumber(text: string): number | null {
  return COUNT.test(text) && Number.isSafeInteger(Number(text)) ? Number(text) : null;
}

/** A query parameter as a whole number, or the message saying why it is not one. */
function countParameter(url: URL, name: string): number | string {
  const values = url.searchParams.getAll(name);
  if (values.length !== 1) return `${name} is required, once`;
  return wholeNumber(values[0]) ?? `${name} must be a whole number written in decimal digits`;
}

/**
 * GET /transparency/checkpoint, /key, /proof/inclusion, /proof/consistency and /leaves/I.
 * Everything but a leaf holds no record and needs no credentials; a leaf is shown only to a
 * principal allowed to see its record (its applicant, the lender that read, an admin), and to
 * anyone else it does not exist (404), as a record outside a caller's scope does in GraphQL.
 */
export async function answerTransparency(request: IncomingMessage, url: URL, http: TransparencyHttp): Promise<TransparencyAnswer> {
  if (request.method !== "GET" && request.method !== "HEAD") return json(405, { error: "only GET is served here" });
  const path = url.pathname;
  if (path === "/transparency/checkpoint") {
    try {
      return { status: 200, contentType: "text/plain; charset=utf-8", body: await http.log.signedCheckpoint() };
    } catch (error) {
      if (!(error instanceof TreeHeadMismatchError)) throw error;
      return json(503, { error: "the log's stored tree does not match its head; no checkpoint is signed until an operator resolves it" });
    }
  }
  if (path === "/transparency/key") {
    return { status: 200, contentType: "text/plain; charset=utf-8", body: `${http.log.signer.verifierKey.text}\n` };
  }
  if (path === "/transparency/proof/inclusion") {
    const index = countParameter(url, "index");
    const size = countParameter(url, "size");
    if (typeof index === "string") return refused(index);
    if (typeof size === "string") return refused(size);
    return proofAnswer(() => http.log.inclusionProof(index, size), { index, size });
  }
  if (path === "/transparency/proof/consistency") {
    const from = countParameter(url, "from");
    const to = countParameter(url, "to");
    if (typeof from === "string") return refused(from);
    if (typeof to === "string") return refused(to);
    return proofAnswer(() => http.log.consistencyProof(from, to), { from, to });
  }
  const leaf = /^\/transparency\/leaves\/([^/]*)$/.exec(path);
  if (leaf) {
    const index = wholeNumber(leaf[1]);
    if (index === null) return refused("the leaf index must be a whole number written in decimal digits");
    const principal = await http.authenticate(request);
    const found = await http.log.leafAt(index);
    if (!found || !(await maySee(http.dataSource, principal, found))) return json(404, { error: "no leaf at this index that you may see" });
    return json(200, { index: found.index, leaf: found.leaf.toString("base64") });
  }
  return json(404, { error: "not found" });
}

async function proofAnswer(prove: () => Promise<Buffer[]>, echoed: Record<string, number>): Promise<TransparencyAnswer> {
  try {
    const hashes = await prove();
    return json(200, { ...echoed, hashes: hashes.map(hash => hash.toString("base64")) });
  } catch (error) {
    if (error instanceof LogRequestError) return refused(error.message);
    throw error;
  }
}

/**
 * Admins see every leaf; a lender its own reads; an applicant the reads of its identity. Admin
 * actions and changes: admins only. An applicant's own rows are read whatever the leaf's kind,
 * so the time of a refusal does not tell an access leaf from an admin one.
 */
async function maySee(dataSource: DataSource, principal: Principal, leaf: LeafRecord): Promise<boolean> {
  if (principal.kind === "admin") return true;
  if (principal.kind === "lender") return leaf.kind === "access" && leaf.record.lenderId === principal.lender.id;
  const own = await ownIdentityRows(dataSource, principal.subject, { id: true });
  return leaf.kind === "access" && own.some(row => row.id === leaf.record.applicantId);
}
