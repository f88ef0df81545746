import { randomUUID } from "node:crypto";
import { DataSource, EntityManager, IsNull, Not } from "typeorm";
import { type AdminActor, recordAdminAction } from "../audit/admin-action-writer";
import { forUpdate } from "../database/row-locks";
import { parseLenderPublicJwk } from "../auth/lender-public-jwk";
import { BadUserInputError, NotFoundError } from "../errors/gateway-error";
import { LenderService, refuseOffboarded } from "../lenders/lender.service";
import { AdminChangeKind, AdminChangeStatus } from "../model/admin-change-status";
import { AdminChange, type AdminChangePayload } from "../model/admin-change.entity";
import { LenderPublicKey } from "../model/lender-public-key.entity";
import { LenderStatus } from "../model/lender-status";
import { Lender } from "../model/lender.entity";
import { type PiiCategory, encodeCategories } from "../model/pii-category";
import { refuseNotPending, refuseSameAdmin, refuseStale } from "./admin-change-refusal";

const HOUR_MS = 3_600_000;

export interface AdminChangeSettings {
  /** Hours a change waits for a second admin (ADMIN_CHANGE_TTL_HOURS). */
  ttlHours: number;
  /** The budget a lender without its own has (LENDER_DAILY_READ_BUDGET). */
  defaultDailyReadBudget: number;
}

/**
 * Maker-checker for everything that widens what a lender may receive, as banks run payment
 * approvals: the first admin's call narrows at once what it narrows, and turns what it widens
 * into a PENDING change that applies only when a different admin approves it. Every call, and
 * every decision, is in the admin action log with who made it.
 */
export class AdminChangeService {
  private readonly lenders: LenderService;

  constructor(private readonly dataSource: DataSource, private readonly settings: AdminChangeSettings) {
    this.lenders = new LenderService(dataSource);
  }

  /** Removals apply at once; additions wait for a second admin (the returned lender shows neither yet). */
  async setFieldPermissions(actor: AdminActor, lenderId: string, categories: readonly PiiCategory[]): Promise<Lender> {
    return this.dataSource.transaction(async manager => {
      const lender = await this.lockedLender(manager, lenderId);
      refuseOffboarded(lender);
      const current = lender.permittedCategories;
      const kept = current.filter(category => categories.includes(category));
      const added = [...new Set(categories)].filter(category => !current.includes(category)).sort();
      const removed = current.filter(category => !kept.includes(category));
      if (removed.length > 0) {
        lender.permittedCategoriesStored = await this.lenders.setPermittedCategories(manager, lenderId, kept, actor.now);
        // The removal is a change of the lender: an addition requested with it counts from after it.
        lender.accessVersion += 1;
      }
      const change = added.length === 0 ? null : await this.request(manager, actor, lender, {
        kind: AdminChangeKind.PERMIT_CATEGORIES, add: added, basis: kept, basisVersion: lender.accessVersion,
      }, `permit ${added.join(", ")}`);
      await recordAdminAction(manager, actor, {
        action: "setFieldPermissions", lenderId,
        summary: [removed.length > 0 ? `removed ${removed.join(", ")}` : null, change ? `requested ${change.summary} (change ${change.id})` : null]
          .filter(Boolean).join("; ") || "no change",
      });
      return lender;
    });
  }

  /**
   * Suspending applies at once (and ends the lender's consents); reactivating waits for a second
   * admin. An OFFBOARDED lender moves no more, and nothing becomes OFFBOARDED here (offboardLender).
   */
  async setLenderStatus(actor: AdminActor, lenderId: string, status: LenderStatus): Promise<Lender> {
    if (status === LenderStatus.OFFBOARDED) throw new BadUserInputError("status", "offboarding is final and has its own operation: offboardLender");
    return this.dataSource.transaction(async manager => {
      const lender = await this.lockedLender(manager, lenderId);
      refuseOffboarded(lender);
      let summary = `already ${lender.status}`;
      if (status === LenderStatus.SUSPENDED && lender.status === LenderStatus.SUSPENDED) {
        // Suspending a suspended lender still makes every change pending on it stale: what an
        // operator on an incident does must not leave a reactivation waiting to be approved.
        await this.lenders.bumpAccessVersion(manager, lenderId);
      } else if (status === LenderStatus.SUSPENDED) {
        await this.lenders.setStatus(manager, lenderId, LenderStatus.SUSPENDED, actor.now);
        lender.status = LenderStatus.SUSPENDED;
        summary = "suspended";
      } else if (lender.status === LenderStatus.SUSPENDED) {
        const change = await this.request(manager, actor, lender, { kind: AdminChangeKind.REACTIVATE_LENDER, basisVersion: lender.accessVersion }, "reactivate");
        summary = `requested reactivation (change ${change.id})`;
      }
      await recordAdminAction(manager, actor, { action: "setLenderStatus", lenderId, summary });
      return lender;
    });
  }

