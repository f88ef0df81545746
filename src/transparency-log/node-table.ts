import type { EntityManager } from "typeorm";
import { TransparencyNode } from "../model/transparency-state.entity";
import type { NodeKey, NodeSource, StoredNode } from "../transparency/stored-tree";

/** Nodes per INSERT: a pass of 2,000 leaves completes about 4,000 nodes (3 parameters each, under every driver's limit). */
const NODES_PER_STATEMENT = 2000;

/** The complete-subtree hashes of the log, in `transparency_nodes`, read and written through one manager (a transaction's, or the data source's). */
export class NodeTable implements NodeSource {
  constructor(private readonly manager: EntityManager) {}

  /** The hashes of `keys`, in their order, in one SELECT. A missing node is an error: the tree is not what its head says. */
  async readNodes(keys: readonly NodeKey[]): Promise<readonly Buffer[]> {
    if (keys.length === 0) return [];
    const rows = await this.manager.getRepository(TransparencyNode).find({ where: keys.map(key => ({ level: key.level, index: key.index })) });
    const byKey = new Map(rows.map(row => [`${row.level}/${row.index}`, Buffer.from(row.hash, "base64")]));
    return keys.map(key => {
      const hash = byKey.get(`${key.level}/${key.index}`);
      if (!hash) throw new Error(`transparency log node ${key.level}/${key.index} is missing`);
      return hash;
    });
  }

  /** Multi-row INSERTs with bound parameters (TypeORM's builder spends longer on hundreds of rows than the database does). */
  async writeNodes(nodes: readonly StoredNode[]): Promise<void> {
    for (let start = 0; start < nodes.length; start += NODES_PER_STATEMENT) {
      const chunk = nodes.slice(start, start + NODES_PER_STATEMENT);
      await this.manager.query(
        `INSERT INTO transparency_nodes (level, node_index, hash) VALUES ${chunk.map(() => "(?, ?, ?)").join(", ")}`,
        chunk.flatMap(node => [node.level, node.index, node.hash.toString("base64")]),
      );
    }
  }
}
