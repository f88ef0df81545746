import type { GatewayContext } from "../context";
import { ForbiddenError } from "../errors/gateway-error";

/** `extensions.reason` when production refuses a platform-issued key. */
export const PLATFORM_ISSUED_KEYS_DISABLED = "PLATFORM_ISSUED_KEYS_DISABLED";

/**
 * A platform-issued key hands the lender's secret to the admin who issues it, who could then read
 * as that lender: production refuses to issue or rotate one (keys issued before keep working until
 * revoked). Lenders register their own public keys instead.
 */
export function refusePlatformKeysInProduction(context: Pick<GatewayContext, "platformIssuedKeys">): void {
  if (!context.platformIssuedKeys) {
    throw new ForbiddenError("Platform-issued API keys are disabled in production; register the lender's own public key", PLATFORM_ISSUED_KEYS_DISABLED);
  }
}
