import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { Equal, type FindOptionsWhere, LessThanOrEqual, MoreThan } from "typeorm";
import { adminActorOf } from "../audit/admin-action-writer";
import { type Connection, byTimeAndId, connectionType, listOf, pageRequest, pastTimeAndId, toConnection } from "../common/relay-pagination";
import type { GatewayContext } from "../context";
import { BadUserInputError } from "../errors/gateway-error";
import { AdminChangeStatus } from "../model/admin-change-status";
import { AdminChange } from "../model/admin-change.entity";
import { LenderStatus } from "../model/lender-status";
import { Lender } from "../model/lender.entity";
import { PiiCategory } from "../model/pii-category";
import { AdminChangeService } from "./admin-change.service";

export const AdminChangeConnection = connectionType(AdminChange, "AdminChange");

const MAX_READ_BUDGET = 100_000_000;

function service(context: GatewayContext): AdminChangeService {
  return new AdminChangeService(context.dataSource, {
    ttlHours: context.adminChangeTtlHours, defaultDailyReadBudget: context.quotas.dailyBudgetOf({ dailyReadBudget: null }),
  });
}

/** Stored conditions of a status as seen at `now`: a PENDING change past its expiry is EXPIRED. */
function statusConditions(status: AdminChangeStatus | undefined, now: Date): Array<FindOptionsWhere<AdminChange>> {
  switch (status) {
    case undefined:
      return [{}];
    case AdminChangeStatus.PENDING:
      return [{ storedStatus: AdminChangeStatus.PENDING, expiresAt: MoreThan(now) }];
    case AdminChangeStatus.EXPIRED:
      return [{ storedStatus: AdminChangeStatus.EXPIRED }, { storedStatus: AdminChangeStatus.PENDING, expiresAt: LessThanOrEqual(now) }];
    default:
      return [{ storedStatus: Equal(status) }];
  }
}

/**
 * The operations that can widen what a lender receives, and the decisions on them. Narrowing
 * applies at once; widening becomes an AdminChange that a different admin approves.
 */
@Resolver(_of => AdminChange)
export class AdminChangeResolver {
  @Mutation(_returns => Lender, {
    description: "Admin: the identity categories this lender may ever receive (replaces the set). Removals apply at once; " +
      "added categories become a PERMIT_CATEGORIES change that applies when a different admin approves it (see pendingChanges).",
  })
  setFieldPermissions(
    @Arg("lenderId", _type => ID) lenderId: string,
    @Arg("categories", _type => [PiiCategory]) categories: PiiCategory[],
    @Ctx() context: GatewayContext,
  ): Promise<Lender> {
    return service(context).setFieldPermissions(adminActorOf(context), lenderId, categories);
  }

  @Mutation(_returns => Lender, {
    description: "Admin: suspend (at once: no leads, no identity, its consents end) or reactivate. Reactivating a suspended " +
      "lender becomes a REACTIVATE_LENDER change that applies when a different admin approves it.",
  })
  setLenderStatus(
    @Arg("lenderId", _type => ID) lenderId: string,
    @Arg("status", _type => LenderStatus) status: LenderStatus,
    @Ctx() context: GatewayContext,
  ): Promise<Lender> {
    return service(context).setLenderStatus(adminActorOf(context), lenderId, status);
  }

  @Mutation(_returns => Lender, {
    description: "Admin: the lender's daily identity-read budget; null returns it to the default. Lowering applies at once; " +
      "raising becomes a RAISE_READ_BUDGET change that applies when a different admin approves it.",
  })
  async setLenderReadBudget(
    @Arg("lenderId", _type => ID) lenderId: string,
    @Ctx() context: GatewayContext,
    @Arg("dailyReadBudget", _type => Int, { nullable: true }) dailyReadBudget?: number | null,
  ): Promise<Lender> {
    const budget = dailyReadBudget ?? null;
    if (budget !== null && (budget < 0 || budget > MAX_READ_BUDGET)) throw new BadUserInputError("dailyReadBudget", `must lie between 0 and ${MAX_READ_BUDGET}`);
    return service(context).setReadBudget(adminActorOf(context), lenderId, budget);
  }

