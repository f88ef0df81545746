import { randomUUID } from "node:crypto";
import { DataSource, EntityManager, IsNull, MoreThan } from "typeorm";
import { type AdminActor, recordAdminAction } from "../audit/admin-action-writer";
import { generateApiKey, hashApiKeySecret } from "../auth/api-key-secret";
import { isPlausibleEmail } from "../common/identity-validation";
import { BadUserInputError, NotFoundError } from "../errors/gateway-error";
import { endConsents } from "../lifecycle/consent-endings";
import { ApiKey, IssuedApiKey } from "../model/api-key.entity";
import { ConsentEndReason } from "../model/consent-status";
import { LenderPublicKey } from "../model/lender-public-key.entity";
import { LenderStatus } from "../model/lender-status";
import { Lender } from "../model/lender.entity";
import { type PiiCategory, decodeCategories, encodeCategories } from "../model/pii-category";
import { LenderEventType } from "../model/webhook-vocabulary";
import { recordLenderEvents } from "../webhooks/outbox";
import { resolveServedRegion } from "../regions/region-lookup";
import type { CreateLenderInput } from "./lender.inputs";

/**
 * Each name or code as the province or city it names, deduplicated (`北京`, `北京市` and `110000`
 * are one entry). The message names the entry's position, never its text.
 */
function servedRegions(cities: readonly string[]): string[] {
  const codes = new Set<string>();
  for (const [index, city] of cities.entries()) {
    if (city.trim() === "") throw new BadUserInputError("criteria.cities", "must not hold blank names");
    const found = resolveServedRegion(city);
    if (!found.ok) throw new BadUserInputError("criteria.cities", `entry ${index} ${found.problem}`, found.reason);
    codes.add(found.code);
  }
  return [...codes];
}

/** SQL for "one more than now", so concurrent changes never write the same version. */
const NEXT_VERSION = () => "access_version + 1";

/**
 * Lenders and their keys. Every method that changes something records the admin's act in the
 * same transaction. What widens what a lender may receive (categories, reactivation, a higher
 * budget) is never called directly by a resolver: src/admin-changes applies it after a second
 * admin approved.
 */
export class LenderService {
  constructor(private readonly dataSource: DataSource) {}

  async get(id: string): Promise<Lender> {
    const lender = await this.dataSource.getRepository(Lender).findOneBy({ id });
    if (!lender) throw new NotFoundError("Lender");
    return lender;
  }

  /** A new lender is ACTIVE with no identity category permitted: an admin opens them explicitly. */
  async create(input: CreateLenderInput, actor: AdminActor): Promise<Lender> {
    const { criteria } = input;
    // class-validator's @IsNotEmpty passes "   "; the stored value is trimmed, so check after trimming.
    if (input.name.trim() === "") throw new BadUserInputError("name", "must not be blank");
    if (input.legalName.trim() === "") throw new BadUserInputError("legalName", "must not be blank");
    if (!isPlausibleEmail(input.contactEmail)) throw new BadUserInputError("contactEmail", "is not an e-mail address");
    if (criteria.minAmount > criteria.maxAmount) {
      throw new BadUserInputError("criteria.minAmount", "must not exceed maxAmount");
    }
    if (criteria.minTermMonths > criteria.maxTermMonths) {
      throw new BadUserInputError("criteria.minTermMonths", "must not exceed maxTermMonths");
    }
    const servedRegionCodes = criteria.cities ? servedRegions(criteria.cities) : null;
    const lender = this.dataSource.getRepository(Lender).create({
      id: randomUUID(),
      name: input.name.trim(),
      legalName: input.legalName.trim(),
      contactEmail: input.contactEmail.trim(),
      status: LenderStatus.ACTIVE,
      permittedCategoriesStored: "",
      minAmount: criteria.minAmount,
      maxAmount: criteria.maxAmount,
      minTermMonths: criteria.minTermMonths,
      maxTermMonths: criteria.maxTermMonths,
      servedRegionCodes: servedRegionCodes && servedRegionCodes.length > 0 ? servedRegionCodes : null,
      createdAt: actor.now,
    });
    await this.dataSource.transaction(async manager => {
      await manager.getRepository(Lender).insert(lender);
      await recordAdminAction(manager, actor, { action: "createLender", lenderId: lender.id, summary: `created ${lender.name} (ACTIVE, no category permitted)` });
    });
    return lender;
  }

  /**
   * Sets the status in the caller's transaction. Suspending also terminates the lender's active
   * consents (PIPL: the recipient lost its standing); reactivating revives none.
   */
  async setStatus(manager: EntityManager, id: string, status: LenderStatus, now: Date): Promise<void> {
    await manager.getRepository(Lender).update({ id }, { status, accessVersion: NEXT_VERSION });
    if (status === LenderStatus.SUSPENDED) await endConsents(manager, { lenderId: id }, ConsentEndReason.LENDER_SUSPENDED, now);
  }

  /** A change of what the lender may receive that writes nothing else (see `Lender.accessVersion`). */
  async bumpAccessVersion(manager: EntityManager, id: string): Promise<void> {
    await manager.getRepository(Lender).update({ id }, { accessVersion: NEXT_VERSION });
  }

  /** Sets the daily identity-read budget (null: the default) in the caller's transaction. */
  async setDailyReadBudget(manager: EntityManager, id: string, budget: number | null): Promise<void> {
    await manager.getRepository(Lender).update({ id }, { dailyReadBudget: budget, accessVersion: NEXT_VERSION });
  }

