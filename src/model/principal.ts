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
