import { randomBytes } from "node:crypto";
import { DecryptionError, PiiKeyring, isSealed, sealedKeyId } from "../../src/privacy/encryption";

const keyA = randomBytes(32);
const keyB = randomBytes(32);
const where = { column: "phone", rowId: "applicant-1" };

describe("identity encryption (AES-256-GCM, key id per value)", () => {
  it("round-trips, with a fresh nonce per value and the key id in the stored form", () => {
    const keyring = new PiiKeyring(keyA);
    const first = keyring.seal("13812345678", where);
    const second = keyring.seal("13812345678", where);
    expect(first).not.toBe(second);
    expect(first).not.toContain("13812345678");
    expect(isSealed(first)).toBe(true);
    expect(sealedKeyId(first)).toBe(keyring.currentKeyId);
    expect(keyring.open(first, where)).toBe("13812345678");
    expect(keyring.open(keyring.seal("张三", where), where)).toBe("张三");
  });

  it("refuses a value moved to another row or column (the AAD binds it)", () => {
    const keyring = new PiiKeyring(keyA);
    const sealed = keyring.seal("13812345678", where);
    expect(() => keyring.open(sealed, { column: "phone", rowId: "applicant-2" })).toThrow(DecryptionError);
    expect(() => keyring.open(sealed, { column: "email", rowId: "applicant-1" })).toThrow(DecryptionError);
  });

  it("refuses a tampered value, and the error never carries the value", () => {
    const keyring = new PiiKeyring(keyA);
    const sealed = keyring.seal("13812345678", where);
    const tampered = sealed.slice(0, -3) + (sealed.endsWith("AAA") ? "BBB" : "AAA");
    let thrown: unknown;
    try {
      keyring.open(tampered, where);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DecryptionError);
    expect(String((thrown as Error).message)).not.toContain("13812345678");
  });

  it("opens values of a retired key listed as old; without it, refuses", () => {
    const before = new PiiKeyring(keyA).seal("13812345678", where);
    const rotated = new PiiKeyring(keyB, [keyA]);
    expect(rotated.open(before, where)).toBe("13812345678");
    expect(rotated.isCurrent(before)).toBe(false);
    expect(rotated.isCurrent(rotated.seal("x", where))).toBe(true);
    expect(() => new PiiKeyring(keyB).open(before, where)).toThrow(DecryptionError);
  });

  it("hashes equal ID numbers equally under one key, differently under another", () => {
    const keyring = new PiiKeyring(keyA);
    expect(keyring.nationalIdHash("11010519491231002X")).toBe(keyring.nationalIdHash("11010519491231002X"));
    expect(keyring.nationalIdHash("11010519491231002X")).not.toBe(keyring.nationalIdHash("110105194912310029"));
    expect(new PiiKeyring(keyB).nationalIdHash("11010519491231002X")).not.toBe(keyring.nationalIdHash("11010519491231002X"));
  });

  it("reads a legacy plaintext value as it is (rotate-keys seals it)", () => {
    expect(new PiiKeyring(keyA).open("13812345678", where)).toBe("13812345678");
  });

  it("refuses a key of the wrong length", () => {
    expect(() => new PiiKeyring(randomBytes(16))).toThrow(RangeError);
  });
});
