import { Logger as TypeOrmLogger } from "typeorm";

/**
 * A TypeORM logger that only counts the SQL statements sent to the database (transaction
 * control included). It is installed by the tests and the benchmark, never by `main.ts`; even
 * so it is harmless: one integer increment per statement, and it never sees parameter values,
 * so it cannot leak identity. Statement counts are how the tests prove that a page of leads
 * costs the same number of round trips whatever its size (no N+1).
 */
export class StatementCounter implements TypeOrmLogger {
  private total = 0;
  private captured: string[] | null = null;

  /** Statements since the process opened the database. */
  get count(): number {
    return this.total;
  }

  /**
   * Counts the statements issued while `work` runs. Meant for one request at a time (tests
   * and the benchmark's probe); concurrent work would be counted together. The SQL text (with
   * placeholders, never values) is returned to explain a failing assertion.
   */
  async measure<T>(work: () => Promise<T>): Promise<{ result: T; statements: number; sql: string[] }> {
    const before = this.total;
    const sql: string[] = [];
    this.captured = sql;
    try {
      const result = await work();
      return { result, statements: this.total - before, sql };
    } finally {
      this.captured = null;
    }
  }

  logQuery(query: string): void {
    this.total += 1;
    this.captured?.push(query);
  }

  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}
