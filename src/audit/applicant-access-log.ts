import { DataSource, In } from "typeorm";
import { type Connection, byAccessTime, listOf, pageRequest, pastAccessTime, toConnection } from "../common/relay-pagination";
import { PiiAccess } from "../model/pii-access.entity";

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
  const page = pageRequest(listOf("accessLog", byAccessTime), first, after);
  if (applicantIds.length === 0) return toConnection([], page);
  const own = { applicantId: In([...applicantIds]) };
  const rows = await dataSource.getRepository(PiiAccess).find({
    // Every lender read adds rows at the top while the applicant pages: the next page is the
    // rows older than the last one shown, never an offset that those new rows would shift.
    // Served by the (applicant_id, at, id) index.
    where: page.after === null ? own : pastAccessTime(page.after).map(past => ({ ...own, ...past })),
    order: { at: "DESC", id: "DESC" },
    take: page.take + 1,
  });
  return toConnection(rows, page);
}
