import { DataSource, In } from "typeorm";
import { type Connection, byAccessPosition, listOf } from "../common/relay-pagination";
import type { PiiAccess } from "../model/pii-access.type";
import { accessLogPage } from "./access-log-view";

/**
 * One page of the access log of a person's identity rows (one per application), newest first:
 * what myAccessLog and myData.accessLog both show.
 */
export async function applicantAccessLogPage(
  dataSource: DataSource,
  applicantIds: readonly string[],
  first: number | null | undefined,
  after: string | null | undefined,
): Promise<Connection<PiiAccess>> {
  // One list kind for both fields: they show the same rows, so either's cursor pages either.
  // Every lender read adds records at the top while the applicant pages: the next page is the
  // reads older than the last one shown, never an offset those new reads would shift. Served by
  // the (applicant_id, at, id) index.
  return accessLogPage(dataSource, listOf("accessLog", byAccessPosition), {
    where: applicantIds.length === 0 ? [] : { applicantId: In([...applicantIds]) },
  }, first, after);
}
