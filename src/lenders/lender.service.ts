import { randomUUID } from "node:crypto";
import { DataSource, EntityManager, IsNull, MoreThan } from "typeorm";
import { isPlausibleEmail } from "../common/identity-validation";
import { endConsents } from "../lifecycle/consent-endings";
import { ConsentEndReason } from "../model/consent-status";
import { BadUserInputError, NotFoundError } from "../errors/gateway-error";
import { type PiiCategory, encodeCategories } from "../model/pii-category";
import { ApiKey, type IssuedApiKey } from "../model/api-key.entity";
import { generateApiKey, hashApiKeySecret } from "../auth/api-key-secret";
import { LenderStatus } from "../model/lender-status";
import { Lender } from "../model/lender.entity";
import type { CreateLenderInput } from "./lender.inputs";

export class LenderService {
  constructor(private readonly dataSource: DataSource) {}

  async get(id: string): Promise<Lender> {
    const lender = await this.dataSource.getRepository(Lender).findOneBy({ id });
    if (!lender) throw new NotFoundError("Lender");
    return lender;
  }

  /** A new lender is ACTIVE with no identity category permitted: an admin opens them explicitly. */
  async create(input: CreateLenderInput, now: Date): Promise<Lender> {
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
    const cities = criteria.cities ? [...new Set(criteria.cities.map(city => city.trim()))] : null;
    if (cities && cities.some(city => city === "")) throw new BadUserInputError("criteria.cities", "must not hold blank names");
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
      cities: cities && cities.length > 0 ? cities : null,
      createdAt: now,
    });
    await this.dataSource.getRepository(Lender).insert(lender);
    return lender;
  }

  /** Suspending also terminates the lender's active consents (PIPL: the recipient lost its standing). */
  async setStatus(id: string, status: LenderStatus, now: Date): Promise<Lender> {
    const lender = await this.get(id);
    await this.dataSource.transaction(async manager => {
      await manager.getRepository(Lender).update({ id }, { status });
      if (status === LenderStatus.SUSPENDED) await endConsents(manager, { lenderId: id }, ConsentEndReason.LENDER_SUSPENDED, now);
    });
    lender.status = status;
    return lender;
  }

  async setPermittedCategories(id: string, categories: PiiCategory[]): Promise<Lender> {
    const lender = await this.get(id);
    const stored = encodeCategories(categories);
    await this.dataSource.getRepository(Lender).update({ id }, { permittedCategoriesStored: stored });
    lender.permittedCategoriesStored = stored;
    return lender;
  }

  /**
   * The credential is returned once; only the SHA-256 of its secret is kept. `manager`: the
   * transaction of a rotation (src/lenders/api-key-rotation.ts), which issues and retires together.
   */
  async issueApiKey(
    lenderId: string, label: string | null, now: Date, expiresAt: Date | null = null, manager: EntityManager = this.dataSource.manager,
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

  /**
   * Takes effect on the next request: keys are looked up on every request, never cached. The
   * keys this one replaced by rotation and still in their grace period are revoked with it, in
   * the same transaction: a key is revoked because it must stop working (leaked, lender gone),
   * and its predecessor holds the same access until the grace period ends.
   */
  async revokeApiKey(id: string, now: Date): Promise<ApiKey> {
    return this.dataSource.transaction(async manager => {
      const keys = manager.getRepository(ApiKey);
      const apiKey = await keys.findOneBy({ id });
      if (!apiKey) throw new NotFoundError("API key");
      if (apiKey.revokedAt === null) {
        apiKey.revokedAt = now;
        await keys.update({ id, revokedAt: IsNull() }, { revokedAt: now });
      }
      // Up the chain of rotations (each key has at most one successor, so one predecessor each).
      const seen = new Set([id]);
      for (let successor = id; ;) {
        const predecessor = await keys.findOneBy({ lenderId: apiKey.lenderId, replacedBy: successor });
        if (!predecessor || seen.has(predecessor.id)) break;
        seen.add(predecessor.id);
        await keys.update({ id: predecessor.id, revokedAt: IsNull(), expiresAt: MoreThan(now) }, { revokedAt: now });
        successor = predecessor.id;
      }
      return apiKey;
    });
  }

  async listKeys(lenderId: string): Promise<ApiKey[]> {
    return this.dataSource.getRepository(ApiKey).find({ where: { lenderId }, order: { createdAt: "ASC", id: "ASC" } });
  }
}
