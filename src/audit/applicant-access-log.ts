import { DataSource, In } from "typeorm";
import { Connection, pageRequest, toConnection } from "../common/connection";
import { PiiAccess } from "./pii-access.entity";

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
  const page = pageRequest(first, after);
  if (applicantIds.length === 0) return toConnection([], page);
  const rows = await dataSource.getRepository(PiiAccess).find({
    where: { applicantId: In([...applicantIds]) },
    order: { seq: "DESC" },
    skip: page.skip,
    take: page.take + 1,
  });
  return toConnection(rows, page);
}