  @Mutation(_returns => AdminChange, {
    description: "Admin: register a public JWK the lender generated (EC P-256 for ES256, or Ed25519 for EdDSA; public members only). " +
      "Its kid is the RFC 7638 thumbprint. It signs the lender's client assertions at POST /oauth/token once a different admin " +
      "approves the REGISTER_LENDER_KEY change returned here.",
  })
  registerLenderPublicKey(
    @Arg("lenderId", _type => ID) lenderId: string,
    @Arg("publicKeyJwk", { description: "The public JWK as JSON text." }) publicKeyJwk: string,
    @Ctx() context: GatewayContext,
    @Arg("label", _type => String, { nullable: true }) label?: string | null,
  ): Promise<AdminChange> {
    if (publicKeyJwk.length > 4096) throw new BadUserInputError("publicKeyJwk", "must be at most 4096 characters");
    return service(context).registerPublicKey(adminActorOf(context), lenderId, publicKeyJwk, label ?? null);
  }

  @Mutation(_returns => AdminChange, {
    description: "Admin: approve another admin's pending change; it applies now. Your own: FORBIDDEN (SAME_ADMIN). " +
      "One made stale by a later change of the lender: BAD_USER_INPUT (CHANGE_STALE).",
  })
  approveAdminChange(@Arg("id", _type => ID) id: string, @Ctx() context: GatewayContext): Promise<AdminChange> {
    return service(context).approve(adminActorOf(context), id);
  }

  @Mutation(_returns => AdminChange, { description: "Admin: reject a pending change (the requester may withdraw its own)." })
  rejectAdminChange(@Arg("id", _type => ID) id: string, @Ctx() context: GatewayContext): Promise<AdminChange> {
    return service(context).reject(adminActorOf(context), id);
  }

  @Query(_returns => AdminChangeConnection, { description: "Admin: changes waiting for, or decided by, a second admin; newest first." })
  async adminChanges(
    @Ctx() context: GatewayContext,
    @Arg("status", _type => AdminChangeStatus, { nullable: true }) status?: AdminChangeStatus,
    @Arg("first", _type => Int, { nullable: true }) first?: number,
    @Arg("after", _type => String, { nullable: true }) after?: string,
  ): Promise<Connection<AdminChange>> {
    const page = pageRequest(listOf("adminChanges", byTimeAndId<AdminChange>(change => change.requestedAt), { status }), first, after);
    const past = page.after ? pastTimeAndId("requestedAt", page.after, "DESC") : [{}];
    const rows = await context.dataSource.getRepository(AdminChange).find({
      where: past.flatMap(part => statusConditions(status ?? undefined, context.now).map(condition => ({ ...condition, ...part }))),
      order: { requestedAt: "DESC", id: "DESC" },
      take: page.take + 1,
    });
    return toConnection(rows, page);
  }

  @FieldResolver(_returns => AdminChangeStatus)
  status(@Root() change: AdminChange, @Ctx() context: GatewayContext): AdminChangeStatus {
    return change.statusAt(context.now);
  }

  @FieldResolver(_returns => Lender)
  async lender(@Root() change: AdminChange, @Ctx() context: GatewayContext): Promise<Lender> {
    const lender = await context.loaders.lender.load(change.lenderId);
    if (!lender) throw new Error("change without lender");
    return lender;
  }
}

@Resolver(_of => Lender)
export class LenderPendingChangesResolver {
  @FieldResolver(_returns => [AdminChange], { description: "Admins and the lender itself: changes to this lender waiting for a second admin, oldest first (who requested them: admins only)." })
  pendingChanges(@Root() lender: Lender, @Ctx() context: GatewayContext): Promise<AdminChange[]> {
    return context.dataSource.getRepository(AdminChange).find({
      where: statusConditions(AdminChangeStatus.PENDING, context.now).map(condition => ({ ...condition, lenderId: lender.id })),
      order: { requestedAt: "ASC", id: "ASC" },
    });
  }
}
