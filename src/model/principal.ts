import { registerEnumType } from "type-graphql";
import type { Lender } from "./lender.entity";

export enum Role {
  APPLICANT = "APPLICANT",
  LENDER = "LENDER",
  ADMIN = "ADMIN",
}

registerEnumType(Role, { name: "Role" });

/** Who is calling, settled once per request before any resolver runs. */
export type Principal =
  | { kind: "applicant"; subject: string }
  | { kind: "admin"; subject: string }
  /** The lender row as read at the start of this request: status and permissions are this fresh. */
  | { kind: "lender"; lender: Lender; credential: LenderCredential };

/**
 * What a lender authenticated with: a platform-issued API key (development), or an access token
 * obtained with one of its own public keys (named by the key, so all of a key's tokens share it).
 */
export type LenderCredential = { kind: "api-key"; id: string } | { kind: "public-key"; id: string };

/** Characters a subject never holds: controls, and UTF-16 halves without their pair. */
const UNACCEPTABLE_IN_SUBJECT = /[\u0000-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * A token's `sub` as the gateway takes it: 1–128 characters of well-formed text. A lone surrogate
 * would be stored as another string than the token carries (the database replaces it), and a
 * subject that changes on the way to the database can pass for another person: an admin could
 * approve its own change, and the record would name no one.
 */
export function isAcceptableSubject(subject: unknown): subject is string {
  return typeof subject === "string" && subject.length > 0 && subject.length <= 128 && !UNACCEPTABLE_IN_SUBJECT.test(subject);
}

export function roleOf(principal: Principal): Role {
  switch (principal.kind) {
    case "applicant":
      return Role.APPLICANT;
    case "admin":
      return Role.ADMIN;
    case "lender":
      return Role.LENDER;
    default: {
      const unreachable: never = principal;
      return unreachable;
    }
  }
}
