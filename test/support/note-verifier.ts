import { createHash, createPublicKey, verify } from "node:crypto";

/**
 * Reads and checks a transparency checkpoint for the tests, from the C2SP signed-note and
 * tlog-checkpoint texts, with node:crypto alone: nothing here comes from src/, so a mistake in
 * the gateway's note code is not repeated in the check.
 */
export interface CheckedCheckpoint {
  origin: string;
  size: number;
  rootHash: Buffer;
}

/** `<name>+<hex key hash>+<base64(0x01 ‖ key)>` → name, key hash and raw Ed25519 key, the hash recomputed. */
export function readVerifierKey(text: string): { name: string; keyHash: Buffer; publicKey: Buffer } {
  // The name holds no '+' and the hash is hex: the first two '+' split it; base64 may hold more.
  const trimmed = text.trim();
  const first = trimmed.indexOf("+");
  const second = trimmed.indexOf("+", first + 1);
  const [name, hashHex, encoded] = [trimmed.slice(0, first), trimmed.slice(first + 1, second), trimmed.slice(second + 1)];
  const key = Buffer.from(encoded, "base64");
  if (key.length !== 33 || key[0] !== 0x01) throw new Error("not an Ed25519 verifier key");
  const publicKey = key.subarray(1);
  const keyHash = createHash("sha256").update(name).update(Uint8Array.of(0x0a, 0x01)).update(publicKey).digest().subarray(0, 4);
  if (keyHash.toString("hex") !== hashHex) throw new Error("the key hash does not match the key");
  return { name, keyHash, publicKey };
}

/** Verifies the note's signature by `key` and reads its checkpoint body; throws when anything is off. */
export function checkCheckpointNote(note: string, keyText: string): CheckedCheckpoint {
  const key = readVerifierKey(keyText);
  const split = note.indexOf("\n\n");
  if (split < 0) throw new Error("no blank line between text and signatures");
  const text = note.slice(0, split + 1);
  const signatures = note.slice(split + 2).split("\n").filter(line => line !== "");
  const publicKey = createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: key.publicKey.toString("base64url") }, format: "jwk" });
  const signed = signatures.some(line => {
    const match = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/.exec(line);
    if (!match || match[1] !== key.name) return false;
    const blob = Buffer.from(match[2], "base64");
    return blob.length === 68 && blob.subarray(0, 4).equals(key.keyHash) && verify(null, Buffer.from(text, "utf8"), publicKey, blob.subarray(4));
  });
  if (!signed) throw new Error("no valid signature by the log's key");
  const [origin, size, root, ...extensions] = text.slice(0, -1).split("\n");
  if (extensions.length > 0 || !/^[1-9][0-9]*$|^0$/.test(size)) throw new Error("not a checkpoint body");
  const rootHash = Buffer.from(root, "base64");
  if (rootHash.length !== 32) throw new Error("the root hash is not 32 bytes");
  return { origin, size: Number(size), rootHash };
}

/** SHA-256(0x00 ‖ leaf), RFC 9162's leaf hash, computed here. */
export function leafHashOf(leaf: Uint8Array): Buffer {
  return createHash("sha256").update(Uint8Array.of(0x00)).update(leaf).digest();
}
