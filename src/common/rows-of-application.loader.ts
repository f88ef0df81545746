import DataLoader from "dataloader";
import { FindOptionsOrder, FindOptionsWhere, In, ObjectLiteral, Repository } from "typeorm";
import { groupBy } from "./group-by";

/**
 * A per-request loader of the rows hanging off applications (leads, consents), oldest first,
 * within a lender's row scope when `lenderId` is given: one query for a whole page.
 */
export function rowsOfApplicationLoader<T extends ObjectLiteral & { applicationId: string }>(
  repository: Repository<T>,
  lenderId: string | undefined,
  order: FindOptionsOrder<T>,
): DataLoader<string, T[]> {
  return new DataLoader(async applicationIds => {
    const where = { applicationId: In([...applicationIds]), ...(lenderId ? { lenderId } : {}) } as unknown as FindOptionsWhere<T>;
    const byApplication = groupBy(await repository.find({ where, order }), row => row.applicationId);
    return applicationIds.map(applicationId => byApplication.get(applicationId) ?? []);
  });
}
