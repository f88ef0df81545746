/** The benchmark's own settings, from the command line: `npm run bench -- --duration 20 --connections 8`. */
export interface BenchOptions {
  /** Seconds of measured load per row. */
  duration: number;
  /** Seconds of unmeasured load before each row, so the JIT and caches are warm. */
  warmup: number;
  /** Concurrent HTTP connections autocannon keeps open. */
  connections: number;
  /** Leads per page in the benchmarked query (the target scenario: 100). */
  pageSize: number;
  /** Applications seeded; each becomes a lead of the benchmarked lender with consent to all four categories. */
  applications: number;
  /** Run only these rows (1–5), e.g. `--rows 1,2`. Row 5 is a diagnostic: the floor without its access-log insert. */
  rows: RowNumber[];
  /** Write a V8 CPU profile of each row's server into bench/profiles/. */
  cpuProf: boolean;
}

export type RowNumber = 1 | 2 | 3 | 4 | 5;

const DEFAULTS: BenchOptions = {
  duration: 10,
  warmup: 2,
  connections: 10,
  pageSize: 100,
  applications: 120,
  rows: [1, 2, 3, 4, 5],
  cpuProf: false,
};

const USAGE = `usage: npm run bench -- [--duration S] [--warmup S] [--connections N] [--page-size N]
                        [--applications N] [--rows 1,2,3,4,5] [--cpu-prof]
Database: the embedded SQLite default, or DATABASE_URL=mysql://… (the benchmark WIPES that database).`;

export class UsageError extends Error {}

function positiveInteger(flag: string, raw: string | undefined, max: number): number {
  if (raw === undefined || !/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > max) {
    throw new UsageError(`${flag} needs a whole number between 1 and ${max}\n${USAGE}`);
  }
  return Number(raw);
}

export function parseOptions(argv: readonly string[]): BenchOptions {
  const options: BenchOptions = { ...DEFAULTS };
  for (let index = 0; index < argv.length; index++) {
    const flag = argv[index];
    const value = () => argv[++index];
    switch (flag) {
      case "--duration": options.duration = positiveInteger(flag, value(), 3600); break;
      case "--warmup": options.warmup = Number(value() ?? "x"); break;
      case "--connections": options.connections = positiveInteger(flag, value(), 1000); break;
      case "--page-size": options.pageSize = positiveInteger(flag, value(), 100); break;
      case "--applications": options.applications = positiveInteger(flag, value(), 100000); break;
      case "--rows": options.rows = parseRows(value()); break;
      case "--cpu-prof": options.cpuProf = true; break;
      case "--help": throw new UsageError(USAGE);
      default: throw new UsageError(`unknown option ${flag}\n${USAGE}`);
    }
  }
  if (!Number.isInteger(options.warmup) || options.warmup < 0) throw new UsageError(`--warmup needs a whole number of seconds\n${USAGE}`);
  if (options.applications < options.pageSize) throw new UsageError(`--applications must be at least --page-size\n${USAGE}`);
  return options;
}

function parseRows(raw: string | undefined): RowNumber[] {
  const rows = (raw ?? "").split(",").map(Number);
  if (rows.length === 0 || rows.some(row => ![1, 2, 3, 4, 5].includes(row))) throw new UsageError(`--rows takes numbers 1 to 5\n${USAGE}`);
  return [...new Set(rows)].sort() as RowNumber[];
}
