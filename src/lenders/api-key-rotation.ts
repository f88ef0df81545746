import { DataSource, IsNull } from "typeorm";
import { type AdminActor, recordAdminAction } from "../audit/admin-action-writer";
import { BadUserInputError, NotFoundError } from "../errors/gateway-error";
import { ApiKey, type IssuedApiKey } from "../model/api-key.entity";
import { LenderService } from "./lender.service";

const HOUR_MS = 3_600_000;
const ALREADY_ROTATED = "the key was already rotated and is in its grace period; rotate its replacement instead";

/**
 * Rotation without downtime: a new key for the same lender and label, while the old one keeps
 * working until the grace period ends (its `expiresAt`, never later than it already was).
 *
 * Lifetime policy: a key issued with an expiry is replaced by one with the same lifetime (the
 * old key's `expiresAt - createdAt`) counted from now. Rotating never turns a short-lived key
 * into a permanent one, and the new key is not cut to the old one's remainder either (that
 * would force the next rotation at once). A key without an expiry is replaced by one without.
 *
 * Issuing the new key and ending the old one are one transaction: no new key without the old
 * one's end, nor the reverse. A key rotated once (in its grace period) is refused a second
 * rotation, so a key never has more than one successor.
 */
export async function rotateApiKey(dataSource: DataSource, id: string, graceHours: number, actor: AdminActor): Promise<IssuedApiKey> {
  const now = actor.now;
  return dataSource.transaction(async manager => {
    const repository = manager.getRepository(ApiKey);
    const old = await repository.findOneBy({ id });
    if (!old) throw new NotFoundError("API key");
    if (old.revokedAt !== null || (old.expiresAt !== null && old.expiresAt.getTime() <= now.getTime())) {
      throw new BadUserInputError("id", "the key is revoked or expired; issue a new one instead");
    }
    if (old.replacedBy !== null) throw new BadUserInputError("id", ALREADY_ROTATED);

    const lifetime = old.expiresAt === null ? null : old.expiresAt.getTime() - old.createdAt.getTime();
    const successorExpiresAt = lifetime === null ? null : new Date(now.getTime() + lifetime);
    const issued = await new LenderService(dataSource).issueApiKey(old.lenderId, old.label, now, successorExpiresAt, manager);

    const graceEnds = new Date(now.getTime() + graceHours * HOUR_MS);
    const expiresAt = old.expiresAt !== null && old.expiresAt.getTime() < graceEnds.getTime() ? old.expiresAt : graceEnds;
    // Conditional on the state read above: of two concurrent rotations (or a rotation and a
    // revocation) only one changes the row; the loser's new key rolls back with its transaction.
    const retired = await repository.update({ id, replacedBy: IsNull(), revokedAt: IsNull() }, { expiresAt, replacedBy: issued.apiKey.id });
    if (retired.affected !== 1) throw new BadUserInputError("id", "the key was rotated or revoked meanwhile");
    await recordAdminAction(manager, actor, {
      action: "rotateApiKey", lenderId: old.lenderId, summary: `rotated key ${old.prefix} to ${issued.apiKey.prefix}, grace ${graceHours} h`,
    });
    return issued;
  });
}
