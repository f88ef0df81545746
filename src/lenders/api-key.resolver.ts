import { Arg, Ctx, ID, Int, Mutation, Resolver } from "type-graphql";
import type { GatewayContext } from "../context";
import { BadUserInputError } from "../errors/gateway-error";
import { IssuedApiKey } from "../model/api-key.entity";
import { rotateApiKey } from "./api-key-rotation";
import { adminActorOf } from "../audit/admin-action-writer";
import { refusePlatformKeysInProduction } from "./platform-keys";

/** Hours the old key keeps working after a rotation, unless the admin says otherwise. */
export const DEFAULT_ROTATION_GRACE_HOURS = 24;
const MAX_ROTATION_GRACE_HOURS = 720;

@Resolver()
export class ApiKeyResolver {
  /** Rotation without downtime; the rules (lifetime, one successor, one transaction) are in api-key-rotation.ts. */
  @Mutation(_returns => IssuedApiKey, {
    description: "Admin: a new key replacing `id`; the old key stays valid for `graceHours` (0: ends now). The new secret is in this response only. " +
      "A key issued with an expiry is replaced by one with the same lifetime, counted from now. A key already rotated (in its grace period) " +
      "cannot be rotated again: BAD_USER_INPUT. In production FORBIDDEN (PLATFORM_ISSUED_KEYS_DISABLED).",
    deprecationReason: "The admin would hold the lender's secret. Register the lender's own public key (registerLenderPublicKey) and use POST /oauth/token.",
  })
  async rotateApiKey(
    @Arg("id", _type => ID) id: string,
    @Ctx() context: GatewayContext,
    @Arg("graceHours", _type => Int, { defaultValue: DEFAULT_ROTATION_GRACE_HOURS }) graceHours: number,
  ): Promise<IssuedApiKey> {
    refusePlatformKeysInProduction(context);
    if (graceHours < 0 || graceHours > MAX_ROTATION_GRACE_HOURS) {
      throw new BadUserInputError("graceHours", `must lie between 0 and ${MAX_ROTATION_GRACE_HOURS}`);
    }
    return rotateApiKey(context.dataSource, id, graceHours, adminActorOf(context));
  }
}
