import { Arg, Ctx, ID, Int, Mutation, Resolver } from "type-graphql";
import { GatewayContext } from "../context";
import { BadUserInputError, NotFoundError } from "../errors";
import { ApiKey, IssuedApiKey } from "./api-key.entity";
import { LenderService } from "./lender.service";

/** Hours the old key keeps working after a rotation, unless the admin says otherwise. */
export const DEFAULT_ROTATION_GRACE_HOURS = 24;
const MAX_ROTATION_GRACE_HOURS = 720;

@Resolver()
export class ApiKeyResolver {
  /**
   * Rotation without downtime: a new key for the same lender and label, while the old one
   * keeps working until the grace period ends (its `expiresAt`, never later than it already was).
   */
  @Mutation(_returns => IssuedApiKey, {
    description: "Admin: a new key replacing `id`; the old key stays valid for `graceHours` (0: ends now). The new secret is in this response only.",
  })
  async rotateApiKey(
    @Arg("id", _type => ID) id: string,
    @Ctx() context: GatewayContext,
    @Arg("graceHours", _type => Int, { defaultValue: DEFAULT_ROTATION_GRACE_HOURS }) graceHours: number,
  ): Promise<IssuedApiKey> {
    if (graceHours < 0 || graceHours > MAX_ROTATION_GRACE_HOURS) {
      throw new BadUserInputError("graceHours", `must lie between 0 and ${MAX_ROTATION_GRACE_HOURS}`);
    }
    const repository = context.dataSource.getRepository(ApiKey);
    const old = await repository.findOneBy({ id });
    const now = context.now;
    if (!old) throw new NotFoundError("API key");
    if (old.revokedAt !== null || (old.expiresAt !== null && old.expiresAt.getTime() <= now.getTime())) {
      throw new BadUserInputError("id", "the key is revoked or expired; issue a new one instead");
    }
    const graceEnds = new Date(now.getTime() + graceHours * 3_600_000);
    const expiresAt = old.expiresAt !== null && old.expiresAt.getTime() < graceEnds.getTime() ? old.expiresAt : graceEnds;
    const issued = await new LenderService(context.dataSource).issueApiKey(old.lenderId, old.label, now);
    await repository.update({ id }, { expiresAt });
    return issued;
  }
}
