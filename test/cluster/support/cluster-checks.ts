import type { Connection } from "mysql2/promise";
import { sleep } from "../../faults/support/scenario";

/** What an instance logged (warnings and errors), as `event:errorName:driverCode:path count`, for reading a run. */
export function loggedEvents(output: string): string {
  const events = new Map<string, number>();
  for (const line of output.split("\n")) {
    const event = [/"event":"([a-z_]+)"/, /"errorName":"([A-Za-z]+)"/, /"driverCode":"([A-Z_]+)"/, /"path":\["([A-Za-z]+)"/]
      .map(pattern => pattern.exec(line)?.[1]).filter(Boolean).join(":");
    if (event) events.set(event, (events.get(event) ?? 0) + 1);
  }
  return [...events].map(([event, count]) => `${event} ${count}`).join(", ") || "nothing";
}

/**
 * The transparency sequencer (running on every instance, one holding the lease) gives every
 * record a leaf exactly once although Galera's auto-increment keys of access records
 * interleave across nodes: no record left waiting, no leaf given twice, the head's size the
 * number of records.
 */
export async function expectEverySequenced(database: Connection): Promise<void> {
  const count = async (sql: string) => Number(((await database.query(sql))[0] as any[])[0].n);
  const deadline = Date.now() + 30_000;
  const waiting = "SELECT (SELECT COUNT(*) FROM access_records WHERE log_index IS NULL) + (SELECT COUNT(*) FROM admin_actions WHERE log_index IS NULL) + " +
    "(SELECT COUNT(*) FROM admin_changes WHERE log_index IS NULL) AS n";
  while ((await count(waiting)) > 0 && Date.now() < deadline) await sleep(500);
  expect(await count(waiting)).toBe(0);
  const records = await count("SELECT (SELECT COUNT(*) FROM access_records) + (SELECT COUNT(*) FROM admin_actions) + (SELECT COUNT(*) FROM admin_changes) AS n");
  const leaves = await count("SELECT COUNT(DISTINCT log_index) AS n FROM (SELECT log_index FROM access_records UNION ALL SELECT log_index FROM admin_actions UNION ALL SELECT log_index FROM admin_changes) AS leaves");
  expect(leaves).toBe(records);
  expect(await count("SELECT tree_size AS n FROM transparency_state")).toBe(records);
  console.log(`sequencer: ${records} records, each with its own leaf`);
}

/** Every application gets a lead from each ACTIVE lender that fits: as many as there are then. */
export async function leadsPerApplication(database: Connection): Promise<number> {
  const [rows] = await database.query("SELECT COUNT(*) AS n FROM lenders WHERE status = 'ACTIVE'");
  return Number((rows as any[])[0].n);
}
