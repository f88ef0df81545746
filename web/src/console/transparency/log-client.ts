import { type Checkpoint, decodeHashes, fromBase64, leafHash, toBase64, verifyCheckpoint, verifyInclusion } from "./verify";

/** What the page shows of the signed checkpoint: verified or not, and what it says. */
export type CheckpointCheck = { verified: true; checkpoint: Checkpoint; rootBase64: string; key: string } | { verified: false };

export type InclusionCheck =
  | { outcome: "verified"; index: number; size: number }
  | { outcome: "failed"; index: number }
  | { outcome: "notInTree"; index: number }
  | { outcome: "unavailable"; index: number };

async function text(path: string): Promise<string> {
  const response = await fetch(path, { credentials: "omit" });
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return response.text();
}

/**
 * The log's current checkpoint, checked against the key the gateway publishes. That key comes
 * from the gateway being checked, so the page shows it for comparison with the key auditors
 * and witnesses hold (a gateway that swapped its key would pass this check alone).
 */
export async function checkCheckpoint(): Promise<CheckpointCheck> {
  const [note, key] = await Promise.all([text("/transparency/checkpoint"), text("/transparency/key")]);
  const checkpoint = await verifyCheckpoint(note, key).catch(() => null);
  return checkpoint ? { verified: true, checkpoint, rootBase64: toBase64(checkpoint.rootHash), key: key.trim() } : { verified: false };
}

/**
 * Fetches leaf `index` (admins may see every leaf; the token goes in a header, never the URL) and
 * its inclusion proof in the checkpoint's tree, and checks the proof against the signed root.
 */
export async function checkInclusion(index: number, checkpoint: Checkpoint, token: string): Promise<InclusionCheck> {
  if (index >= checkpoint.size) return { outcome: "notInTree", index };
  const leafResponse = await fetch(`/transparency/leaves/${index}`, { headers: { authorization: `Bearer ${token}` }, credentials: "omit" });
  const proofResponse = await fetch(`/transparency/proof/inclusion?index=${index}&size=${checkpoint.size}`, { credentials: "omit" });
  if (!leafResponse.ok || !proofResponse.ok) return { outcome: "unavailable", index };
  const leaf = (await leafResponse.json()) as { leaf: string };
  const proof = (await proofResponse.json()) as { hashes: string[] };
  const hash = await leafHash(fromBase64(leaf.leaf));
  const verified = await verifyInclusion(hash, index, checkpoint.size, decodeHashes(proof.hashes), checkpoint.rootHash).catch(() => false);
  return verified ? { outcome: "verified", index, size: checkpoint.size } : { outcome: "failed", index };
}