  /** Lowering (or keeping) applies at once; raising waits for a second admin. `budget` null: the default. */
  async setReadBudget(actor: AdminActor, lenderId: string, budget: number | null): Promise<Lender> {
    return this.dataSource.transaction(async manager => {
      const lender = await this.lockedLender(manager, lenderId);
      refuseOffboarded(lender);
      const before = lender.dailyReadBudget ?? this.settings.defaultDailyReadBudget;
      const after = budget ?? this.settings.defaultDailyReadBudget;
      let summary: string;
      if (after > before) {
        const change = await this.request(manager, actor, lender, {
          kind: AdminChangeKind.RAISE_READ_BUDGET, budget, basis: lender.dailyReadBudget, basisVersion: lender.accessVersion,
        }, `raise the daily read budget from ${before} to ${after}`);
        summary = `requested ${change.summary} (change ${change.id})`;
      } else {
        await this.lenders.setDailyReadBudget(manager, lenderId, budget);
        lender.dailyReadBudget = budget;
        summary = `daily read budget ${before} -> ${after}`;
      }
      await recordAdminAction(manager, actor, { action: "setLenderReadBudget", lenderId, summary });
      return lender;
    });
  }

  /**
   * Registers a public key the lender generated. The key signs nothing until a different admin
   * approves the REGISTER_LENDER_KEY change this returns.
   */
  async registerPublicKey(actor: AdminActor, lenderId: string, publicKeyJwk: string, label: string | null): Promise<AdminChange> {
    if (label !== null && label.length > 100) throw new BadUserInputError("label", "must be at most 100 characters");
    const registered = await parseLenderPublicJwk(publicKeyJwk);
    return this.dataSource.transaction(async manager => {
      const lender = await this.lockedLender(manager, lenderId);
      refuseOffboarded(lender);
      if (await manager.getRepository(LenderPublicKey).existsBy({ kid: registered.kid })) {
        throw new BadUserInputError("publicKeyJwk", "this key is already registered; a lender generates a new key pair for each key");
      }
      const key = manager.getRepository(LenderPublicKey).create({
        id: randomUUID(), lenderId, kid: registered.kid, algorithm: registered.algorithm, publicJwk: registered.jwk, label,
        createdAt: actor.now, approvedAt: null, lastUsedAt: null, revokedAt: null,
      });
      await manager.getRepository(LenderPublicKey).insert(key);
      const change = await this.request(manager, actor, lender, { kind: AdminChangeKind.REGISTER_LENDER_KEY, publicKeyId: key.id, basisVersion: lender.accessVersion },
        `register ${key.algorithm} key ${key.kid}`);
      await recordAdminAction(manager, actor, { action: "registerLenderPublicKey", lenderId, summary: `requested ${change.summary} (change ${change.id})` });
      return change;
    });
  }

  /** A different admin approves: the change applies if the state it was requested against still holds. */
  async approve(actor: AdminActor, id: string): Promise<AdminChange> {
    return this.decide(actor, id, async (manager, change) => {
      if (change.requestedBy === actor.subject) throw refuseSameAdmin();
      await this.apply(manager, change, actor.now);
      return AdminChangeStatus.APPLIED;
    });
  }

  /** Any admin, the requester included, may reject a pending change. */
  async reject(actor: AdminActor, id: string): Promise<AdminChange> {
    return this.decide(actor, id, async () => AdminChangeStatus.REJECTED);
  }

