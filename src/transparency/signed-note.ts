import { SignedNoteError } from "./note-error";
import { decodeCanonicalBase64 } from "./strict-base64";
import { formatKeyHash, isValidKeyName, type NoteSigner, type VerifierKey, verifiesWith } from "./verifier-key";

/**
 * The signature lines one note may carry. signed-note requires accepting at least 16; a bound
 * keeps a note from making us verify without end. 100 leaves room for many witnesses.
 */
export const MAX_SIGNATURES = 100;

const SIGNATURE_PREFIX = "\u2014 "; // em dash, space

/** A signature line whose key is not one we were given: ignored, as signed-note requires, but reported. */
export interface UnknownSignature {
  readonly name: string;
  readonly keyHash: number;
}

export interface VerifiedNote {
  /** The signed text, final newline included. */
  readonly text: string;
  /** Each given key that signed the text, once, in the order its first signature appears. */
  readonly verifiedBy: readonly VerifierKey[];
  readonly unknownSignatures: readonly UnknownSignature[];
}

/** Why a note or text breaks signed-note's character rules, or null: well-formed UTF-8, no control character but newline. */
function characterProblem(text: string): string | null {
  if (/[\uD800-\uDFFF]/u.test(text)) return "it is not well-formed Unicode (a lone surrogate)";
  if (/[\u0000-\u0009\u000B-\u001F]/.test(text)) return "it holds a control character other than newline";
  return null;
}

function keyIdentity(name: string, keyHash: number): string {
  return `${name}+${formatKeyHash(keyHash)}`;
}

/** The text signed by each signer: `<text>\n— <name> <base64(key hash ‖ signature)>\n…`. */
export function signNote(text: string, ...signers: [NoteSigner, ...NoteSigner[]]): string {
  if (!text.endsWith("\n")) throw new SignedNoteError("malformed-text", "a note text ends with a newline");
  const problem = characterProblem(text);
  if (problem !== null) throw new SignedNoteError("malformed-text", `the text cannot be signed: ${problem}`);
  const message = Buffer.from(text, "utf8");
  const seen = new Set<string>();
  const lines = signers.map(signer => {
    const { verifierKey } = signer;
    const id = keyIdentity(verifierKey.name, verifierKey.keyHash);
    if (seen.has(id)) throw new SignedNoteError("duplicate-verifier-key", `${id} is given twice`);
    seen.add(id);
    const keyHash = Buffer.alloc(4);
    keyHash.writeUInt32BE(verifierKey.keyHash);
    return `${SIGNATURE_PREFIX}${verifierKey.name} ${Buffer.concat([keyHash, signer.sign(message)]).toString("base64")}\n`;
  });
  return `${text}\n${lines.join("")}`;
}

function decodeNote(note: string | Uint8Array): string {
  if (typeof note === "string") return note;
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(note);
  } catch {
    throw new SignedNoteError("malformed-note", "the note is not valid UTF-8");
  }
}

/**
 * The text of a note, once a signature by one of `verifierKeys` verifies. Refused: a malformed
 * note, a failed signature by a given key (even beside a good one), a note no given key signed.
 * Signatures by other keys, including one sharing only a name or only a key hash with a given
 * key, are ignored as signed-note requires (witnesses add theirs).
 */
export function verifyNote(note: string | Uint8Array, verifierKeys: readonly VerifierKey[]): VerifiedNote {
  const known = new Map<string, VerifierKey>();
  for (const key of verifierKeys) {
    const id = keyIdentity(key.name, key.keyHash);
    if (known.has(id)) throw new SignedNoteError("duplicate-verifier-key", `${id} is given twice`);
    known.set(id, key);
  }
  const decoded = decodeNote(note);
  const problem = characterProblem(decoded);
  if (problem !== null) throw new SignedNoteError("malformed-note", problem);
  const split = decoded.lastIndexOf("\n\n");
  if (split < 0) throw new SignedNoteError("malformed-note", "no blank line separates the text from the signatures");
  const text = decoded.slice(0, split + 1);
  const signatureBlock = decoded.slice(split + 2);
  if (signatureBlock === "" || !signatureBlock.endsWith("\n")) {
    throw new SignedNoteError("malformed-note", "the signature lines are missing or the last does not end with a newline");
  }
  const lines = signatureBlock.slice(0, -1).split("\n");
  if (lines.length > MAX_SIGNATURES) throw new SignedNoteError("too-many-signatures", `more than ${MAX_SIGNATURES} signature lines`);

  const message = Buffer.from(text, "utf8");
  const verified = new Map<string, VerifierKey>();
  const unknown = new Map<string, UnknownSignature>();
  lines.forEach((line, index) => {
    const where = `signature line ${index + 1}`;
    if (!line.startsWith(SIGNATURE_PREFIX)) throw new SignedNoteError("malformed-note", `${where} does not start with an em dash and a space`);
    const rest = line.slice(SIGNATURE_PREFIX.length);
    const space = rest.indexOf(" ");
    const name = space < 0 ? rest : rest.slice(0, space);
    if (!isValidKeyName(name)) throw new SignedNoteError("malformed-note", `${where} has no valid key name`);
    const bytes = space < 0 ? null : decodeCanonicalBase64(rest.slice(space + 1));
    if (bytes === null || bytes.length < 5) throw new SignedNoteError("malformed-note", `${where} is not base64 of a key hash and a signature`);
    const keyHash = bytes.readUInt32BE(0);
    const id = keyIdentity(name, keyHash);
    const key = known.get(id);
    if (key === undefined) {
      unknown.set(`${id} ${rest}`, { name, keyHash });
      return;
    }
    // Every signature by a given key is checked, a repeated one too: a bad one refuses the note.
    if (!verifiesWith(key, message, bytes.subarray(4))) throw new SignedNoteError("invalid-signature", `the signature of ${id} does not verify`);
    verified.set(id, key);
  });
  if (verified.size === 0) throw new SignedNoteError("no-verified-signature", "no given key signed this note");
  return { text, verifiedBy: [...verified.values()], unknownSignatures: [...unknown.values()] };
}
