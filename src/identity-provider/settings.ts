import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { ConfigError } from "../errors/config-error";

/** The roles an identity provider can vouch for; lenders authenticate with their own keys instead. */
export type TokenRole = "applicant" | "admin";

/** Where a role's verification keys come from: a JWKS file read at start, or the IdP's JWKS endpoint. */
export type KeySource = { kind: "file"; path: string; jwks: { keys: JsonWebKeyShape[] } } | { kind: "url"; url: URL };

/** One issuer the gateway trusts, for exactly one role. */
export interface IdentityProviderSettings {
  readonly role: TokenRole;
  /** `iss` every token of this role must carry. */
  readonly issuer: string;
  /** `aud` every token of this role must carry (the gateway as this IdP names it). */
  readonly audience: string;
  readonly keys: KeySource;
}

export interface JsonWebKeyShape {
  kty?: unknown;
  crv?: unknown;
  alg?: unknown;
  [member: string]: unknown;
}

type Environment = Record<string, string | undefined>;

/** Asymmetric only: a shared secret would let whoever holds it mint tokens for anyone. */
export const TOKEN_ALGORITHMS = ["ES256", "RS256", "EdDSA"] as const;

/** Members that exist only on private or symmetric keys: a JWKS holding one is refused. */
const SECRET_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

const PREFIX: Record<TokenRole, string> = { applicant: "APPLICANT", admin: "ADMIN" };

function optional(raw: string | undefined): string | null {
  return raw === undefined || raw.trim() === "" ? null : raw.trim();
}

/** Checks a JWKS holds only public keys of the accepted types; names the variable, never a key. */
export function checkPublicJwks(name: string, parsed: unknown): { keys: JsonWebKeyShape[] } {
  const keys = (parsed as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.length === 0) throw new ConfigError(`${name} must hold a JSON Web Key Set with at least one key`);
  for (const key of keys as JsonWebKeyShape[]) {
    if (typeof key !== "object" || key === null) throw new ConfigError(`${name}: every key must be a JSON object`);
    if (SECRET_MEMBERS.some(member => member in key)) {
      throw new ConfigError(`${name} holds a private or symmetric key; give the gateway public keys only`);
    }
    const accepted = (key.kty === "EC" && key.crv === "P-256") || key.kty === "RSA" || (key.kty === "OKP" && key.crv === "Ed25519");
    if (!accepted) throw new ConfigError(`${name}: keys must be EC P-256, RSA or Ed25519`);
    if (key.alg !== undefined && !(TOKEN_ALGORITHMS as readonly unknown[]).includes(key.alg)) {
      throw new ConfigError(`${name}: a key's alg must be one of ${TOKEN_ALGORITHMS.join(", ")}`);
    }
  }
  return { keys: keys as JsonWebKeyShape[] };
}

function keySource(role: TokenRole, env: Environment, production: boolean): KeySource {
  const fileName = `${PREFIX[role]}_JWKS_FILE`;
  const urlName = `${PREFIX[role]}_JWKS_URL`;
  const file = optional(env[fileName]);
  const url = optional(env[urlName]);
  if (file !== null && url !== null) throw new ConfigError(`set ${fileName} or ${urlName}, not both`);
  if (file !== null) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, "utf8"));
    } catch {
      throw new ConfigError(`${fileName} must name a readable JSON Web Key Set file`);
    }
    return { kind: "file", path: file, jwks: checkPublicJwks(fileName, parsed) };
  }
  if (url === null) throw new ConfigError(`${fileName} or ${urlName} is required with ${PREFIX[role]}_TOKEN_ISSUER`);
  let parsedUrl: URL;
  try {
    parsedUrl = new URL(url);
  } catch {
    throw new ConfigError(`${urlName} must be a URL`);
  }
  // Keys fetched over plain HTTP could be swapped on the way: in production only https.
  const allowed = production ? ["https:"] : ["https:", "http:"];
  if (!allowed.includes(parsedUrl.protocol)) throw new ConfigError(`${urlName} must be an ${production ? "https" : "http(s)"} URL`);
  return { kind: "url", url: parsedUrl };
}

function providerFor(role: TokenRole, env: Environment, production: boolean): IdentityProviderSettings | null {
  const prefix = PREFIX[role];
  const issuer = optional(env[`${prefix}_TOKEN_ISSUER`]);
  const audience = optional(env[`${prefix}_TOKEN_AUDIENCE`]);
  const anySet = [issuer, audience, optional(env[`${prefix}_JWKS_FILE`]), optional(env[`${prefix}_JWKS_URL`])].some(value => value !== null);
  if (!anySet) {
    if (production) throw new ConfigError(`${prefix}_TOKEN_ISSUER, ${prefix}_TOKEN_AUDIENCE and ${prefix}_JWKS_FILE or ${prefix}_JWKS_URL are required when NODE_ENV=production`);
    return null;
  }
  if (issuer === null) throw new ConfigError(`${prefix}_TOKEN_ISSUER is required with the other ${prefix}_ token settings`);
  if (audience === null) throw new ConfigError(`${prefix}_TOKEN_AUDIENCE is required with the other ${prefix}_ token settings`);
  return Object.freeze({ role, issuer, audience, keys: keySource(role, env, production) });
}

/** RFC 7638 members of each key type, in their canonical (sorted) order. */
const THUMBPRINT_MEMBERS: Record<string, readonly string[]> = { EC: ["crv", "kty", "x", "y"], RSA: ["e", "kty", "n"], OKP: ["crv", "kty", "x"] };

function thumbprintOf(key: JsonWebKeyShape): string {
  const members = THUMBPRINT_MEMBERS[String(key.kty)] ?? [];
  return createHash("sha256").update(JSON.stringify(Object.fromEntries(members.map(member => [member, key[member]])))).digest("base64url");
}

function sharesKeys(first: KeySource, second: KeySource): boolean {
  if (first.kind === "url" && second.kind === "url") return first.url.href === second.url.href;
  if (first.kind === "file" && second.kind === "file") {
    const firstKeys = new Set(first.jwks.keys.map(thumbprintOf));
    return second.jwks.keys.some(key => firstKeys.has(thumbprintOf(key)));
  }
  return false;
}

/**
 * The identity providers of applicants and of staff. Production needs both (HS256 development
 * tokens are refused there); development may set none, one or both. The two must differ in
 * issuer or audience, so a token meant for one can never pass as the other's.
 */
export function parseIdentityProviders(env: Environment, production: boolean): readonly IdentityProviderSettings[] {
  const providers = (["applicant", "admin"] as const)
    .map(role => providerFor(role, env, production))
    .filter((provider): provider is IdentityProviderSettings => provider !== null);
  const [first, second] = providers;
  if (second && first.issuer === second.issuer && first.audience === second.audience) {
    throw new ConfigError("APPLICANT_TOKEN_* and ADMIN_TOKEN_* must differ in issuer or audience");
  }
  // One key in both sets would let the applicant provider sign staff tokens.
  if (second && sharesKeys(first.keys, second.keys)) {
    throw new ConfigError("the applicant and staff identity providers must not share keys (APPLICANT_JWKS_* and ADMIN_JWKS_*)");
  }
  return Object.freeze(providers);
}