  /**
   * Replaces the permitted categories in the caller's transaction (a narrowing at once, a widening
   * once approved), and tells the lender (`lender.permissions_changed`) in the same transaction.
   */
  async setPermittedCategories(manager: EntityManager, id: string, categories: readonly PiiCategory[], now: Date): Promise<string> {
    const stored = encodeCategories(categories);
    await manager.getRepository(Lender).update({ id }, { permittedCategoriesStored: stored, accessVersion: NEXT_VERSION });
    await recordLenderEvents(manager, LenderEventType.PERMISSIONS_CHANGED, [{
      lenderId: id, data: { lenderId: id, permittedCategories: decodeCategories(stored) },
    }], now);
    return stored;
  }

  /**
   * The credential is returned once; only the SHA-256 of its secret is kept. `manager`: the
   * transaction of a rotation (src/lenders/api-key-rotation.ts), which issues and retires together.
   */
  async issueApiKey(
    lenderId: string, label: string | null, now: Date, expiresAt: Date | null, manager: EntityManager,
  ): Promise<IssuedApiKey> {
    if (!(await manager.getRepository(Lender).existsBy({ id: lenderId }))) throw new NotFoundError("Lender");
    if (label !== null && label.length > 100) throw new BadUserInputError("label", "must be at most 100 characters");
    if (expiresAt !== null && expiresAt.getTime() <= now.getTime()) throw new BadUserInputError("expiresAt", "must be in the future");
    const generated = generateApiKey();
    const apiKey = manager.getRepository(ApiKey).create({
      id: generated.id,
      lenderId,
      secretHash: hashApiKeySecret(generated.secret),
      label,
      createdAt: now,
      lastUsedAt: null,
      revokedAt: null,
      expiresAt,
      replacedBy: null,
    });
    await manager.getRepository(ApiKey).insert(apiKey);
    return { secret: generated.credential, apiKey };
  }

  /** An admin issues a key for a lender: the key and the record of who issued it commit together. */
  async issueApiKeyAs(actor: AdminActor, lenderId: string, label: string | null, expiresAt: Date | null): Promise<IssuedApiKey> {
    return this.dataSource.transaction(async manager => {
      const issued = await this.issueApiKey(lenderId, label, actor.now, expiresAt, manager);
      await recordAdminAction(manager, actor, { action: "issueApiKey", lenderId, summary: `issued key ${issued.apiKey.prefix}` });
      return issued;
    });
  }

  /**
   * Takes effect on the next request: keys are looked up on every request, never cached. The
   * keys this one replaced by rotation and still in their grace period are revoked with it, in
   * the same transaction: a key is revoked because it must stop working (leaked, lender gone),
   * and its predecessor holds the same access until the grace period ends.
   */
  async revokeApiKey(id: string, actor: AdminActor): Promise<ApiKey> {
    const now = actor.now;
    return this.dataSource.transaction(async manager => {
      const keys = manager.getRepository(ApiKey);
      const apiKey = await keys.findOneBy({ id });
      if (!apiKey) throw new NotFoundError("API key");
      const revoked = [];
      if (apiKey.revokedAt === null) {
        apiKey.revokedAt = now;
        await keys.update({ id, revokedAt: IsNull() }, { revokedAt: now });
        revoked.push(apiKey.prefix);
      }
      // Up the chain of rotations (each key has at most one successor, so one predecessor each).
      const seen = new Set([id]);
      for (let successor = id; ;) {
        const predecessor = await keys.findOneBy({ lenderId: apiKey.lenderId, replacedBy: successor });
        if (!predecessor || seen.has(predecessor.id)) break;
        seen.add(predecessor.id);
        const ended = await keys.update({ id: predecessor.id, revokedAt: IsNull(), expiresAt: MoreThan(now) }, { revokedAt: now });
        if (ended.affected) revoked.push(predecessor.prefix);
        successor = predecessor.id;
      }
      if (revoked.length > 0) {
        await recordAdminAction(manager, actor, { action: "revokeApiKey", lenderId: apiKey.lenderId, summary: `revoked key ${revoked.join(", ")}` });
      }
      return apiKey;
    });
  }

  /** Acts at once: the key signs no new assertion, and its unexpired access tokens are refused on their next use. */
  async revokePublicKey(id: string, actor: AdminActor): Promise<LenderPublicKey> {
    return this.dataSource.transaction(async manager => {
      const key = await manager.getRepository(LenderPublicKey).findOneBy({ id });
      if (!key) throw new NotFoundError("Lender public key");
      if (key.revokedAt === null) {
        key.revokedAt = actor.now;
        await manager.getRepository(LenderPublicKey).update({ id }, { revokedAt: actor.now });
        await this.bumpAccessVersion(manager, key.lenderId);
        await recordAdminAction(manager, actor, { action: "revokeLenderPublicKey", lenderId: key.lenderId, summary: `revoked key ${key.kid}` });
      }
      return key;
    });
  }

  async listPublicKeys(lenderId: string): Promise<LenderPublicKey[]> {
    return this.dataSource.getRepository(LenderPublicKey).find({ where: { lenderId }, order: { createdAt: "ASC", id: "ASC" } });
  }

  async listKeys(lenderId: string): Promise<ApiKey[]> {
    return this.dataSource.getRepository(ApiKey).find({ where: { lenderId }, order: { createdAt: "ASC", id: "ASC" } });
  }
}
