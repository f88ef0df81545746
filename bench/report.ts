import { BenchOptions, RowNumber } from "./options";

export interface RowResult {
  row: RowNumber;
  name: string;
  requestsPerSecond: number;
  /** Milliseconds. */
  p50: number;
  /** Milliseconds. */
  p99: number;
  /** Under load: every statement the server sent, divided by the requests it answered. */
  statementsPerRequest: number;
  /** One request each, measured alone. */
  statementsAtPageSize: Record<number, number>;
  /** Non-2xx responses, bodies other than the checked page, socket errors and timeouts during the measured run. */
  failures: number;
}

export interface RunFacts {
  options: BenchOptions;
  database: string;
  cores: number;
  cpu: string;
  node: string;
  /** Node flags every row's server ran with. */
  serverFlags: readonly string[];
}

/** The targets: row 1 against each other row, by throughput. */
const TARGETS: Array<{ other: RowNumber; atLeast: number }> = [
  { other: 2, atLeast: 0.85 },
  { other: 3, atLeast: 3 },
  { other: 4, atLeast: 0.5 },
];

const fixed = (value: number, digits = 1) => value.toFixed(digits);

export function renderReport(results: RowResult[], facts: RunFacts): string {
  const byRow = new Map(results.map(result => [result.row, result]));
  const sizes = Object.keys(results[0]?.statementsAtPageSize ?? {}).map(Number);
  const lines = [
    `# Benchmark: a lender's page of ${facts.options.pageSize} leads with all four identity fields`,
    "",
    `${new Date().toISOString()} · database: ${facts.database} · ${facts.cores} cores (${facts.cpu}) · Node ${facts.node} (servers: ${facts.serverFlags.join(" ") || "no flags"}) · ` +
      `${facts.options.duration} s per row after ${facts.options.warmup} s warm-up · ${facts.options.connections} connections`,
    "",
    "| row | requests/s | p50 ms | p99 ms | statements/request | failed requests |",
    "|---|---:|---:|---:|---:|---:|",
    ...results.map(result =>
      `| ${result.row}. ${result.name} | ${fixed(result.requestsPerSecond)} | ${result.p50} | ${result.p99} | ${fixed(result.statementsPerRequest, 2)} | ${result.failures} |`),
    "",
    "| ratio (throughput) | measured | target | met |",
    "|---|---:|---:|:---:|",
    ...TARGETS.filter(target => byRow.has(1) && byRow.has(target.other)).map(target => {
      const ratio = byRow.get(1)!.requestsPerSecond / Math.max(byRow.get(target.other)!.requestsPerSecond, 1e-9);
      return `| row1/row${target.other} | ${fixed(ratio, 2)} | ≥ ${target.atLeast} | ${ratio >= target.atLeast ? "yes" : "no"} |`;
    }),
    "",
    `| SQL statements for one request, by page size | ${sizes.join(" | ")} | constant |`,
    `|---|${sizes.map(() => "---:|").join("")}:---:|`,
    ...results.map(result => {
      const counts = sizes.map(size => result.statementsAtPageSize[size]);
      return `| ${result.row}. ${result.name} | ${counts.join(" | ")} | ${counts.every(count => count === counts[0]) ? "yes" : "no"} |`;
    }),
  ];
  return lines.join("\n");
}
