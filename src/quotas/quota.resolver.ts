import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from "type-graphql";
import type { GatewayContext } from "../context";
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

  @FieldResolver(_returns => Int, { nullable: true, description: "Admins and the lender itself: identity reads allowed per UTC day (the lender's own, or the default)." })
  dailyReadBudget(@Root() lender: Lender, @Ctx() context: GatewayContext): number {
    return context.quotas.dailyBudgetOf(lender);
  }

  @FieldResolver(_returns => Int, { nullable: true, description: "Admins and the lender itself: identity reads counted today (UTC)." })
  async identityReadsToday(@Root() lender: Lender, @Ctx() context: GatewayContext): Promise<number> {
    return context.quotas.readsToday(lender.id, context.now);
  }
}
