import { MigrationInterface, QueryRunner, Table, TableColumnOptions, TableForeignKey, TableIndex } from "typeorm";

const varchar = (name: string, length: number, nullable = false): TableColumnOptions => ({ name, type: "varchar", length: String(length), isNullable: nullable });
const timestamp = (name: string, nullable = false): TableColumnOptions => ({ name, type: "datetime", precision: 3, isNullable: nullable });
const toLenders = new TableForeignKey({ columnNames: ["lender_id"], referencedTableName: "lenders", referencedColumnNames: ["id"] });

/**
 * Lenders' own public keys, the access tokens issued against their client assertions (hashes
 * only), and the assertion ids already used (replay protection shared by every instance).
 */
export class LenderPublicKeys1765400000000 implements MigrationInterface {
  name = "LenderPublicKeys1765400000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(new Table({
      name: "lender_public_keys",
      columns: [
        { ...varchar("id", 36), isPrimary: true }, varchar("lender_id", 36), varchar("kid", 64), varchar("algorithm", 8),
        { name: "public_jwk", type: "text" }, varchar("label", 100, true), timestamp("created_at"), timestamp("approved_at", true),
        timestamp("last_used_at", true), timestamp("revoked_at", true),
      ],
      foreignKeys: [toLenders],
      indices: [
        new TableIndex({ name: "uq_lender_public_keys_kid", columnNames: ["kid"], isUnique: true }),
        new TableIndex({ name: "idx_lender_public_keys_lender", columnNames: ["lender_id"] }),
      ],
    }));
    await queryRunner.createTable(new Table({
      name: "lender_access_tokens",
      columns: [
        { ...varchar("id", 16), isPrimary: true }, varchar("public_key_id", 36), varchar("lender_id", 36), varchar("secret_hash", 64),
        timestamp("created_at"), timestamp("expires_at"),
      ],
      indices: [new TableIndex({ name: "idx_lender_access_tokens_expiry", columnNames: ["expires_at"] })],
    }));
    await queryRunner.createTable(new Table({
      name: "client_assertion_jtis",
      columns: [{ ...varchar("lender_id", 36), isPrimary: true }, { ...varchar("jti", 128), isPrimary: true }, timestamp("expires_at")],
      indices: [new TableIndex({ name: "idx_client_assertion_jtis_expiry", columnNames: ["expires_at"] })],
    }));
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable("client_assertion_jtis");
    await queryRunner.dropTable("lender_access_tokens");
    await queryRunner.dropTable("lender_public_keys");
  }
}
