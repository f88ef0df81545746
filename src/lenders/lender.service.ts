import { randomUUID } from "node:crypto";
import { DataSource, EntityManager, IsNull, MoreThan } from "typeorm";
import { type AdminActor, recordAdminAction } from "../audit/admin-action-writer";
import { generateApiKey, hashApiKeySecret } from "../auth/api-key-secret";
import { isPlausibleEmail } from "../common/identity-validation";
import { BadUserInputError, NotFoundError } from "../errors/gateway-error";
import { forUpdate } from "../database/row-locks";
import { endConsents } from "../lifecycle/consent-endings";
import { closeOpenLeadsOfLender } from "../lifecycle/lead-closing";
import { LenderAccessToken } from "../model/lender-access-token.entity";
import { ApiKey, IssuedApiKey } from "../model/api-key.entity";
import { ConsentEndReason } from "../model/consent-status";
import { LenderPublicKey } from "../model/lender-public-key.entity";
import { LenderStatus } from "../model/lender-status";
import { Lender } from "../model/lender.entity";
import { type PiiCategory, decodeCategories, encodeCategories } from "../model/pii-category";
import { LenderEventType, WebhookDisabledReason } from "../model/webhook-vocabulary";
import { recordLenderEvents } from "../webhooks/outbox";
import { disableEndpointsOfLender } from "../webhooks/delivery";
import { resolveServedRegion } from "../regions/region-lookup";
import type { CreateLenderInput, UpdateLenderInput } from "./lender.inputs";

/** The columns that hold the criteria: a change of any is reported as `criteria`. */
const CRITERIA_COLUMNS: readonly string[] = ["minAmount", "maxAmount", "minTermMonths", "maxTermMonths", "servedRegionCodes"];

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

/** The stored columns of a lender's descriptive fields, each validated as createLender validates it. */
type LenderFields = Pick<Lender, "name" | "legalName" | "contactEmail" | "minAmount" | "maxAmount" | "minTermMonths" | "maxTermMonths" | "servedRegionCodes">;

/**
 * Checks and normalises the fields given (all for createLender, those present for updateLender);
 * throws BAD_USER_INPUT naming the first bad one, before anything is written.
 */
function validLenderFields(input: Partial<CreateLenderInput>): Partial<LenderFields> {
  const fields: Partial<LenderFields> = {};
  // class-validator's @IsNotEmpty passes "   "; the stored value is trimmed, so check after trimming.
  if (input.name !== undefined && input.name !== null) {
    if (input.name.trim() === "") throw new BadUserInputError("name", "must not be blank");
    fields.name = input.name.trim();
  }
  if (input.legalName !== undefined && input.legalName !== null) {
    if (input.legalName.trim() === "") throw new BadUserInputError("legalName", "must not be blank");
    fields.legalName = input.legalName.trim();
  }
  if (input.contactEmail !== undefined && input.contactEmail !== null) {
    if (!isPlausibleEmail(input.contactEmail)) throw new BadUserInputError("contactEmail", "is not an e-mail address");
    fields.contactEmail = input.contactEmail.trim();
  }
  const criteria = input.criteria;
  if (criteria !== undefined && criteria !== null) {
    if (criteria.minAmount > criteria.maxAmount) throw new BadUserInputError("criteria.minAmount", "must not exceed maxAmount");
    if (criteria.minTermMonths > criteria.maxTermMonths) throw new BadUserInputError("criteria.minTermMonths", "must not exceed maxTermMonths");
    const servedRegionCodes = criteria.cities ? servedRegions(criteria.cities) : null;
    Object.assign(fields, {
      minAmount: criteria.minAmount,
      maxAmount: criteria.maxAmount,
      minTermMonths: criteria.minTermMonths,
      maxTermMonths: criteria.maxTermMonths,
      servedRegionCodes: servedRegionCodes && servedRegionCodes.length > 0 ? servedRegionCodes : null,
    });
  }
  return fields;
}

/** `extensions.reason` of a change refused because the lender is offboarded (final). */
export const LENDER_OFFBOARDED = "LENDER_OFFBOARDED";

/** Offboarding is final: nothing about the lender changes afterwards, its status least of all. */
export function refuseOffboarded(lender: Pick<Lender, "status">): void {
  if (lender.status === LenderStatus.OFFBOARDED) {
    throw new BadUserInputError("lenderId", "the lender is offboarded, which is final; onboard a new lender instead", LENDER_OFFBOARDED);
  }
}

