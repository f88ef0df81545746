import { randomBytes } from "node:crypto";
import { SignedNoteError, type SignedNoteRefusal } from "../../src/transparency/note-error";
import { MAX_SIGNATURES, signNote, verifyNote } from "../../src/transparency/signed-note";
import { parseVerifierKey, signerFromSeed, verifierKeyFromPublicKey } from "../../src/transparency/verifier-key";

/*
 * Published vectors. PeterNeumann and EnochRoot come from golang.org/x/mod sumdb/note
 * (note_test.go, note.go's package doc); x/mod writes a signer key as
 * "PRIVATE+KEY+<name>+<hash>+base64(0x01 ‖ 32-byte seed)", so the seed is that key's bytes after
 * the type byte. example.com/foo and the quasimodo note come from C2SP signed-note.md.
 */
const PETER_SEED = Buffer.from("AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz", "base64").subarray(1);
const PETER_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
const ENOCH_VKEY = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
const TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PETER_SIG = "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
const ENOCH_SIG = "— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";
const C2SP_VKEY = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";
const C2SP_NOTE = "This is an example message.\n\n— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n";
const QUASIMODO_NOTE = "Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned è subito sera.\n\n— quasimodo.example/salvatore NnugSzTjtVAewIS+Z/iJhUPeFDkO/5QQ2i5ddnGITLlC+EhfLW9oJKONrMouFSQU0xMcXxj99ihAQwaqP3ZekRwNtIc=\n";

const peter = parseVerifierKey(PETER_VKEY);
const enoch = parseVerifierKey(ENOCH_VKEY);

function refusal(run: () => unknown): SignedNoteRefusal | "accepted" {
  try {
    run();
    return "accepted";
  } catch (error) {
    if (error instanceof SignedNoteError) return error.reason;
    throw error;
  }
}

describe("verifier keys", () => {
  it("derives x/mod's PeterNeumann verifier key and key hash from its seed", () => {
    const signer = signerFromSeed("PeterNeumann", PETER_SEED);
    expect(signer.verifierKey.text).toBe(PETER_VKEY);
    expect(signer.verifierKey.keyHash).toBe(0xc74f20a3);
    expect(verifierKeyFromPublicKey("PeterNeumann", signer.verifierKey.publicKey).text).toBe(PETER_VKEY);
  });

  it("reads the published verifier keys back to the same text and key hash", () => {
    expect([peter, enoch, parseVerifierKey(C2SP_VKEY)].map(key => [key.name, key.keyHash, key.text]))
      .toEqual([["PeterNeumann", 0xc74f20a3, PETER_VKEY], ["EnochRoot", 0xaf0cfe78, ENOCH_VKEY], ["example.com/foo", 0x530d903a, C2SP_VKEY]]);
  });

  it("refuses every part of a verifier key and every one-character change of it, as x/mod's test does", () => {
    expect(refusal(() => parseVerifierKey(PETER_VKEY))).toBe("accepted");
    const accepted: string[] = [];
    for (let start = 0; start < PETER_VKEY.length; start++) {
      for (let end = start + 1; end <= PETER_VKEY.length; end++) {
        const part = PETER_VKEY.slice(start, end);
        if (part !== PETER_VKEY && refusal(() => parseVerifierKey(part)) === "accepted") accepted.push(part);
      }
    }
    for (let index = 0; index < PETER_VKEY.length; index++) {
      const changed = PETER_VKEY.slice(0, index) + String.fromCharCode(PETER_VKEY.charCodeAt(index) + 1) + PETER_VKEY.slice(index + 1);
      if (refusal(() => parseVerifierKey(changed)) === "accepted") accepted.push(changed);
    }
    expect(accepted).toEqual([]);
  });

  it("refuses a key hash that is not the key's, an unknown signature type, a wrong key length (each with a matching hash where x/mod gives one)", () => {
    expect(refusal(() => parseVerifierKey(PETER_VKEY.replace("c74f20a3", "c74f20a4")))).toBe("key-hash-mismatch");
    expect(refusal(() => parseVerifierKey("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"))).toBe("unsupported-signature-type");
    expect(refusal(() => parseVerifierKey("PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY=="))).toBe("malformed-verifier-key");
    expect(refusal(() => parseVerifierKey(PETER_VKEY.replace("c74f20a3", "C74F20A3")))).toBe("malformed-verifier-key");
  });

  it("takes key names without space, plus or control character, and refuses the rest", () => {
    for (const name of ["example.com/log", "PeterNeumann", "日本.example/記録"]) {
      expect(refusal(() => signerFromSeed(name, PETER_SEED))).toBe("accepted");
    }
    for (const name of ["", "a+b", "a b", "a\tb", "a\u00a0b", "a\u2003b", "a\u3000b", "a\u0001b", "a\ud800b"]) {
      expect(refusal(() => signerFromSeed(name, PETER_SEED))).toBe("malformed-key-name");
    }
  });

  it("takes a 32-byte seed only", () => {
    expect(refusal(() => signerFromSeed("log", randomBytes(32)))).toBe("accepted");
    expect(refusal(() => signerFromSeed("log", randomBytes(31)))).toBe("malformed-seed");
    expect(refusal(() => signerFromSeed("log", randomBytes(64)))).toBe("malformed-seed");
  });
});

