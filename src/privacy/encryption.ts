import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from "node:crypto";

/**
 * Identity values at rest: AES-256-GCM, a fresh 96-bit nonce per value, the key id stored with
 * each ciphertext so retired keys stay readable while `npm run rotate-keys` moves values to the
 * current one. The stored form is `pii1.<keyId>.<base64url(nonce | ciphertext | tag)>`.
 *
 * The additional authenticated data binds a ciphertext to its column and row: a value copied
 * into another applicant's row, or from `phone` into `full_name`, fails to decrypt instead of
 * being disclosed as someone else's.
 */
const FORMAT = "pii1";
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
/** Bytes of a master key (PII_ENCRYPTION_KEY and each of PII_ENCRYPTION_KEYS_OLD). */
export const PII_KEY_BYTES = 32;

interface KeyMaterial {
  id: string;
  encryptionKey: Buffer;
  hmacKey: Buffer;
}

/** Where a sealed value lives: the AAD. */
export interface SealContext {
  column: string;
  rowId: string;
}

export class DecryptionError extends Error {
  constructor(reason: string) {
    // Never the value: the message names only what went wrong.
    super(`identity value could not be decrypted: ${reason}`);
    this.name = "DecryptionError";
  }
}

function derive(master: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync("sha256", master, "", `lead-gateway/${purpose}`, 32));
}

/** A short public name for a key: a hash of it, so a stored value says which key opens it without revealing it. */
export function keyIdOf(master: Buffer): string {
  return createHash("sha256").update("lead-gateway/key-id").update(master).digest("hex").slice(0, 8);
}

function material(master: Buffer): KeyMaterial {
  if (master.length !== PII_KEY_BYTES) throw new RangeError(`an encryption key must be ${PII_KEY_BYTES} bytes`);
  return {
    id: keyIdOf(master),
    // Separate keys per use: the HMAC key never touches AES, so one cannot help attack the other.
    encryptionKey: derive(master, "pii-encryption/aes-256-gcm"),
    hmacKey: derive(master, "pii-encryption/national-id-hmac"),
  };
}

export function isSealed(stored: string): boolean {
  return stored.startsWith(`${FORMAT}.`);
}

/** The key id a stored value was sealed under, or null for a legacy plaintext value. */
export function sealedKeyId(stored: string): string | null {
  if (!isSealed(stored)) return null;
  return stored.split(".")[1] ?? null;
}

export class PiiKeyring {
  private readonly current: KeyMaterial;
  private readonly readable: Map<string, KeyMaterial>;

  constructor(currentKey: Buffer, oldKeys: readonly Buffer[] = []) {
    this.current = material(currentKey);
    this.readable = new Map([this.current, ...oldKeys.map(material)].map(key => [key.id, key]));
  }

  get currentKeyId(): string {
    return this.current.id;
  }

  get readableKeyIds(): string[] {
    return [...this.readable.keys()];
  }

  seal(plaintext: string, where: SealContext): string {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.current.encryptionKey, nonce);
    cipher.setAAD(aad(where));
    const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    const sealed = Buffer.concat([nonce, body, cipher.getAuthTag()]).toString("base64url");
    return `${FORMAT}.${this.current.id}.${sealed}`;
  }

  sealNullable(plaintext: string | null, where: SealContext): string | null {
    return plaintext === null ? null : this.seal(plaintext, where);
  }

  /**
   * Opens a stored value. A value without the format prefix was written before encryption
   * existed and is returned as it is; `npm run rotate-keys` seals such values.
   */
  open(stored: string, where: SealContext): string {
    if (!isSealed(stored)) return stored;
    const [, keyId, payload] = stored.split(".");
    const key = keyId === undefined ? undefined : this.readable.get(keyId);
    if (!key) throw new DecryptionError("its key is neither PII_ENCRYPTION_KEY nor in PII_ENCRYPTION_KEYS_OLD");
    const raw = Buffer.from(payload ?? "", "base64url");
    if (raw.length < NONCE_BYTES + TAG_BYTES) throw new DecryptionError("it is truncated");
    const decipher = createDecipheriv("aes-256-gcm", key.encryptionKey, raw.subarray(0, NONCE_BYTES));
    decipher.setAAD(aad(where));
    decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(raw.subarray(NONCE_BYTES, raw.length - TAG_BYTES)), decipher.final()]).toString("utf8");
    } catch {
      throw new DecryptionError("authentication failed");
    }
  }

  openNullable(stored: string | null, where: SealContext): string | null {
    return stored === null ? null : this.open(stored, where);
  }

  /** True when the value is sealed under the current key (nothing for rotation to do). */
  isCurrent(stored: string | null): boolean {
    return stored === null || sealedKeyId(stored) === this.current.id;
  }

  /**
   * Keyed hash of a normalized resident ID number: equal numbers give equal hashes, so a
   * duplicate applicant is found with an index lookup, without decrypting anything.
   */
  nationalIdHash(normalizedNationalId: string): string {
    return createHmac("sha256", this.current.hmacKey).update(normalizedNationalId, "utf8").digest("hex");
  }
}

function aad(where: SealContext): Buffer {
  return Buffer.from(`${where.column}\u0000${where.rowId}`, "utf8");
}
