import { decodeCanonicalBase64 } from "./strict-base64";

/** The head of a Merkle tree as a tlog-checkpoint note text states it. */
export interface Checkpoint {
  /** The log's identity, first line; the log's key name should equal it. */
  readonly origin: string;
  /** The number of leaves. A safe integer: 2^53 - 1 leaves is beyond any log this gateway keeps. */
  readonly size: number;
  /** The RFC 6962 root hash at `size`, 32 bytes. */
  readonly rootHash: Uint8Array;
  /** Optional opaque lines after the root; tlog-checkpoint advises against them (monitors cannot audit them). */
  readonly extensions?: readonly string[];
}

export type CheckpointProblem = "origin" | "size" | "root-hash" | "extension" | "text";

/** A checkpoint text or value that is not one; `problem` names the line at fault. */
export class CheckpointError extends Error {
  constructor(readonly problem: CheckpointProblem, message: string) {
    super(`${problem}: ${message}`);
    this.name = "CheckpointError";
  }
}

const CONTROL = /[\u0000-\u001F]|[\uD800-\uDFFF]/u;

function checkLine(problem: CheckpointProblem, line: string, what: string): void {
  if (line === "") throw new CheckpointError(problem, `the ${what} is empty`);
  if (CONTROL.test(line)) throw new CheckpointError(problem, `the ${what} holds a control character or a lone surrogate`);
}

/** The note text of a checkpoint: `<origin>\n<size>\n<base64 root>\n` and any extension lines. */
export function formatCheckpoint(checkpoint: Checkpoint): string {
  const { origin, size, rootHash, extensions = [] } = checkpoint;
  checkLine("origin", origin, "origin");
  if (!Number.isSafeInteger(size) || size < 0) throw new CheckpointError("size", `the tree size ${size} is not a whole number from 0 to 2^53 - 1`);
  if (rootHash.length !== 32) throw new CheckpointError("root-hash", `the root hash is 32 bytes, not ${rootHash.length}`);
  extensions.forEach((line, index) => checkLine("extension", line, `extension line ${index + 1}`));
  return [origin, String(size), Buffer.from(rootHash).toString("base64"), ...extensions].map(line => `${line}\n`).join("");
}

/**
 * A checkpoint from a note text, strictly: every line non-empty, the size decimal without a
 * leading zero, the root canonical base64 of exactly 32 bytes. Parse only the text of a note
 * `verifyNote` has verified; unsigned, the text means nothing.
 */
export function parseCheckpoint(text: string): Checkpoint {
  if (!text.endsWith("\n")) throw new CheckpointError("text", "a checkpoint text ends with a newline");
  const lines = text.slice(0, -1).split("\n");
  if (lines.length < 3) throw new CheckpointError("text", `a checkpoint has at least 3 lines, not ${lines.length}`);
  const [origin, sizeLine, rootLine, ...extensions] = lines;
  checkLine("origin", origin, "origin");
  if (!/^(0|[1-9][0-9]*)$/.test(sizeLine)) throw new CheckpointError("size", "the tree size is decimal digits with no sign and no leading zero");
  const size = Number(sizeLine);
  if (!Number.isSafeInteger(size)) throw new CheckpointError("size", "the tree size is beyond 2^53 - 1");
  const rootHash = decodeCanonicalBase64(rootLine);
  if (rootHash === null) throw new CheckpointError("root-hash", "the root hash is not canonical base64");
  if (rootHash.length !== 32) throw new CheckpointError("root-hash", `the root hash is 32 bytes, not ${rootHash.length}`);
  extensions.forEach((line, index) => checkLine("extension", line, `extension line ${index + 1}`));
  return { origin, size, rootHash: new Uint8Array(rootHash), extensions };
}