  private async decide(
    actor: AdminActor, id: string, decision: (manager: EntityManager, change: AdminChange) => Promise<AdminChangeStatus>,
  ): Promise<AdminChange> {
    return this.dataSource.transaction(async manager => {
      const found = await manager.getRepository(AdminChange).findOneBy({ id });
      if (!found) throw new NotFoundError("Admin change");
      // The lender first, then the change: the order every writer of a lender takes its locks in.
      await this.lockedLender(manager, found.lenderId);
      const change = await manager.getRepository(AdminChange).findOneOrFail({ where: { id }, ...forUpdate(manager) });
      const status = change.statusAt(actor.now);
      if (status !== AdminChangeStatus.PENDING) throw refuseNotPending(status);
      const outcome = await decision(manager, change);
      Object.assign(change, { storedStatus: outcome, decidedBy: actor.subject, decidedAt: actor.now });
      // The approver compared with the requester as stored, not only as read into this process.
      const decided = await manager.getRepository(AdminChange).update({
        id, storedStatus: AdminChangeStatus.PENDING, ...(outcome === AdminChangeStatus.APPLIED ? { requestedBy: Not(actor.subject) } : {}),
      }, { storedStatus: outcome, decidedBy: actor.subject, decidedAt: actor.now });
      if (decided.affected !== 1) throw outcome === AdminChangeStatus.APPLIED ? refuseSameAdmin() : refuseNotPending(status);
      await recordAdminAction(manager, actor, {
        action: outcome === AdminChangeStatus.APPLIED ? "approveAdminChange" : "rejectAdminChange",
        lenderId: change.lenderId,
        summary: `${outcome === AdminChangeStatus.APPLIED ? "approved" : "rejected"} change ${change.id} (${change.summary}) requested by ${change.requestedBy}`,
      });
      return change;
    });
  }

  private async apply(manager: EntityManager, change: AdminChange, now: Date): Promise<void> {
    const lender = await manager.getRepository(Lender).findOneByOrFail({ id: change.lenderId });
    const payload = change.payload;
    // Anything changed on the lender since the request (a narrowing, another approval) makes it stale.
    if (lender.accessVersion !== payload.basisVersion) throw refuseStale();
    switch (payload.kind) {
      case AdminChangeKind.PERMIT_CATEGORIES: {
        if (lender.permittedCategoriesStored !== encodeCategories(payload.basis)) throw refuseStale();
        await this.lenders.setPermittedCategories(manager, lender.id, [...payload.basis, ...payload.add], now);
        return;
      }
      case AdminChangeKind.REACTIVATE_LENDER:
        if (lender.status !== LenderStatus.SUSPENDED) throw refuseStale();
        await this.lenders.setStatus(manager, lender.id, LenderStatus.ACTIVE, now);
        return;
      case AdminChangeKind.RAISE_READ_BUDGET:
        if (lender.dailyReadBudget !== payload.basis) throw refuseStale();
        await this.lenders.setDailyReadBudget(manager, lender.id, payload.budget);
        return;
      case AdminChangeKind.REGISTER_LENDER_KEY: {
        // Revoked meanwhile (or already active): nothing to apply.
        const activated = await manager.getRepository(LenderPublicKey).update(
          { id: payload.publicKeyId, lenderId: lender.id, revokedAt: IsNull(), approvedAt: IsNull() }, { approvedAt: now },
        );
        if (activated.affected !== 1) throw refuseStale();
        await this.lenders.bumpAccessVersion(manager, lender.id);
        return;
      }
      default: {
        const unreachable: never = payload;
        return unreachable;
      }
    }
  }

  /**
   * A PENDING change for the lender; a pending one with the same effect is returned instead of a
   * second (a retried call must not leave two changes for one request).
   */
  private async request(
    manager: EntityManager, actor: AdminActor, lender: Lender, payload: AdminChangePayload, summary: string,
  ): Promise<AdminChange> {
    const pending = await manager.getRepository(AdminChange).findBy({ lenderId: lender.id, kind: payload.kind, storedStatus: AdminChangeStatus.PENDING });
    // Only the same admin's retry: returning another admin's change would read in the log as if
    // this admin had requested what it may then approve.
    const same = pending.find(change => change.statusAt(actor.now) === AdminChangeStatus.PENDING && change.requestedBy === actor.subject &&
      JSON.stringify(change.payload) === JSON.stringify(payload));
    if (same) return same;
    const change = manager.getRepository(AdminChange).create({
      id: randomUUID(), kind: payload.kind, lenderId: lender.id, summary, payload,
      requestedBy: actor.subject, requestedAt: actor.now, storedStatus: AdminChangeStatus.PENDING,
      decidedBy: null, decidedAt: null, expiresAt: new Date(actor.now.getTime() + this.settings.ttlHours * HOUR_MS),
    });
    await manager.getRepository(AdminChange).insert(change);
    return change;
  }

  private async lockedLender(manager: EntityManager, id: string): Promise<Lender> {
    const lender = await manager.getRepository(Lender).findOne({ where: { id }, ...forUpdate(manager) });
    if (!lender) throw new NotFoundError("Lender");
    return lender;
  }
}
