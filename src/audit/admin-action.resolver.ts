import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from "type-graphql";
import type { FindOptionsWhere } from "typeorm";
import { type Connection, byTimeAndId, connectionType, listOf, pageRequest, pastTimeAndId, toConnection } from "../common/relay-pagination";
import type { GatewayContext } from "../context";
import { AdminAction } from "../model/admin-action.entity";
import { Lender } from "../model/lender.entity";

export const AdminActionConnection = connectionType(AdminAction, "AdminAction");

@Resolver(_of => AdminAction)
export class AdminActionResolver {
  @Query(_returns => AdminActionConnection, { description: "Admin: every privileged action of every admin, newest first; narrowed by lender or by actor." })
  async adminActionLog(
    @Ctx() context: GatewayContext,
    @Arg("lenderId", _type => ID, { nullable: true }) lenderId?: string,
    @Arg("actor", _type => String, { nullable: true }) actor?: string,
    @Arg("first", _type => Int, { nullable: true }) first?: number,
    @Arg("after", _type => String, { nullable: true }) after?: string,
  ): Promise<Connection<AdminAction>> {
    return adminActionPage(context, "adminActionLog", { lenderId, actor }, first, after);
  }

  @FieldResolver(_returns => String, { description: "What changed, in words and ids (categories, statuses, change ids)." })
  summary(@Root() action: AdminAction, @Ctx() context: GatewayContext): string {
    return context.principal.kind === "admin" ? action.summary : withoutStaff(action.summary);
  }
}

/**
 * A decision's summary names the admin who requested the change (`… requested by ops-1`); a
 * lender is told what changed and when, never which staff member acted.
 */
function withoutStaff(summary: string): string {
  return summary.replace(/ requested by .*$/s, "");
}

@Resolver(_of => Lender)
export class LenderAdminActionsResolver {
  @FieldResolver(_returns => AdminActionConnection, {
    description: "Admins and the lender itself: the admin actions concerning this lender, newest first: what was done " +
      "(action), when (at) and what changed (summary). Which staff member acted (actor, and the requester named in a " +
      "decision's summary) is shown to admins only; to the lender, actor is FORBIDDEN.",
  })
  async adminActions(
    @Root() lender: Lender,
    @Ctx() context: GatewayContext,
    @Arg("first", _type => Int, { nullable: true }) first?: number,
    @Arg("after", _type => String, { nullable: true }) after?: string,
  ): Promise<Connection<AdminAction>> {
    return adminActionPage(context, "lenderAdminActions", { lenderId: lender.id }, first, after);
  }
}

/** One page of the admin action log narrowed by lender or actor, newest first. */
async function adminActionPage(
  context: GatewayContext, list: string, narrowing: { lenderId?: string; actor?: string }, first?: number, after?: string,
): Promise<Connection<AdminAction>> {
  const { lenderId, actor } = narrowing;
  const page = pageRequest(listOf(list, byTimeAndId<AdminAction>(action => action.at), { lenderId, actor }), first, after);
  const filter: FindOptionsWhere<AdminAction> = { ...(lenderId ? { lenderId } : {}), ...(actor ? { actor } : {}) };
  const rows = await context.dataSource.getRepository(AdminAction).find({
    // Older than the previous page's last row: actions recorded meanwhile shift nothing.
    where: page.after ? pastTimeAndId("at", page.after, "DESC").map(part => ({ ...filter, ...part })) : filter,
    order: { at: "DESC", id: "DESC" },
    take: page.take + 1,
  });
  // The actor column compares exactly on every driver; kept exact here too.
  return toConnection(actor ? rows.filter(row => row.actor === actor) : rows, page);
}
