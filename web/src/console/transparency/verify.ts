/**
 * The transparency log's checks, done in the browser with WebCrypto rather than taken from the
 * gateway's word: the checkpoint's Ed25519 signature (C2SP signed-note and tlog-checkpoint) and
 * a leaf's RFC 9162 inclusion proof against the signed root. They are as good as the key they
 * are checked with: the page shows it, to compare with the key auditors hold. Written by hand: no maintained
 * browser library does these two formats, and each is a few lines of the specifications.
 */

export interface Checkpoint {
  origin: string;
  size: number;
  rootHash: Uint8Array;
}

const encoder = new TextEncoder();

function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), character => character.charCodeAt(0));
}

export function toBase64(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes));
}

function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const joined = new Uint8Array(parts.reduce((length, part) => length + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.length;
  }
  return joined;
}

async function sha256(...parts: Uint8Array[]): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", concat(...parts)));
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, index) => byte === b[index]);
}

/** `<name>+<hex key hash>+<base64(0x01 ‖ Ed25519 key)>`, its key hash recomputed. */
async function readVerifierKey(text: string): Promise<{ name: string; keyHash: Uint8Array; publicKey: Uint8Array }> {
  const trimmed = text.trim();
  const first = trimmed.indexOf("+");
  const second = trimmed.indexOf("+", first + 1);
  if (first < 1 || second < 0) throw new Error("not a verifier key");
  const name = trimmed.slice(0, first);
  const key = fromBase64(trimmed.slice(second + 1));
  if (key.length !== 33 || key[0] !== 0x01) throw new Error("not an Ed25519 verifier key");
  const publicKey = key.subarray(1);
  const keyHash = (await sha256(encoder.encode(name), Uint8Array.of(0x0a, 0x01), publicKey)).subarray(0, 4);
  const hex = Array.from(keyHash, byte => byte.toString(16).padStart(2, "0")).join("");
  if (hex !== trimmed.slice(first + 1, second)) throw new Error("the key hash does not match the key");
  return { name, keyHash, publicKey };
}

/** The checkpoint if a signature line by `keyText` verifies over its text; null otherwise. */
export async function verifyCheckpoint(note: string, keyText: string): Promise<Checkpoint | null> {
  const key = await readVerifierKey(keyText);
  const split = note.indexOf("\n\n");
  if (split < 0) return null;
  const text = note.slice(0, split + 1);
  const publicKey = await crypto.subtle.importKey("raw", concat(key.publicKey), { name: "Ed25519" }, false, ["verify"]);
  let signed = false;
  for (const line of note.slice(split + 2).split("\n")) {
    const match = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/.exec(line);
    if (!match || match[1] !== key.name) continue;
    const blob = fromBase64(match[2]);
    if (blob.length !== 68 || !sameBytes(blob.subarray(0, 4), key.keyHash)) continue;
    if (await crypto.subtle.verify({ name: "Ed25519" }, publicKey, concat(blob.subarray(4)), encoder.encode(text))) signed = true;
  }
  if (!signed) return null;
  const [origin, size, root, ...extensions] = text.slice(0, -1).split("\n");
  if (extensions.length > 0 || !/^(0|[1-9][0-9]{0,15})$/.test(size)) return null;
  const rootHash = fromBase64(root);
  return rootHash.length === 32 ? { origin, size: Number(size), rootHash } : null;
}

/** RFC 9162 §2.1.1: the hash of a leaf, SHA-256(0x00 ‖ leaf). */
export function leafHash(leaf: Uint8Array): Promise<Uint8Array> {
  return sha256(Uint8Array.of(0x00), leaf);
}

/** RFC 9162 §2.1.3.2: does `proof` place the leaf hash at `index` in the tree of `size` leaves with root `root`? */
export async function verifyInclusion(hash: Uint8Array, index: number, size: number, proof: readonly Uint8Array[], root: Uint8Array): Promise<boolean> {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return false;
  if (hash.length !== 32 || proof.some(step => step.length !== 32)) return false;
  let fn = BigInt(index);
  let sn = BigInt(size - 1);
  let r = hash;
  for (const p of proof) {
    if (sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      r = await sha256(Uint8Array.of(0x01), p, r);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      r = await sha256(Uint8Array.of(0x01), r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n && sameBytes(r, root);
}

export function decodeHashes(hashes: readonly string[]): Uint8Array[] {
  return hashes.map(fromBase64);
}

export { fromBase64 };
