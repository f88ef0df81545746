import { ApolloServerPlugin } from "@apollo/server";
import {
  FieldNode, FragmentDefinitionNode, GraphQLNamedType, GraphQLSchema, Kind, OperationDefinitionNode, SelectionSetNode,
  getNamedType, getNullableType, isListType, isObjectType, isInterfaceType, valueFromASTUntyped,
} from "graphql";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "../common/relay-pagination";
import { QueryLimitReason, queryLimitError } from "../errors/query-limit.error";

/**
 * What a list of objects without `first` (an application's leads or consents, the referral
 * report) is assumed to hold: such lists are bounded by the number of lenders, not by paging.
 */
export const UNPAGED_LIST_SIZE = 10;

type Variables = Record<string, unknown>;

/** Each field costs 1; a field with `first` multiplies its subtree by it, other object lists by UNPAGED_LIST_SIZE. */
class CostEstimator {
  private readonly fragments = new Map<string, FragmentDefinitionNode>();
  /** Memoized per fragment, so a fragment spreading another twice, many levels deep, costs linear work. */
  private readonly fragmentCosts = new Map<string, number>();

  constructor(private readonly schema: GraphQLSchema, fragmentList: readonly FragmentDefinitionNode[], private readonly variables: Variables) {
    for (const fragment of fragmentList) this.fragments.set(fragment.name.value, fragment);
  }

  selectionSet(selectionSet: SelectionSetNode | undefined, parent: GraphQLNamedType | undefined, visiting: Set<string>): number {
    if (!selectionSet) return 0;
    let cost = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        cost += this.field(selection, parent, visiting);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? this.schema.getType(selection.typeCondition.name.value) ?? parent : parent;
        cost += this.selectionSet(selection.selectionSet, type, visiting);
      } else {
        const name = selection.name.value;
        const fragment = this.fragments.get(name);
        if (!fragment || visiting.has(name)) continue;
        let fragmentCost = this.fragmentCosts.get(name);
        if (fragmentCost === undefined) {
          visiting.add(name);
          fragmentCost = this.selectionSet(fragment.selectionSet, this.schema.getType(fragment.typeCondition.name.value), visiting);
          visiting.delete(name);
          this.fragmentCosts.set(name, fragmentCost);
        }
        cost += fragmentCost;
      }
    }
    return cost;
  }

  private field(node: FieldNode, parent: GraphQLNamedType | undefined, visiting: Set<string>): number {
    if (!node.selectionSet) return 1;
    const definition = parent && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields()[node.name.value] : undefined;
    const below = this.selectionSet(node.selectionSet, definition ? getNamedType(definition.type) : undefined, visiting);
    // A connection's `edges` hold the page its field's `first` already paid for.
    const paged = parent?.name.endsWith("Connection") ?? false;
    return 1 + (paged ? 1 : this.multiplier(node, definition?.type)) * below;
  }

  private multiplier(node: FieldNode, type: Parameters<typeof getNullableType>[0] | undefined): number {
    const first = node.arguments?.find(argument => argument.name.value === "first");
    if (first) {
      const value = valueFromASTUntyped(first.value, this.variables);
      // Above MAX_PAGE_SIZE the resolver refuses the page anyway, with BAD_USER_INPUT naming `first`.
      return typeof value === "number" && Number.isFinite(value) ? Math.min(Math.max(value, 0), MAX_PAGE_SIZE) : DEFAULT_PAGE_SIZE;
    }
    const named = type ? getNamedType(type) : undefined;
    // Introspection lists are bounded by the schema, not by data; depth guards them instead.
    if (type && isListType(getNullableType(type)) && named && !named.name.startsWith("__")) return UNPAGED_LIST_SIZE;
    return 1;
  }
}

/**
 * The variables the operation will run with: each one sent, and for each one not sent the
 * default its definition declares (`query($n: Int = 100)`), as execution will use it. Without
 * the defaults a document would be measured at the default page size and run at its own.
 */
function effectiveVariables(operation: OperationDefinitionNode, supplied: Variables): Variables {
  const variables: Variables = { ...supplied };
  for (const definition of operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    if (definition.defaultValue && !Object.prototype.hasOwnProperty.call(supplied, name)) {
      variables[name] = valueFromASTUntyped(definition.defaultValue);
    }
  }
  return variables;
}

/** The cost of the operation about to run, with its variables (sent, or their declared defaults). */
export function estimateCost(schema: GraphQLSchema, operation: OperationDefinitionNode, fragments: readonly FragmentDefinitionNode[], variables: Variables): number {
  const root = operation.operation === "mutation" ? schema.getMutationType() : operation.operation === "subscription"
    ? schema.getSubscriptionType() : schema.getQueryType();
  return new CostEstimator(schema, fragments, effectiveVariables(operation, variables)).selectionSet(operation.selectionSet, root ?? undefined, new Set());
}

/** Refuses an operation whose estimated cost exceeds `maxCost`, after validation and before execution. */
export function queryCostPlugin(maxCost: number): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, schema, request }) {
          if (!operation) return;
          const fragments = document.definitions.filter((definition): definition is FragmentDefinitionNode =>
            definition.kind === Kind.FRAGMENT_DEFINITION);
          const cost = estimateCost(schema, operation, fragments, (request.variables ?? {}) as Variables);
          if (cost > maxCost) {
            throw queryLimitError(QueryLimitReason.MAX_COST, maxCost, `Estimated query cost ${cost} exceeds the limit of ${maxCost}`);
          }
        },
      };
    },
  };
}
