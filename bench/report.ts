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
  /** CPU milliseconds (user + system) of the row's server process during the measured run, per request sent; null where /proc cannot be read. */
  serverCpuMsPerRequest: number | null;
  /** The same for the local MySQL/MariaDB server; null on SQLite (in the server process) or when the database is not local. */
  databaseCpuMsPerRequest: number | null;
  /** Non-2xx responses, bodies other than the checked page, socket errors and timeouts during the measured run. */
  failures: number;
  /** The transparency sequencer in this row's server (gateway rows), over the measured run and the drain after it. */
  sequencer?: SequencerResult;
  /** Row 1 only: the second scenario, one chosen applicant's lead with and without identity. */
  single?: SingleLeadResult;
}

export interface SequencerResult {
  /** Leaves appended while the run went on and until the backlog was drained. */
  leaves: number;
  /** Records written per second during the measured run (what the sequencer must keep up with). */
  writeRatePerSecond: number;
  /** Leaves per second of sequencer busy time: how many it can append at most. */
  capacityPerSecond: number | null;
  /** The smallest histogram bound (seconds) under which 99 % of the merge delays fell; null without leaves. */
  mergeDelayP99AtMost: number | null;
  /** Statements the sequencer sent, per request answered (not counted in statements/request). */
  statementsPerRequest: number;
}

