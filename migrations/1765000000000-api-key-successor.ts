import { MigrationInterface, QueryRunner, TableColumn } from "typeorm";

/**
 * `api_keys.replaced_by`: the id of the key that replaced this one by rotation. It tells a key
 * in its grace period (rotated once already, refused a second rotation) from a key issued with
 * an expiry, which `expires_at` alone cannot. Keys rotated before this migration have none.
 */
export class ApiKeySuccessor1765000000000 implements MigrationInterface {
  name = "ApiKeySuccessor1765000000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn("api_keys", new TableColumn({ name: "replaced_by", type: "varchar", length: "16", isNullable: true }));
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn("api_keys", "replaced_by");
  }
}