describe("signNote", () => {
  it("reproduces x/mod's signed note byte for byte (Ed25519 is deterministic)", () => {
    expect(signNote(TEXT, signerFromSeed("PeterNeumann", PETER_SEED))).toBe(`${TEXT}\n${PETER_SIG}`);
  });

  it("refuses a text without its final newline or with a control character, and signs the same text made well", () => {
    const signer = signerFromSeed("PeterNeumann", PETER_SEED);
    expect(refusal(() => signNote("abc", signer))).toBe("malformed-text");
    expect(refusal(() => signNote("abc\n", signer))).toBe("accepted");
    expect(refusal(() => signNote("a\r\nb\n", signer))).toBe("malformed-text");
    expect(refusal(() => signNote("a\u0000b\n", signer))).toBe("malformed-text");
    expect(refusal(() => signNote("a\ud800b\n", signer))).toBe("malformed-text");
  });

  it("signs with several keys, and refuses the same key twice", () => {
    const log = signerFromSeed("log.example/a", randomBytes(32));
    const witness = signerFromSeed("witness.example/w", randomBytes(32));
    const note = signNote(TEXT, log, witness);
    expect(verifyNote(note, [log.verifierKey, witness.verifierKey]).verifiedBy).toEqual([log.verifierKey, witness.verifierKey]);
    expect(refusal(() => signNote(TEXT, log, log))).toBe("duplicate-verifier-key");
  });

  it("round-trips a text with blank lines, signature-like lines and non-ASCII", () => {
    const signer = signerFromSeed("log.example/b", randomBytes(32));
    const text = "first\n\n— looks like a signature AAAA\n\nzażółć 日本\n";
    const opened = verifyNote(signNote(text, signer), [signer.verifierKey]);
    expect(opened.text).toBe(text);
    expect(opened.verifiedBy).toEqual([signer.verifierKey]);
  });
});