/** What offboarding did; counts only. */
export interface Offboarding {
  consentsEnded: number;
  leadsClosed: number;
  apiKeysRevoked: number;
  publicKeysRevoked: number;
  webhookEndpointsDisabled: number;
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
    const lender = this.dataSource.getRepository(Lender).create({
      id: randomUUID(),
      ...validLenderFields(input),
      status: LenderStatus.ACTIVE,
      permittedCategoriesStored: "",
      createdAt: actor.now,
    });
    await this.dataSource.transaction(async manager => {
      await manager.getRepository(Lender).insert(lender);
      await recordAdminAction(manager, actor, { action: "createLender", lenderId: lender.id, summary: `created ${lender.name} (ACTIVE, no category permitted)` });
    });
    return lender;
  }

  /**
   * Changes the fields given; each is validated as createLender validates it, and a bad one writes
   * nothing. Consents already given keep the notice stored with them, word for word; notices
   * built from now on name the new legal name and contact. A new legal name also makes every
   * change pending on the lender stale: the second admin approves for the recipient as it was.
   */
  async update(lenderId: string, input: UpdateLenderInput, actor: AdminActor): Promise<Lender> {
    const fields = validLenderFields(input);
    return this.dataSource.transaction(async manager => {
      const lender = await manager.getRepository(Lender).findOne({ where: { id: lenderId }, ...forUpdate(manager) });
      if (!lender) throw new NotFoundError("Lender");
      refuseOffboarded(lender);
      const changed = (Object.keys(fields) as Array<keyof LenderFields>)
        .filter(field => JSON.stringify(fields[field]) !== JSON.stringify(lender[field]));
      if (changed.length === 0) return lender;
      // The legal name and the contact are the recipient the consent notice names.
      const recipientChanged = changed.includes("legalName") || changed.includes("contactEmail");
      await manager.getRepository(Lender).update({ id: lenderId }, { ...fields, ...(recipientChanged ? { accessVersion: NEXT_VERSION } : {}) });
      // What it was and what it became, for the names and the contact (the operator's and the
      // lender's own words, never an applicant's): a renamed recipient shows in the log as such.
      const described = [...new Set(changed.map(field => (CRITERIA_COLUMNS.includes(field) ? "criteria" : field)))].map(field =>
        field === "criteria" ? field : `${field} ${JSON.stringify(lender[field as keyof LenderFields])} -> ${JSON.stringify(fields[field as keyof LenderFields])}`);
      Object.assign(lender, fields);
      await recordAdminAction(manager, actor, { action: "updateLender", lenderId, summary: `updated ${described.join(", ")}` });
      return lender;
    });
  }

  /**
   * Final: the lender's active consents end (LENDER_OFFBOARDED), its open leads close, its API
   * keys, public keys and access tokens are revoked, and from the next request every credential
   * of it is refused (authentication checks the status too). It narrows what the lender
   * receives, so one admin suffices, as for a suspension. Offboarding an offboarded lender
   * changes nothing.
   */
  async offboard(lenderId: string, actor: AdminActor): Promise<Lender> {
    const now = actor.now;
    return this.dataSource.transaction(async manager => {
      const lender = await manager.getRepository(Lender).findOne({ where: { id: lenderId }, ...forUpdate(manager) });
      if (!lender) throw new NotFoundError("Lender");
      if (lender.status === LenderStatus.OFFBOARDED) return lender;
      await manager.getRepository(Lender).update({ id: lenderId }, { status: LenderStatus.OFFBOARDED, accessVersion: NEXT_VERSION });
      lender.status = LenderStatus.OFFBOARDED;
      // First, so that what follows queues no event for a lender that is gone.
      const webhookEndpointsDisabled = await disableEndpointsOfLender(manager, lenderId, WebhookDisabledReason.LENDER_OFFBOARDED, now);
      // Leads, then consents: the order every writer takes its locks in.
      const leadsClosed = await closeOpenLeadsOfLender(manager, lenderId, now);
      const consentsEnded = await endConsents(manager, { lenderId }, ConsentEndReason.LENDER_OFFBOARDED, now);
      const apiKeys = await manager.getRepository(ApiKey).update({ lenderId, revokedAt: IsNull() }, { revokedAt: now });
      const publicKeys = await manager.getRepository(LenderPublicKey).update({ lenderId, revokedAt: IsNull() }, { revokedAt: now });
      await manager.getRepository(LenderAccessToken).update({ lenderId, expiresAt: MoreThan(now) }, { expiresAt: now });
      const done: Offboarding = {
        consentsEnded, leadsClosed, apiKeysRevoked: apiKeys.affected ?? 0, publicKeysRevoked: publicKeys.affected ?? 0, webhookEndpointsDisabled,
      };
      await recordAdminAction(manager, actor, {
        action: "offboardLender", lenderId,
        summary: `offboarded: ${done.consentsEnded} consents ended, ${done.leadsClosed} leads closed, ` +
          `${done.apiKeysRevoked} API keys and ${done.publicKeysRevoked} public keys revoked` +
          (done.webhookEndpointsDisabled > 0 ? `, ${done.webhookEndpointsDisabled} webhook endpoints disabled` : ""),
      });
      return lender;
    });
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
    const lender = await manager.getRepository(Lender).findOne({ where: { id: lenderId }, select: { id: true, status: true } });
    if (!lender) throw new NotFoundError("Lender");
    refuseOffboarded(lender);
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
