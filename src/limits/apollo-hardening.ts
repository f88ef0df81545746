import { ApolloServerOptions, BaseContext } from "@apollo/server";
import type { SecurityConfig } from "../config";
import { queryCostPlugin } from "./query-cost.plugin";
import { queryLimitRules } from "./query-limit-rules";

/**
 * The Apollo options that bound what one document may ask for, all enforced before any
 * resolver runs: tokens while parsing, shape rules while validating, cost once the operation
 * and its variables are known. Schema details ("Did you mean …") never reach a client.
 */
export function hardenedApolloOptions(security: SecurityConfig): Pick<
  ApolloServerOptions<BaseContext>, "validationRules" | "parseOptions" | "hideSchemaDetailsFromClientErrors"
> {
  return {
    validationRules: queryLimitRules(security.queryLimits),
    parseOptions: { maxTokens: security.queryLimits.maxTokens },
    hideSchemaDetailsFromClientErrors: true,
  };
}

export function hardeningPlugins(security: SecurityConfig) {
  return [queryCostPlugin(security.queryLimits.maxCost)];
}
