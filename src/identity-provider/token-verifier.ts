import { type JWTPayload, type JWTVerifyGetKey, jwtVerify } from "jose";
import type { Logger } from "../logging/logger";
import { type Principal, isAcceptableSubject } from "../model/principal";
import { type RemoteKeyTiming, keysOf } from "./key-sets";
import { type IdentityProviderSettings, TOKEN_ALGORITHMS, type TokenRole } from "./settings";

/** Turns an identity provider's token into the principal it vouches for, or null. */
export interface IdentityProviderTokens {
  /** True when at least one identity provider is configured. */
  readonly configured: boolean;
  principalOf(token: string): Promise<Principal | null>;
}

/** Seconds: a token issued longer ago than this is refused, whatever its `exp` says. */
export const MAX_TOKEN_AGE_SECONDS = 24 * 60 * 60;

interface Trusted {
  role: TokenRole;
  issuer: string;
  audience: string;
  keys: JWTVerifyGetKey;
}

async function verifiedPayload(token: string, provider: Trusted): Promise<JWTPayload | null> {
  try {
    const { payload } = await jwtVerify(token, provider.keys, {
      algorithms: [...TOKEN_ALGORITHMS],
      issuer: provider.issuer,
      audience: provider.audience,
      requiredClaims: ["sub", "exp", "iat"],
      maxTokenAge: MAX_TOKEN_AGE_SECONDS,
    });
    return payload;
  } catch {
    return null;
  }
}

/**
 * Verifies tokens of the supermarket's identity providers. The role is the one of the key set
 * that verified the signature, with that provider's issuer and audience: a `role` claim is never
 * read, so a key of the applicant IdP cannot make an admin whatever it signs. An admin is its
 * own `sub`, a person, so every admin action names who did it.
 */
export function createIdentityProviderTokens(
  settings: readonly IdentityProviderSettings[], timing: RemoteKeyTiming, logger: Logger,
): IdentityProviderTokens {
  const trusted: Trusted[] = settings.map(provider => ({
    role: provider.role, issuer: provider.issuer, audience: provider.audience, keys: keysOf(provider.keys, timing, logger),
  }));
  return {
    configured: trusted.length > 0,
    async principalOf(token) {
      for (const provider of trusted) {
        const payload = await verifiedPayload(token, provider);
        if (payload === null) continue;
        const subject = payload.sub;
        if (!isAcceptableSubject(subject)) return null;
        return { kind: provider.role, subject };
      }
      return null;
    },
  };
}
