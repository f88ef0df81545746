import { JWTPayload, SignJWT, jwtVerify } from "jose";
import { type Principal, isAcceptableSubject } from "../model/principal";

const ROLE_CLAIMS = ["applicant", "admin"] as const;
type RoleClaim = (typeof ROLE_CLAIMS)[number];

/** Claims a token must carry when configured (JWT_ISSUER, JWT_AUDIENCE); null: not checked. */
export interface ExpectedClaims {
  jwtIssuer: string | null;
  jwtAudience: string | null;
}

/**
 * Verifies an HS256 token; anything but a well-formed applicant or admin token yields null:
 * `alg: none` or any other algorithm, a wrong signature, a missing or expired `exp` (a token
 * without one would never expire), a wrong `iss`/`aud` (when configured), a missing subject,
 * a missing or unknown role.
 */
export async function principalFromJwt(token: string, secret: Uint8Array, expected?: ExpectedClaims): Promise<Principal | null> {
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, secret, {
      algorithms: ["HS256"],
      requiredClaims: ["sub", "exp"],
      ...(expected?.jwtIssuer ? { issuer: expected.jwtIssuer } : {}),
      ...(expected?.jwtAudience ? { audience: expected.jwtAudience } : {}),
    }));
  } catch {
    return null;
  }
  const role = payload.role;
  const subject = payload.sub;
  if (!isAcceptableSubject(subject)) return null;
  if (typeof role !== "string" || !(ROLE_CLAIMS as readonly string[]).includes(role)) return null;
  return { kind: role as RoleClaim, subject };
}

export async function signDevelopmentToken(
  secret: Uint8Array,
  role: RoleClaim,
  subject: string,
  /** Lifetime, e.g. "12h". */
  expiresIn = "12h",
  claims?: ExpectedClaims,
): Promise<string> {
  const token = new SignJWT({ role })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(subject)
    .setIssuedAt()
    .setExpirationTime(expiresIn);
  if (claims?.jwtIssuer) token.setIssuer(claims.jwtIssuer);
  if (claims?.jwtAudience) token.setAudience(claims.jwtAudience);
  return token.sign(secret);
}

export function isRoleClaim(value: string): value is RoleClaim {
  return (ROLE_CLAIMS as readonly string[]).includes(value);
}
