import { createHash, createPrivateKey, createPublicKey, sign as signBytes, verify as verifyBytes } from "node:crypto";
import { SignedNoteError } from "./note-error";
import { decodeCanonicalBase64 } from "./strict-base64";

/** The signed-note signature type byte of Ed25519, the only type this gateway signs or verifies. */
const ED25519_TYPE = 0x01;

/** RFC 8410 PKCS#8 wrapping of a bare 32-byte Ed25519 seed, so node:crypto can load it. */
const ED25519_PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

/** A public key a note may be checked against: what `<name>+<hex key hash>+<base64(0x01 ‖ key)>` says. */
export interface VerifierKey {
  readonly name: string;
  /** The 32-bit key hash (signed-note's "key ID"), an unsigned integer. */
  readonly keyHash: number;
  /** The 32-byte Ed25519 public key. */
  readonly publicKey: Buffer;
  /** The verifier key string, as auditors are given it. */
  readonly text: string;
}

/** Signs note texts; the private key lives only in the closure, so logging a signer leaks nothing. */
export interface NoteSigner {
  readonly verifierKey: VerifierKey;
  sign(message: Uint8Array): Buffer;
}

/** Key names: non-empty, well-formed text, no Unicode space, no `+`; no control character either, since no note may hold one. */
export function isValidKeyName(name: string): boolean {
  return name.length > 0 && !/[\p{White_Space}+\p{Cc}]|[\uD800-\uDFFF]/u.test(name);
}

/** SHA-256(key name ‖ 0x0A ‖ 0x01 ‖ public key), first four bytes read big-endian. */
export function ed25519KeyHash(name: string, publicKey: Uint8Array): number {
  const digest = createHash("sha256").update(name, "utf8").update(Buffer.from([0x0a, ED25519_TYPE])).update(publicKey).digest();
  return digest.readUInt32BE(0);
}

export function formatKeyHash(keyHash: number): string {
  return keyHash.toString(16).padStart(8, "0");
}

function assertKeyName(name: string): void {
  if (!isValidKeyName(name)) {
    throw new SignedNoteError("malformed-key-name", "a key name must be non-empty with no space, no '+' and no control character");
  }
}

function verifierKeyOf(name: string, publicKey: Buffer): VerifierKey {
  const keyHash = ed25519KeyHash(name, publicKey);
  const encoded = Buffer.concat([Buffer.from([ED25519_TYPE]), publicKey]).toString("base64");
  return Object.freeze({ name, keyHash, publicKey: Buffer.from(publicKey), text: `${name}+${formatKeyHash(keyHash)}+${encoded}` });
}

/** A signer from a 32-byte Ed25519 seed (RFC 8032 private key), e.g. `TRANSPARENCY_SIGNING_KEY` decoded. */
export function signerFromSeed(name: string, seed: Uint8Array): NoteSigner {
  assertKeyName(name);
  if (seed.length !== 32) throw new SignedNoteError("malformed-seed", `an Ed25519 seed is 32 bytes, not ${seed.length}`);
  const privateKey = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: "der", type: "pkcs8" });
  const jwk = createPublicKey(privateKey).export({ format: "jwk" });
  const verifierKey = verifierKeyOf(name, Buffer.from(jwk.x as string, "base64url"));
  return Object.freeze({ verifierKey, sign: (message: Uint8Array) => signBytes(null, message, privateKey) });
}

/** The verifier key of a raw 32-byte Ed25519 public key. */
export function verifierKeyFromPublicKey(name: string, publicKey: Uint8Array): VerifierKey {
  assertKeyName(name);
  if (publicKey.length !== 32) throw new SignedNoteError("malformed-verifier-key", `an Ed25519 public key is 32 bytes, not ${publicKey.length}`);
  return verifierKeyOf(name, Buffer.from(publicKey));
}

/** Reads `<name>+<8 lowercase hex>+<base64(0x01 ‖ 32-byte key)>`, refusing any other shape or a key hash that is not this key's. */
export function parseVerifierKey(text: string): VerifierKey {
  // The name has no '+' and the hash is hex, so the first two '+' split it; base64 may hold more.
  const first = text.indexOf("+");
  const second = first < 0 ? -1 : text.indexOf("+", first + 1);
  if (second < 0) throw new SignedNoteError("malformed-verifier-key", "a verifier key is <name>+<key hash>+<key>");
  const name = text.slice(0, first);
  const hashHex = text.slice(first + 1, second);
  assertKeyName(name);
  if (!/^[0-9a-f]{8}$/.test(hashHex)) throw new SignedNoteError("malformed-verifier-key", "the key hash is 8 lowercase hex digits");
  const key = decodeCanonicalBase64(text.slice(second + 1));
  if (key === null || key.length === 0) throw new SignedNoteError("malformed-verifier-key", "the key is not canonical base64");
  if (key[0] !== ED25519_TYPE) throw new SignedNoteError("unsupported-signature-type", `signature type 0x${key[0].toString(16).padStart(2, "0")} is not Ed25519 (0x01)`);
  if (key.length !== 33) throw new SignedNoteError("malformed-verifier-key", `an Ed25519 public key is 32 bytes, not ${key.length - 1}`);
  const parsed = verifierKeyOf(name, key.subarray(1));
  if (formatKeyHash(parsed.keyHash) !== hashHex) throw new SignedNoteError("key-hash-mismatch", `the key hash of ${name} and this key is ${formatKeyHash(parsed.keyHash)}, not ${hashHex}`);
  return parsed;
}

/** Whether `signature` is this key's Ed25519 signature of `message`; a malformed signature is simply not one. */
export function verifiesWith(key: VerifierKey, message: Uint8Array, signature: Uint8Array): boolean {
  try {
    const publicKey = createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: key.publicKey.toString("base64url") }, format: "jwk" });
    return verifyBytes(null, message, publicKey, signature);
  } catch {
    return false;
  }
}
