import { rule } from "graphql-shield";
import type { GatewayContext } from "../../context";

// Each rule checks exactly one thing. `cache: "contextual"`: the answer depends on the caller only.
export const isApplicant = rule({ cache: "contextual" })((_parent, _args, context: GatewayContext) =>
  context.principal.kind === "applicant");

export const isLender = rule({ cache: "contextual" })((_parent, _args, context: GatewayContext) =>
  context.principal.kind === "lender");

export const isAdmin = rule({ cache: "contextual" })((_parent, _args, context: GatewayContext) =>
  context.principal.kind === "admin");

/** Authentication already happened before execution; this only names the intent in the map. */
export const isAuthenticated = rule({ cache: "contextual" })((_parent, _args, context: GatewayContext) =>
  context.principal !== undefined);

/**
 * The Lender object is the calling lender's own. `cache: "strict"`: the answer depends on the
 * object (parent) too, so it is not shared across the Lender objects of one response.
 */
export const isTheLenderItself = rule({ cache: "strict" })((parent: { id?: unknown }, _args, context: GatewayContext) =>
  context.principal.kind === "lender" && typeof parent?.id === "string" && parent.id === context.principal.lender.id);
