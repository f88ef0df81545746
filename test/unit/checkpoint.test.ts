import { createHash, randomBytes } from "node:crypto";
import { CheckpointError, type CheckpointProblem, formatCheckpoint, parseCheckpoint } from "../../src/transparency/checkpoint";
import { signNote, verifyNote } from "../../src/transparency/signed-note";
import { signerFromSeed } from "../../src/transparency/verifier-key";

/*
 * Published bodies. C2SP tlog-checkpoint.md's example (no verifier key is published for it), and
 * golang.org/x/mod sumdb/tlog note_test.go's tree: size 123456789012 and the RFC 6962 leaf hash of
 * "hello world", SHA-256(0x00 ‖ "hello world").
 */
const C2SP_BODY = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
const XMOD_BODY = "go.sum database tree\n123456789012\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n";
const HELLO_LEAF = createHash("sha256").update(Buffer.from([0x00])).update("hello world").digest();
const ROOT = "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=";

function problem(run: () => unknown): CheckpointProblem | "accepted" {
  try {
    run();
    return "accepted";
  } catch (error) {
    if (error instanceof CheckpointError) return error.problem;
    throw error;
  }
}

describe("checkpoint bodies", () => {
  it("reads C2SP's example and writes it back byte for byte", () => {
    const checkpoint = parseCheckpoint(C2SP_BODY);
    expect(checkpoint.origin).toBe("example.com/behind-the-sofa");
    expect(checkpoint.size).toBe(20852163);
    expect(Buffer.from(checkpoint.rootHash).toString("base64")).toBe(ROOT);
    expect(checkpoint.extensions).toEqual([]);
    expect(formatCheckpoint(checkpoint)).toBe(C2SP_BODY);
  });

  it("writes x/mod's tree from its size and root, and reads it back", () => {
    const body = formatCheckpoint({ origin: "go.sum database tree", size: 123456789012, rootHash: HELLO_LEAF });
    expect(body).toBe(XMOD_BODY);
    expect(parseCheckpoint(XMOD_BODY)).toEqual({ origin: "go.sum database tree", size: 123456789012, rootHash: new Uint8Array(HELLO_LEAF), extensions: [] });
  });

  it("keeps extension lines in order, and an origin with spaces (clients may not assume the URL form)", () => {
    const text = `${C2SP_BODY}first extension\nsecond\n`;
    expect(parseCheckpoint(text).extensions).toEqual(["first extension", "second"]);
    expect(formatCheckpoint(parseCheckpoint(text))).toBe(text);
    expect(parseCheckpoint(`go.sum database tree\n0\n${ROOT}\n`).size).toBe(0);
  });

  it("round-trips through a signed note, and the signed text is what is parsed", () => {
    const signer = signerFromSeed("gateway.example/identity-access", randomBytes(32));
    const body = formatCheckpoint({ origin: "gateway.example/identity-access", size: 42, rootHash: randomBytes(32) });
    const note = signNote(body, signer);
    expect(note.startsWith(`${body}\n\u2014 gateway.example/identity-access `)).toBe(true);
    expect(parseCheckpoint(verifyNote(note, [signer.verifierKey]).text)).toEqual(parseCheckpoint(body));
  });
});

describe("checkpoint refusals, each beside the text made well", () => {
  const cases: Array<[string, string, string, CheckpointProblem]> = [
    ["a missing final newline", C2SP_BODY, C2SP_BODY.slice(0, -1), "text"],
    ["fewer than three lines", C2SP_BODY, "example.com/behind-the-sofa\n20852163\n", "text"],
    ["an empty origin", C2SP_BODY, C2SP_BODY.replace("example.com/behind-the-sofa", ""), "origin"],
    ["a carriage return in the origin", C2SP_BODY, C2SP_BODY.replace("sofa\n", "sofa\r\n"), "origin"],
    ["a leading zero in the size", C2SP_BODY, C2SP_BODY.replace("20852163", "020852163"), "size"],
    ["a zero size written twice", `o\n0\n${ROOT}\n`, `o\n00\n${ROOT}\n`, "size"],
    ["a signed size", C2SP_BODY, C2SP_BODY.replace("20852163", "+20852163"), "size"],
    ["a negative size", `o\n0\n${ROOT}\n`, `o\n-1\n${ROOT}\n`, "size"],
    ["a space after the size", C2SP_BODY, C2SP_BODY.replace("20852163", "20852163 "), "size"],
    ["a hex size", `o\n16\n${ROOT}\n`, `o\n0x10\n${ROOT}\n`, "size"],
    ["an exponent size", `o\n1000\n${ROOT}\n`, `o\n1e3\n${ROOT}\n`, "size"],
    ["a size past 2^53 - 1", `o\n9007199254740991\n${ROOT}\n`, `o\n9007199254740992\n${ROOT}\n`, "size"],
    ["a 31-byte root", C2SP_BODY, C2SP_BODY.replace(ROOT, randomBytes(31).toString("base64")), "root-hash"],
    ["a 33-byte root", C2SP_BODY, C2SP_BODY.replace(ROOT, randomBytes(33).toString("base64")), "root-hash"],
    ["a root without its padding", C2SP_BODY, C2SP_BODY.replace(ROOT, ROOT.slice(0, -1)), "root-hash"],
    ["a root with non-zero padding bits", C2SP_BODY, C2SP_BODY.replace(ROOT, ROOT.replace("2I=", "2J=")), "root-hash"],
    ["a base64url root", `o\n1\n${"+/".repeat(21)}8=\n`, `o\n1\n${"-_".repeat(21)}8=\n`, "root-hash"],
    ["an empty extension line", `${C2SP_BODY}a\nb\n`, `${C2SP_BODY}a\n\nb\n`, "extension"],
    ["an empty last extension line", `${C2SP_BODY}a\n`, `${C2SP_BODY}a\n\n`, "extension"],
    ["a control character in an extension", `${C2SP_BODY}a b\n`, `${C2SP_BODY}a\tb\n`, "extension"],
  ];

  it.each(cases)("refuses %s", (_what, good, bad, expected) => {
    expect(problem(() => parseCheckpoint(good))).toBe("accepted");
    expect(problem(() => parseCheckpoint(bad))).toBe(expected);
  });

  it("formats only what it could parse back", () => {
    const root = randomBytes(32);
    expect(problem(() => formatCheckpoint({ origin: "o", size: 0, rootHash: root }))).toBe("accepted");
    expect(problem(() => formatCheckpoint({ origin: "", size: 0, rootHash: root }))).toBe("origin");
    expect(problem(() => formatCheckpoint({ origin: "o\np", size: 0, rootHash: root }))).toBe("origin");
    for (const size of [-1, 1.5, Number.NaN, 2 ** 53]) {
      expect(problem(() => formatCheckpoint({ origin: "o", size, rootHash: root }))).toBe("size");
    }
    expect(problem(() => formatCheckpoint({ origin: "o", size: 1, rootHash: root.subarray(1) }))).toBe("root-hash");
    expect(problem(() => formatCheckpoint({ origin: "o", size: 1, rootHash: root, extensions: ["x", ""] }))).toBe("extension");
    expect(problem(() => formatCheckpoint({ origin: "o", size: 1, rootHash: root, extensions: ["x\ny"] }))).toBe("extension");
  });
});
