import { JWTPayload, SignJWT, jwtVerify } from "jose";
import { Principal } from "./principal";

const ROLE_CLAIMS = ["applicant", "admin"] as const;
type RoleClaim = (typeof ROLE_CLAIMS)[number];

/** Verifies an HS256 token; anything but a well-formed applicant or admin token yields null. */
export async function principalFromJwt(token: string, secret: Uint8Array): Promise<Principal | null> {
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, secret, { algorithms: ["HS256"], requiredClaims: ["sub"] }));
  } catch {
    return null;
  }
  const role = payload.role;
  const subject = payload.sub;
  if (typeof subject !== "string" || subject === "" || subject.length > 128) return null;
  if (typeof role !== "string" || !(ROLE_CLAIMS as readonly string[]).includes(role)) return null;
  return { kind: role as RoleClaim, subject };
}

export async function signDevelopmentToken(
  secret: Uint8Array,
  role: RoleClaim,
  subject: string,
  /** Lifetime, e.g. "12h". */
  expiresIn = "12h",
): Promise<string> {
  return new SignJWT({ role })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(subject)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(secret);
}

export function isRoleClaim(value: string): value is RoleClaim {
  return (ROLE_CLAIMS as readonly string[]).includes(value);
}
