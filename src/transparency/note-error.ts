/** Why a key, a note or a text was refused; tests and callers branch on `reason`, never on the message. */
export type SignedNoteRefusal =
  | "malformed-key-name"
  | "malformed-verifier-key"
  | "unsupported-signature-type"
  | "key-hash-mismatch"
  | "malformed-seed"
  | "duplicate-verifier-key"
  | "malformed-text"
  | "malformed-note"
  | "too-many-signatures"
  | "invalid-signature"
  | "no-verified-signature";

export class SignedNoteError extends Error {
  constructor(readonly reason: SignedNoteRefusal, message: string) {
    super(`${reason}: ${message}`);
    this.name = "SignedNoteError";
  }
}