export interface SingleLeadResult {
  withIdentity: { requestsPerSecond: number; p50: number; p99: number; failures: number };
  withoutIdentity: { requestsPerSecond: number; p50: number; p99: number; failures: number };
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

/** The performance targets: row 1 against each other row, by throughput. */
const TARGETS: Array<{ other: RowNumber; atLeast: number }> = [
  { other: 2, atLeast: 0.7 },
  { other: 3, atLeast: 10 },
  { other: 4, atLeast: 0.8 },
];

/** The target on statements: at most this many per request, the same at every page size. */
const MAX_STATEMENTS = 6;
/** TRANSPARENCY_MERGE_DELAY_SECONDS's default: p99 of the merge delay must stay within it during the run. */
const MERGE_DELAY_TARGET_SECONDS = 2;

const fixed = (value: number, digits = 1) => value.toFixed(digits);
const cpu = (value: number | null) => (value === null ? "–" : fixed(value, 2));

/** Server plus database CPU per request; null when either should be there and is not. */
function totalCpu(result: RowResult, database: string): number | null {
  if (result.serverCpuMsPerRequest === null) return null;
  if (database === "sqlite") return result.serverCpuMsPerRequest;
  return result.databaseCpuMsPerRequest === null ? null : result.serverCpuMsPerRequest + result.databaseCpuMsPerRequest;
}

/**
 * What the access-log insert alone costs (row 4 minus row 5: the floor with and without it)
 * and the best row1/row2 that leaves: a row 1 that cost row 2 plus that one insert and
 * nothing else. Throughput is taken as inversely proportional to CPU per request, which is
 * how a machine whose cores are all busy behaves; the measured row5/row4 is printed beside it.
 */
function auditCostLines(byRow: Map<RowNumber, RowResult>, database: string): string[] {
  const [row2, row4, row5] = [byRow.get(2), byRow.get(4), byRow.get(5)];
  if (!row2 || !row4 || !row5) return [];
  const [cpu2, cpu4, cpu5] = [totalCpu(row2, database), totalCpu(row4, database), totalCpu(row5, database)];
  const lines = [
    "",
    "What the access-log insert alone costs (row 4 with it, row 5 without it):",
    "",
    `- floor throughput without the insert: row5/row4 = ${fixed(row5.requestsPerSecond / Math.max(row4.requestsPerSecond, 1e-9), 2)}`,
  ];
  if (cpu2 === null || cpu4 === null || cpu5 === null) {
    lines.push("- CPU per request could not be read here, so no bound is computed");
    return lines;
  }
  const insert = Math.max(cpu4 - cpu5, 0);
  const best = cpu2 / (cpu2 + insert);
  lines.push(
    `- CPU per request: ${fixed(insert, 2)} ms for the insert; row 2 needs ${fixed(cpu2, 2)} ms in all`,
    `- a row 1 costing row 2 plus that insert and nothing else would reach row1/row2 ≈ ${fixed(best, 2)} (target ≥ 0.7)`,
  );
  const row1 = byRow.get(1);
  const cpu1 = row1 ? totalCpu(row1, database) : null;
  if (cpu1 !== null) lines.push(`- row 1 needs ${fixed(cpu1, 2)} ms: ${fixed(cpu1 - cpu2, 2)} ms more than row 2, of which the insert is ${fixed(insert, 2)}`);
  return lines;
}

export function renderReport(results: RowResult[], facts: RunFacts): string {
  const byRow = new Map(results.map(result => [result.row, result]));
  const sizes = Object.keys(results[0]?.statementsAtPageSize ?? {}).map(Number);
  const lines = [
    `# Benchmark: a lender's page of ${facts.options.pageSize} leads with all four identity fields`,
    "",
    `${new Date().toISOString()} · database: ${facts.database} · ${facts.cores} cores (${facts.cpu}) · Node ${facts.node} (servers: ${facts.serverFlags.join(" ") || "no flags"}) · ` +
      `${facts.options.duration} s per row after ${facts.options.warmup} s warm-up · ${facts.options.connections} connections`,
    "",
    "| row | requests/s | p50 ms | p99 ms | statements/request | server CPU ms/request | database CPU ms/request | failed requests |",
    "|---|---:|---:|---:|---:|---:|---:|---:|",
    ...results.map(result =>
      `| ${result.row}. ${result.name} | ${fixed(result.requestsPerSecond)} | ${result.p50} | ${result.p99} | ${fixed(result.statementsPerRequest, 2)} | ` +
        `${cpu(result.serverCpuMsPerRequest)} | ${facts.database === "sqlite" ? "in the server" : cpu(result.databaseCpuMsPerRequest)} | ${result.failures} |`),
    "",
    "| ratio (throughput) | measured | target | met |",
    "|---|---:|---:|:---:|",
    ...TARGETS.filter(target => byRow.has(1) && byRow.has(target.other)).map(target => {
      const ratio = byRow.get(1)!.requestsPerSecond / Math.max(byRow.get(target.other)!.requestsPerSecond, 1e-9);
      return `| row1/row${target.other} | ${fixed(ratio, 2)} | ≥ ${target.atLeast} | ${ratio >= target.atLeast ? "yes" : "no"} |`;
    }),
    ...auditCostLines(byRow, facts.database),
    "",
    `| SQL statements for one request, by page size | ${sizes.join(" | ")} | constant |`,
    `|---|${sizes.map(() => "---:|").join("")}:---:|`,
    ...results.map(result => {
      const counts = sizes.map(size => result.statementsAtPageSize[size]);
      return `| ${result.row}. ${result.name} | ${counts.join(" | ")} | ${counts.every(count => count === counts[0]) ? "yes" : "no"} |`;
    }),
    ...statementTargetLines(byRow.get(1)),
    ...sequencerLines(results),
    ...singleLeadLines(byRow.get(1)),
  ];
  return lines.join("\n");
}

function statementTargetLines(row1: RowResult | undefined): string[] {
  if (!row1) return [];
  const counts = Object.values(row1.statementsAtPageSize);
  const met = counts.every(count => count === counts[0]) && Math.max(...counts) <= MAX_STATEMENTS;
  return ["", `Row 1 statements per request: ${counts.join(", ")} at the page sizes above (target: the same at every size, ≤ ${MAX_STATEMENTS}): ${met ? "met" : "not met"}.`];
}

function sequencerLines(results: RowResult[]): string[] {
  const rows = results.filter(result => result.sequencer);
  if (rows.length === 0) return [];
  return [
    "",
    "The transparency sequencer in each gateway row's server (off the request path, same process and database):",
    "",
    `| row | leaves appended | records written/s | capacity leaves/s | merge delay p99 | ≤ ${MERGE_DELAY_TARGET_SECONDS} s | sequencer statements/request |`,
    "|---|---:|---:|---:|---:|:---:|---:|",
    ...rows.map(result => {
      const run = result.sequencer!;
      const p99 = run.mergeDelayP99AtMost;
      return `| ${result.row}. ${result.name} | ${run.leaves} | ${fixed(run.writeRatePerSecond)} | ${run.capacityPerSecond === null ? "–" : fixed(run.capacityPerSecond)} | ` +
        `${p99 === null ? "–" : `≤ ${p99} s`} | ${p99 !== null && p99 <= MERGE_DELAY_TARGET_SECONDS ? "yes" : "no"} | ${fixed(run.statementsPerRequest, 2)} |`;
    }),
  ];
}

function singleLeadLines(row1: RowResult | undefined): string[] {
  const single = row1?.single;
  if (!single) return [];
  const { withIdentity: on, withoutIdentity: off } = single;
  return [
    "",
    "Second scenario, row 1: a lender reading one chosen applicant's lead, with its four identity fields and without any:",
    "",
    "| | requests/s | p50 ms | p99 ms | failed |",
    "|---|---:|---:|---:|---:|",
    `| with identity (decided, audited) | ${fixed(on.requestsPerSecond)} | ${on.p50} | ${on.p99} | ${on.failures} |`,
    `| without identity | ${fixed(off.requestsPerSecond)} | ${off.p50} | ${off.p99} | ${off.failures} |`,
    `| ratio with/without | ${fixed(on.requestsPerSecond / Math.max(off.requestsPerSecond, 1e-9), 2)} | ${fixed(on.p50 / Math.max(off.p50, 1e-9), 2)} | ${fixed(on.p99 / Math.max(off.p99, 1e-9), 2)} | |`,
  ];
}
