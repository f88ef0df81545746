import { leafHash, nodeHash } from "../../src/transparency/merkle-tree";
import type { NodeSource } from "../../src/transparency/stored-tree";

/**
 * The stored nodes of a log of up to 2^53 - 1 identical leaves, made on demand: every complete
 * subtree at level L has the same hash. It is a true RFC 9162 tree, so roots and proofs read
 * from it verify, at sizes no test could fill. `reads` holds the number of keys of each call.
 */
export function uniformTree(): { source: NodeSource; reads: number[]; leaf: Buffer } {
  const byLevel = [leafHash(Buffer.from("same record"))];
  for (let level = 1; level < 53; level += 1) byLevel.push(nodeHash(byLevel[level - 1], byLevel[level - 1]));
  const reads: number[] = [];
  const source: NodeSource = {
    readNodes: async keys => {
      reads.push(keys.length);
      return keys.map(key => byLevel[key.level]);
    },
  };
  return { source, reads, leaf: byLevel[0] };
}
