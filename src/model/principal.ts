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
  | { kind: "lender"; lender: Lender; apiKeyId: string };

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
