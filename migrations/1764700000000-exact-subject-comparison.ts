import { MigrationInterface, QueryRunner } from "typeorm";

/** Exact, byte-wise collations, best first: NO PAD (trailing spaces count) where the server has one. */
const EXACT_COLLATIONS = ["utf8mb4_nopad_bin", "utf8mb4_0900_bin"] as const;
/** Every MySQL/MariaDB with utf8mb4 has it; byte-wise but PAD SPACE (ignores trailing spaces). */
const FALLBACK_COLLATION = "utf8mb4_bin";

/** The columns that decide whose rows are whose; all three are VARCHAR(128) NOT NULL. */
const EXACT_COLUMNS: Record<string, string[]> = {
  applicants: ["subject"],
  applications: ["applicant_subject", "idempotency_key"],
};

/**
 * Subjects and idempotency keys compare byte for byte. MySQL/MariaDB give a plain VARCHAR the
 * table's default collation, which is case- and accent-insensitive (and PAD SPACE): the applicant
 * "alice" would see, and erase, the applications of "Alice" or "alicé", and a key would replay
 * across case. SQLite already compares exactly, so it has nothing to do here.
 *
 * MySQL-only DDL, hence raw SQL: the Table API has no portable way to say "exact". MODIFY keeps
 * the indexes on these columns. The unique (applicant_subject, idempotency_key) index cannot
 * conflict: an exact collation only splits values the old one held equal, never merges them.
 * The collation name comes from the constants above, never from input.
 */
export class ExactSubjectComparison1764700000000 implements MigrationInterface {
  name = "ExactSubjectComparison1764700000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    if (!isMysql(queryRunner)) return;
    const collation = await exactCollation(queryRunner);
    await modifyColumns(queryRunner, `VARCHAR(128) CHARACTER SET utf8mb4 COLLATE ${collation} NOT NULL`);
  }

  /**
   * Back to the table's default collation (MODIFY without one takes the table's). For development
   * databases: fails if two rows differing only in case, accent or trailing space share a key.
   */
  public async down(queryRunner: QueryRunner): Promise<void> {
    if (!isMysql(queryRunner)) return;
    await modifyColumns(queryRunner, "VARCHAR(128) NOT NULL");
  }
}

function isMysql(queryRunner: QueryRunner): boolean {
  const type = queryRunner.connection.options.type;
  return type === "mysql" || type === "mariadb";
}

async function exactCollation(queryRunner: QueryRunner): Promise<string> {
  const rows: Array<{ Collation: string }> = await queryRunner.query("SHOW COLLATION WHERE Charset = 'utf8mb4'");
  const available = new Set(rows.map(row => row.Collation));
  return EXACT_COLLATIONS.find(name => available.has(name)) ?? FALLBACK_COLLATION;
}

async function modifyColumns(queryRunner: QueryRunner, definition: string): Promise<void> {
  for (const [table, columns] of Object.entries(EXACT_COLUMNS)) {
    // One ALTER per table: one rebuild, and both index columns change together.
    const changes = columns.map(column => `MODIFY \`${column}\` ${definition}`);
    await queryRunner.query(`ALTER TABLE \`${table}\` ${changes.join(", ")}`);
  }
}
