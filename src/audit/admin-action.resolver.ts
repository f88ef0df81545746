import { Arg, Ctx, ID, Int, Query, Resolver } from "type-graphql";
import type { FindOptionsWhere } from "typeorm";
import { type Connection, byTimeAndId, connectionType, listOf, pageRequest, pastTimeAndId, toConnection } from "../common/relay-pagination";
import type { GatewayContext } from "../context";
import { AdminAction } from "../model/admin-action.entity";

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
    const page = pageRequest(listOf("adminActionLog", byTimeAndId<AdminAction>(action => action.at), { lenderId, actor }), first, after);
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
}
