import { randomUUID } from "node:crypto";
import type { EntityManager } from "typeorm";
import type { GatewayContext } from "../context";
import { AdminAction } from "../model/admin-action.entity";

/** Who acts, in which request and at which instant: what every admin action record carries. */
export interface AdminActor {
  /** The admin's `sub`: a person. */
  subject: string;
  requestId: string;
  now: Date;
}

/** The acting admin of a request; shield lets only admins reach the operations that ask for it. */
export function adminActorOf(context: Pick<GatewayContext, "principal" | "requestId" | "now">): AdminActor {
  if (context.principal.kind !== "admin") throw new Error("unreachable: shield admits admins only");
  return { subject: context.principal.subject, requestId: context.requestId, now: context.now };
}

export interface AdminActionEntry {
  action: string;
  lenderId?: string | null;
  applicationId?: string | null;
  /** Ids, categories, statuses: never an identity value. */
  summary: string;
}

/**
 * Writes the record of an admin's act in the caller's transaction: the act and its record commit
 * together or not at all.
 */
export async function recordAdminAction(manager: EntityManager, actor: AdminActor, entry: AdminActionEntry): Promise<void> {
  await manager.getRepository(AdminAction).insert({
    id: randomUUID(),
    at: actor.now,
    actor: actor.subject,
    action: entry.action,
    lenderId: entry.lenderId ?? null,
    applicationId: entry.applicationId ?? null,
    summary: entry.summary.slice(0, 500),
    requestId: actor.requestId,
  });
}
