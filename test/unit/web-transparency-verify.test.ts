import { formatCheckpoint } from "../../src/transparency/checkpoint";
import { signNote } from "../../src/transparency/signed-note";
import { signerFromSeed } from "../../src/transparency/verifier-key";
import { decodeHashes, leafHash, verifyCheckpoint, verifyInclusion } from "../../web/src/console/transparency/verify";
import { INCLUSION_VECTORS, INPUTS, LEAF_HASHES, ROOTS } from "../support/rfc6962-vectors";

/**
 * The console checks the log in the browser with WebCrypto (web/src/console/transparency/verify.ts);
 * Node 20 has the same WebCrypto, so the published known answers run against that code here.
 */
const hex = (text: string) => Uint8Array.from(Buffer.from(text, "hex"));
const base64 = (hexText: string) => Buffer.from(hexText, "hex").toString("base64");

describe("the console's in-browser transparency checks", () => {
  it("hashes leaves as RFC 6962 does", async () => {
    for (const [index, input] of INPUTS.entries()) {
      expect(Buffer.from(await leafHash(hex(input))).toString("hex")).toBe(LEAF_HASHES[index]);
    }
  });

  it("accepts every published inclusion proof and refuses each one altered", async () => {
    for (const vector of INCLUSION_VECTORS) {
      const leaf = hex(LEAF_HASHES[vector.index]);
      const root = hex(ROOTS[vector.treeSize]);
      const proof = decodeHashes(vector.proof.map(base64));
      await expect(verifyInclusion(leaf, vector.index, vector.treeSize, proof, root)).resolves.toBe(true);
      // Another leaf, another index, a shorter or longer path, a flipped bit: all refused.
      await expect(verifyInclusion(hex(LEAF_HASHES[(vector.index + 1) % 8]), vector.index, vector.treeSize, proof, root)).resolves.toBe(false);
      if (vector.treeSize > 1) {
        await expect(verifyInclusion(leaf, (vector.index + 1) % vector.treeSize, vector.treeSize, proof, root)).resolves.toBe(false);
        await expect(verifyInclusion(leaf, vector.index, vector.treeSize, proof.slice(1), root)).resolves.toBe(false);
        const flipped = proof.map(step => Uint8Array.from(step));
        flipped[0][0] ^= 1;
        await expect(verifyInclusion(leaf, vector.index, vector.treeSize, flipped, root)).resolves.toBe(false);
      }
      await expect(verifyInclusion(leaf, vector.index, vector.treeSize, [...proof, hex(ROOTS[1])], root)).resolves.toBe(false);
      await expect(verifyInclusion(leaf, vector.treeSize, vector.treeSize, proof, root)).resolves.toBe(false);
    }
  });

  it("verifies a checkpoint signed by the gateway's own signer, and nothing signed otherwise", async () => {
    const signer = signerFromSeed("log.example/gateway", Buffer.alloc(32, 7));
    const other = signerFromSeed("log.example/gateway", Buffer.alloc(32, 9));
    const text = formatCheckpoint({ origin: "log.example/gateway", size: 8, rootHash: Buffer.from(ROOTS[8], "hex") });
    const note = signNote(text, signer);
    const checkpoint = await verifyCheckpoint(note, signer.verifierKey.text);
    expect(checkpoint).toEqual({ origin: "log.example/gateway", size: 8, rootHash: hex(ROOTS[8]) });
    await expect(verifyCheckpoint(signNote(text, other), signer.verifierKey.text)).resolves.toBeNull();
    await expect(verifyCheckpoint(note.replace("\n8\n", "\n9\n"), signer.verifierKey.text)).resolves.toBeNull();
  });

  it("verifies the C2SP signed-note example with its published key", async () => {
    // c2sp.org/signed-note's example; its text is not a checkpoint, so the signature verifies
    // and the reading as a checkpoint then refuses it.
    const key = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";
    const note = "This is an example message.\n\n— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n";
    await expect(verifyCheckpoint(note, key)).resolves.toBeNull();
    await expect(verifyCheckpoint(note, "example.com/foo+530d903b+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k")).rejects.toThrow("key hash");
  });
});
