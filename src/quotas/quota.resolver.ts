import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import type { GatewayContext } from "../context";
import { BadUserInputError, NotFoundError } from "../errors/gateway-error";
import { Lender } from "../model/lender.entity";
import { LenderAnomaly, findLenderAnomalies } from "./lender-anomaly";

const DEFAULT_ANOMALY_THRESHOLD = 20;

@Resolver(_of => Lender)
export class QuotaResolver {
  @Query(_returns => [LenderAnomaly], {
    description: "Admin: lenders whose DENIED identity reads in [from, to) exceed `threshold`, most first.",
  })
  async lenderAnomalies(
    @Arg("from") from: Date,
    @Arg("to") to: Date,
    @Ctx() context: GatewayContext,
    @Arg("threshold", _type => Int, { defaultValue: DEFAULT_ANOMALY_THRESHOLD }) threshold: number,
  ): Promise<LenderAnomaly[]> {
    const anomalies = await findLenderAnomalies(context.dataSource, from, to, threshold);
    for (const anomaly of anomalies) context.quotas.noteAnomaly(anomaly);
    return anomalies;
  }

  @Mutation(_returns => Lender, { description: "Admin: the lender's daily identity-read budget; null returns it to the default." })
  async setLenderReadBudget(
    @Arg("lenderId", _type => ID) lenderId: string,
    @Ctx() context: GatewayContext,
    @Arg("dailyReadBudget", _type => Int, { nullable: true }) dailyReadBudget?: number | null,
  ): Promise<Lender> {
    const budget = dailyReadBudget ?? null;
    if (budget !== null && (budget < 0 || budget > 100_000_000)) throw new BadUserInputError("dailyReadBudget", "must lie between 0 and 100000000");
    const lender = await context.dataSource.getRepository(Lender).findOneBy({ id: lenderId });
    if (!lender) throw new NotFoundError("Lender");
    await context.dataSource.getRepository(Lender).update({ id: lenderId }, { dailyReadBudget: budget });
    lender.dailyReadBudget = budget;
    return lender;
  }

  @FieldResolver(_returns => Int, { nullable: true, description: "Admin only: identity reads allowed per UTC day (the lender's own, or the default)." })
  dailyReadBudget(@Root() lender: Lender, @Ctx() context: GatewayContext): number {
    return context.quotas.dailyBudgetOf(lender);
  }

  @FieldResolver(_returns => Int, { nullable: true, description: "Admin only: identity reads counted today (UTC)." })
  async identityReadsToday(@Root() lender: Lender, @Ctx() context: GatewayContext): Promise<number> {
    return context.quotas.readsToday(lender.id, context.now);
  }
}
