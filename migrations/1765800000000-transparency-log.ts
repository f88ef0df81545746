import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from "typeorm";

/** The empty tree's root, SHA-256 of the empty string, base64. */
const EMPTY_ROOT = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";

/**
 * The transparency log (RFC 9162 §2.1) beside the records it covers:
 * - `transparency_nodes`: the hash (base64) of every complete subtree, level 0 being the leaf
 *   hashes: node (level, index) covers leaves [index·2^level, (index+1)·2^level). A root or a
 *   proof reads O(log n) of them.
 * - `transparency_state`: one row, the tree's size and root, and the sequencer's lease (which
 *   instance extends the tree, until when). Taken by a conditional UPDATE, so it needs no
 *   engine-specific lock (no SKIP LOCKED, no GET_LOCK).
 * - `log_index` on admin actions and admin changes, as access records have it: the record's
 *   leaf, null until sequenced; unique, so no two records can claim one leaf.
 */
export class TransparencyLog1765800000000 implements MigrationInterface {
  name = "TransparencyLog1765800000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(new Table({
      name: "transparency_nodes",
      columns: [
        { name: "level", type: "int", isPrimary: true },
        { name: "node_index", type: "bigint", isPrimary: true },
        { name: "hash", type: "varchar", length: "44", isNullable: false },
      ],
    }));
    await queryRunner.createTable(new Table({
      name: "transparency_state",
      columns: [
        { name: "id", type: "int", isPrimary: true },
        { name: "tree_size", type: "bigint", isNullable: false },
        { name: "root_hash", type: "varchar", length: "44", isNullable: false },
        { name: "lease_owner", type: "varchar", length: "64", isNullable: true },
        { name: "lease_until", type: "datetime", precision: 3, isNullable: true },
      ],
    }));
    await queryRunner.query("INSERT INTO transparency_state (id, tree_size, root_hash) VALUES (1, 0, ?)", [EMPTY_ROOT]);
    for (const table of ["admin_actions", "admin_changes"]) {
      await queryRunner.addColumn(table, new TableColumn({ name: "log_index", type: "bigint", isNullable: true }));
      await queryRunner.createIndex(table, new TableIndex({ name: `idx_${table}_log_index`, columnNames: ["log_index"], isUnique: true }));
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ["admin_changes", "admin_actions"]) {
      await queryRunner.dropIndex(table, `idx_${table}_log_index`);
      await queryRunner.dropColumn(table, "log_index");
    }
    await queryRunner.query("UPDATE access_records SET log_index = NULL");
    await queryRunner.dropTable("transparency_state");
    await queryRunner.dropTable("transparency_nodes");
  }
}
