import type { DataSource } from "typeorm";

/**
 * Whether the MySQL server behind `dataSource` is a Galera node (`wsrep_on` is ON). A SHOW
 * statement is exempt from Galera's causal wait, so this answers even on a node that cannot sync.
 */
export async function isGaleraNode(dataSource: DataSource): Promise<boolean> {
  const rows = (await dataSource.query("SHOW VARIABLES LIKE 'wsrep_on'")) as Array<{ Value?: unknown }>;
  return rows.length > 0 && String(rows[0].Value).toUpperCase() === "ON";
}
