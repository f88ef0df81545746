import { MigrationInterface, QueryRunner } from "typeorm";
import { UNKNOWN_REGION } from "../src/regions/division-dataset";
import { regionNameOf, resolveApplicantCity, resolveServedRegion } from "../src/regions/region-lookup";

const BATCH = 500;

/**
 * Cities become GB/T 2260 codes (src/regions). `applications.city` was free text that every
 * matching lender saw without consent, so whatever a frontend put there reached them; from now on
 * it holds a code, shown by its official name.
 *
 * - `applications.city`: each stored text read as an applicant's city is today (`北京` →
 *   `110000`, `武侯区` → `510100`). A text that names no division, several (`朝阳区`) or a
 *   province gets `000000`, the unknown region, shown as `未知地区`: the text is gone, never
 *   sent again. Rows are keyed by id, so a collation that folds case or width merges nothing.
 * - `lenders.cities`: each entry read as a region a lender serves (`北京` → `110000`, `四川` →
 *   `510000`, which now covers every city in Sichuan). An entry that names no province or city
 *   is dropped, never widened; a list left with none is `[]`, serving no city (never `null`,
 *   which would serve every city).
 *
 * Plain SQL with `?` parameters, the same on better-sqlite3 and MySQL/MariaDB. Running it again
 * changes nothing: a code reads as itself, the unknown region stays unknown.
 */
export class RegionCodes1765200000000 implements MigrationInterface {
  name = "RegionCodes1765200000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await rewriteApplicationCities(queryRunner, city => {
      const found = resolveApplicantCity(city);
      return found.ok ? found.code : UNKNOWN_REGION.code;
    });
    await rewriteLenderCities(queryRunner, cities => [...new Set(cities.flatMap(city => {
      const found = resolveServedRegion(city);
      return found.ok ? [found.code] : [];
    }))]);
  }

  /** For development databases: codes back to official names (`110000` → `北京市`); the texts replaced are gone. */
  public async down(queryRunner: QueryRunner): Promise<void> {
    await rewriteApplicationCities(queryRunner, code => regionNameOf(code) ?? code);
    await rewriteLenderCities(queryRunner, codes => codes.map(code => regionNameOf(code) ?? code));
  }
}

async function rewriteApplicationCities(queryRunner: QueryRunner, rewrite: (city: string) => string): Promise<void> {
  for (let after = ""; ;) {
    const rows: Array<{ id: string; city: string }> = await queryRunner.query(
      `SELECT id, city FROM applications WHERE id > ? ORDER BY id LIMIT ${BATCH}`, [after],
    );
    if (rows.length === 0) return;
    const idsByCity = new Map<string, string[]>();
    for (const row of rows) {
      const city = rewrite(row.city);
      if (city !== row.city) idsByCity.set(city, [...(idsByCity.get(city) ?? []), row.id]);
    }
    for (const [city, ids] of idsByCity) {
      await queryRunner.query(`UPDATE applications SET city = ? WHERE id IN (${ids.map(() => "?").join(", ")})`, [city, ...ids]);
    }
    after = rows[rows.length - 1].id;
  }
}

async function rewriteLenderCities(queryRunner: QueryRunner, rewrite: (cities: string[]) => string[]): Promise<void> {
  const lenders: Array<{ id: string; cities: string }> = await queryRunner.query("SELECT id, cities FROM lenders WHERE cities IS NOT NULL");
  for (const lender of lenders) {
    const cities = JSON.stringify(rewrite(JSON.parse(lender.cities) as string[]));
    if (cities !== lender.cities) await queryRunner.query("UPDATE lenders SET cities = ? WHERE id = ?", [cities, lender.id]);
  }
}