describe("verifyNote", () => {
  const both = `${TEXT}\n${PETER_SIG}${ENOCH_SIG}`;

  it("verifies x/mod's note by one key and reports the other signature as unknown", () => {
    const opened = verifyNote(both, [peter]);
    expect(opened.text).toBe(TEXT);
    expect(opened.verifiedBy).toEqual([peter]);
    expect(opened.unknownSignatures).toEqual([{ name: "EnochRoot", keyHash: 0xaf0cfe78 }]);
    expect(verifyNote(both, [peter, enoch]).verifiedBy).toEqual([peter, enoch]);
    expect(verifyNote(Buffer.from(both, "utf8"), [enoch]).verifiedBy).toEqual([enoch]);
  });

  it("verifies C2SP's example note, and parses C2SP's note with blank lines in its text", () => {
    expect(verifyNote(C2SP_NOTE, [parseVerifierKey(C2SP_VKEY)]).text).toBe("This is an example message.\n");
    // No verifier key is published for it: it gets past every format check to the key lookup.
    expect(refusal(() => verifyNote(QUASIMODO_NOTE, [peter]))).toBe("no-verified-signature");
  });

  it("refuses a note no given key signed, and one given the same key twice", () => {
    expect(refusal(() => verifyNote(both, []))).toBe("no-verified-signature");
    expect(refusal(() => verifyNote(`${TEXT}\n${ENOCH_SIG}`, [peter]))).toBe("no-verified-signature");
    expect(refusal(() => verifyNote(both, [peter, parseVerifierKey(PETER_VKEY)]))).toBe("duplicate-verifier-key");
  });

  it("refuses a tampered text", () => {
    expect(refusal(() => verifyNote(`${TEXT}\n${PETER_SIG}`, [peter]))).toBe("accepted");
    expect(refusal(() => verifyNote(`${TEXT.replace("answer", "Answer")}\n${PETER_SIG}`, [peter]))).toBe("invalid-signature");
    expect(refusal(() => verifyNote(`${TEXT}extra line\n\n${PETER_SIG}`, [peter]))).toBe("invalid-signature");
  });

  it("refuses a tampered signature, even beside a good one from another key", () => {
    const changed = PETER_SIG.replace("x08go/ZJku", "x08go/ZJkv");
    const lengthened = PETER_SIG.slice(0, 60) + "ABCD" + PETER_SIG.slice(60);
    expect(refusal(() => verifyNote(`${TEXT}\n${changed}`, [peter]))).toBe("invalid-signature");
    expect(refusal(() => verifyNote(`${TEXT}\n${lengthened}`, [peter]))).toBe("invalid-signature");
    expect(refusal(() => verifyNote(`${TEXT}\n${ENOCH_SIG}${changed}`, [peter, enoch]))).toBe("invalid-signature");
  });

  it("checks every signature by a given key: a bad repeat after a good one refuses the note, good repeats count once", () => {
    const opened = verifyNote(`${TEXT}\n${PETER_SIG}${PETER_SIG}${ENOCH_SIG}${ENOCH_SIG}`, [peter]);
    expect(opened.verifiedBy).toEqual([peter]);
    expect(opened.unknownSignatures).toEqual([{ name: "EnochRoot", keyHash: 0xaf0cfe78 }]);
    const bad = PETER_SIG.replace("x08go/ZJku", "x08go/ZJkv");
    expect(refusal(() => verifyNote(`${TEXT}\n${PETER_SIG}${bad}`, [peter]))).toBe("invalid-signature");
  });

  it("refuses a signature by a wrong key under the right name and key hash (what a colliding key hash yields)", () => {
    const impostor = signerFromSeed("PeterNeumann", randomBytes(32));
    const signature = impostor.sign(Buffer.from(TEXT, "utf8"));
    const line = `— PeterNeumann ${Buffer.concat([Buffer.from("c74f20a3", "hex"), signature]).toString("base64")}\n`;
    expect(refusal(() => verifyNote(`${TEXT}\n${line}`, [peter]))).toBe("invalid-signature");
    // Under its own key hash the impostor's signature is just an unknown key's: ignored.
    expect(refusal(() => verifyNote(signNote(TEXT, impostor), [peter]))).toBe("no-verified-signature");
    expect(verifyNote(`${signNote(TEXT, impostor)}${PETER_SIG}`, [peter]).unknownSignatures)
      .toEqual([{ name: "PeterNeumann", keyHash: impostor.verifierKey.keyHash }]);
  });

  it("ignores a signature sharing only the name or only the key hash with a given key", () => {
    const otherHash = PETER_SIG.replace("x08g", "xxxx");
    const otherName = PETER_SIG.replace("PeterNeumann", "CarmenSandiego");
    expect(refusal(() => verifyNote(`${TEXT}\n${otherHash}`, [peter]))).toBe("no-verified-signature");
    expect(refusal(() => verifyNote(`${TEXT}\n${otherName}`, [peter]))).toBe("no-verified-signature");
    expect(verifyNote(`${TEXT}\n${otherHash}${otherName}${PETER_SIG}`, [peter]).unknownSignatures).toEqual([
      { name: "PeterNeumann", keyHash: Buffer.from(otherHash.split(" ")[2], "base64").readUInt32BE(0) },
      { name: "CarmenSandiego", keyHash: 0xc74f20a3 },
    ]);
  });

  it("refuses x/mod's malformed notes, where the well-formed note passes", () => {
    expect(refusal(() => verifyNote(`${TEXT}\n${PETER_SIG}`, [peter]))).toBe("accepted");
    const malformed = [
      TEXT,
      `${TEXT}\n`,
      `${TEXT}\n${PETER_SIG.slice(0, -1)}`,
      `\u0001${TEXT}\n${PETER_SIG}`,
      `${TEXT}\n— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=`,
      `${TEXT}\n${PETER_SIG}Unexpected line.\n`,
    ];
    expect(malformed.map(note => refusal(() => verifyNote(note, [peter])))).toEqual(malformed.map(() => "malformed-note"));
    const invalidUtf8 = Buffer.concat([Buffer.from([0xff]), Buffer.from(`${TEXT}\n${PETER_SIG}`, "utf8")]);
    expect(refusal(() => verifyNote(invalidUtf8, [peter]))).toBe("malformed-note");
  });

  it("refuses other malformed lines: CRLF, a missing space, empty or non-canonical base64, a signature too short", () => {
    const malformed = [
      `${TEXT}\n${PETER_SIG.replace("\n", "\r\n")}`,
      `${TEXT}\n${PETER_SIG.replace("— ", "—")}`,
      `${TEXT}\n${PETER_SIG.replace("— ", "-- ")}`,
      `${TEXT}\n— PeterNeumann \n`,
      `${TEXT}\n— PeterNeumann\n`,
      `${TEXT}\n${PETER_SIG.replace("JnAM=", "JnAN=")}`, // the same bytes to a lenient decoder
      `${TEXT}\n${PETER_SIG.replace("JnAM=", "JnAM")}`,
      `${TEXT}\n— PeterNeumann x08gow==\n`,
      `${TEXT}\n${PETER_SIG}\n`,
      `${TEXT}\n${PETER_SIG.replace(" x08go", "  x08go")}`,
    ];
    expect(malformed.map(note => refusal(() => verifyNote(note, [peter])))).toEqual(malformed.map(() => "malformed-note"));
    expect(refusal(() => verifyNote(`${TEXT}\n\ud800${PETER_SIG}`, [peter]))).toBe("malformed-note");
  });

  it(`takes up to ${MAX_SIGNATURES} signature lines and refuses more`, () => {
    expect(verifyNote(`${TEXT}\n${PETER_SIG.repeat(MAX_SIGNATURES)}`, [peter]).verifiedBy).toEqual([peter]);
    expect(refusal(() => verifyNote(`${TEXT}\n${PETER_SIG.repeat(MAX_SIGNATURES + 1)}`, [peter]))).toBe("too-many-signatures");
  });
});
