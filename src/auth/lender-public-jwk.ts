import { type JWK, calculateJwkThumbprint, exportJWK, importJWK } from "jose";
import { BadUserInputError } from "../errors/gateway-error";
import type { LenderKeyAlgorithm } from "../model/lender-public-key.entity";

/** The public members of the key types a lender may register; anything else is refused. */
const PUBLIC_MEMBERS: Record<LenderKeyAlgorithm, readonly string[]> = {
  ES256: ["kty", "crv", "x", "y"],
  EdDSA: ["kty", "crv", "x"],
};
/** Members that may accompany a public key and carry no secret. */
const HARMLESS_MEMBERS = ["kid", "alg", "use", "key_ops"];

export interface RegisteredJwk {
  /** Only the public members, as stored. */
  jwk: Record<string, string>;
  algorithm: LenderKeyAlgorithm;
  /** RFC 7638 thumbprint, SHA-256, base64url. */
  kid: string;
}

function refuse(problem: string): BadUserInputError {
  return new BadUserInputError("publicKeyJwk", problem);
}

/**
 * Checks a lender's public JWK and returns what is stored of it: EC P-256 (ES256) or Ed25519
 * (EdDSA), public members only. A private key (`d`) is refused outright rather than stripped: a
 * lender that sent its private key must generate a new pair, since the old one is no longer secret.
 */
export async function parseLenderPublicJwk(text: string): Promise<RegisteredJwk> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw refuse("is not a JSON object");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw refuse("is not a JSON object");
  const candidate = parsed as Record<string, unknown>;
  if ("d" in candidate || "k" in candidate || "p" in candidate) throw refuse("holds private key material; send the public key only, and generate a new key pair");
  const algorithm: LenderKeyAlgorithm | null =
    candidate.kty === "EC" && candidate.crv === "P-256" ? "ES256" : candidate.kty === "OKP" && candidate.crv === "Ed25519" ? "EdDSA" : null;
  if (algorithm === null) throw refuse("must be an EC P-256 (ES256) or Ed25519 (EdDSA) public key");
  if (candidate.alg !== undefined && candidate.alg !== algorithm && !(algorithm === "EdDSA" && candidate.alg === "Ed25519")) {
    throw refuse(`its alg must be ${algorithm}`);
  }
  const unknown = Object.keys(candidate).filter(member => !PUBLIC_MEMBERS[algorithm].includes(member) && !HARMLESS_MEMBERS.includes(member));
  if (unknown.length > 0) throw refuse("has members a public key of its type does not have");
  const jwk = Object.fromEntries(PUBLIC_MEMBERS[algorithm].map(member => [member, candidate[member]]));
  if (Object.values(jwk).some(value => typeof value !== "string" || value === "")) throw refuse("is missing a public member");
  let canonical: JWK;
  try {
    // Imported and exported again: one key has one encoding, so the same key sent with other
    // spare bits in its base64url (or other padding) gets the same kid and is found registered.
    canonical = await exportJWK(await importJWK(jwk as JWK, algorithm, { extractable: true }));
  } catch {
    throw refuse("is not a valid key of its type");
  }
  const stored = Object.fromEntries(PUBLIC_MEMBERS[algorithm].map(member => [member, (canonical as Record<string, unknown>)[member]])) as Record<string, string>;
  return { jwk: stored, algorithm, kid: await calculateJwkThumbprint(stored as JWK, "sha256") };
}
