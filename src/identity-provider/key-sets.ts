import { type JSONWebKeySet, type JWKSCacheInput, type JWTVerifyGetKey, createLocalJWKSet, createRemoteJWKSet, errors, jwksCache } from "jose";
import type { Logger } from "../logging/logger";
import type { KeySource } from "./settings";

export interface RemoteKeyTiming {
  /** Milliseconds a fetched key set is used before it is fetched again. */
  cacheMaxAgeMs: number;
  /** Milliseconds after a fetch (or a failed one) before another is tried. */
  cooldownMs: number;
  /** Milliseconds a fetch may take. */
  timeoutMs: number;
}

/** Milliseconds the keys last fetched may stand in for an unreachable endpoint. */
const MAX_STALE_KEYS_MS = 24 * 60 * 60 * 1000;

/** Not a fetch problem: the key set answered, and has no (or no single) key for this token. */
function isKeyMismatch(error: unknown): boolean {
  return error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys;
}

/**
 * The IdP's JWKS endpoint, fetched and cached by jose (refetched when stale or when a token names
 * an unknown key, at most once per cool-down). When a fetch fails, the keys last fetched keep
 * verifying, and no new fetch is tried for a cool-down: an outage of the IdP's endpoint neither
 * logs everyone out nor makes every request wait for a fetch to time out.
 */
function resilientRemoteKeys(url: URL, timing: RemoteKeyTiming, logger: Logger): JWTVerifyGetKey {
  // jose writes each successful fetch here; the fallback below reads the last one.
  const cache: Partial<{ uat: number; jwks: JSONWebKeySet }> = {};
  const remote = createRemoteJWKSet(url, {
    cacheMaxAge: timing.cacheMaxAgeMs, cooldownDuration: timing.cooldownMs, timeoutDuration: timing.timeoutMs, [jwksCache]: cache as JWKSCacheInput,
  });
  let lastGood: { uat: number; keys: JWTVerifyGetKey } | null = null;
  let fetchAgainAt = 0;
  const lastGoodKeys = (): JWTVerifyGetKey | null => {
    if (cache.uat !== undefined && cache.jwks && lastGood?.uat !== cache.uat) lastGood = { uat: cache.uat, keys: createLocalJWKSet(cache.jwks) };
    return lastGood?.keys ?? null;
  };
  return async (header, token) => {
    // Keys are kept through an outage for a day at most: a key the provider withdrew (leaked,
    // rotated away) must not verify forever because its endpoint cannot be reached.
    const fallback = cache.uat !== undefined && Date.now() - cache.uat < MAX_STALE_KEYS_MS ? lastGoodKeys() : null;
    if (fallback && Date.now() < fetchAgainAt) return fallback(header, token);
    try {
      return await remote(header, token);
    } catch (error) {
      if (isKeyMismatch(error) || !fallback) throw error;
      fetchAgainAt = Date.now() + timing.cooldownMs;
      logger.warn("identity_provider_keys_unreachable", { host: url.host, errorName: error instanceof Error ? error.name : typeof error });
      return fallback(header, token);
    }
  };
}

/** The verification keys of one identity provider. */
export function keysOf(source: KeySource, timing: RemoteKeyTiming, logger: Logger): JWTVerifyGetKey {
  switch (source.kind) {
    case "file":
      return createLocalJWKSet(source.jwks as JSONWebKeySet);
    case "url":
      return resilientRemoteKeys(source.url, timing, logger);
    default: {
      const unreachable: never = source;
      return unreachable;
    }
  }
}
