import { ApolloServerPlugin } from "@apollo/server";
import { ApolloServerErrorCode } from "@apollo/server/errors";
import { Kind, OperationDefinitionNode } from "graphql";
import { ErrorCode } from "../errors/gateway-error";
import { countQuotaRejection, graphqlRequestDuration, graphqlRequests } from "./metrics";

/** Outcomes a label may take: ours and Apollo's request codes; anything else is `OTHER`. */
const KNOWN_CODES = new Set<string>([...Object.values(ErrorCode), ...Object.values(ApolloServerErrorCode), "INTROSPECTION_DISABLED"]);

/** Labels one /graphql request and records it once its response has been written. */
export class RequestObservation {
  operation = "unknown";
  outcome: string | null = null;
  private readonly started = process.hrtime.bigint();

  /** Records why the request was refused before it ran (e.g. a request quota), then rethrows. */
  refused(error: unknown): never {
    const extensions = (error as { extensions?: { code?: unknown; reason?: unknown } } | null)?.extensions;
    if (typeof extensions?.code === "string" && KNOWN_CODES.has(extensions.code)) this.outcome = extensions.code;
    if (extensions?.code === ErrorCode.RATE_LIMITED) countQuotaRejection(extensions.reason);
    throw error;
  }

  /** `httpStatus` names the outcome when no GraphQL response was shaped (e.g. authentication failed). */
  finish(httpStatus: number): void {
    const outcome = this.outcome ?? (httpStatus === 401 ? ErrorCode.UNAUTHENTICATED : httpStatus < 400 ? "ok" : `HTTP_${Math.floor(httpStatus / 100)}XX`);
    const labels = { operation: this.operation, outcome };
    graphqlRequests.inc(labels);
    graphqlRequestDuration.observe(labels, Number(process.hrtime.bigint() - this.started) / 1e9);
  }
}

/** A symbol-keyed property survives Apollo's per-operation shallow copy of the context. */
const OBSERVATION = Symbol("requestObservation");

/** Ties a request's context to its observation, so the plugin can label it. */
export function observeContext<T extends object>(context: T, observation: RequestObservation): T {
  return Object.assign(context, { [OBSERVATION]: observation });
}

/**
 * The operation as the schema names it: the root field it calls. The client's `operationName`
 * is free text (unbounded series, possibly personal), so it is never a label. Validation has
 * already passed here, so every name is a field of the schema.
 */
function operationLabel(operation: OperationDefinitionNode): string {
  const names = new Set<string>();
  for (const selection of operation.selectionSet.selections) {
    if (selection.kind !== Kind.FIELD) return "multiple";
    if (selection.name.value === "__typename") continue;
    names.add(selection.name.value.startsWith("__") ? "introspection" : selection.name.value);
  }
  if (names.size === 1) return [...names][0];
  return names.size === 0 ? "typename" : "multiple";
}

export const requestMetricsPlugin: ApolloServerPlugin<object> = {
  async requestDidStart({ contextValue }) {
    const observation = (contextValue as { [OBSERVATION]?: RequestObservation })[OBSERVATION];
    if (!observation) return;
    return {
      async didResolveOperation({ operation }) {
        if (operation) observation.operation = operationLabel(operation);
      },
      async willSendResponse({ response }) {
        const errors = response.body.kind === "single" ? response.body.singleResult.errors : undefined;
        const code = errors?.[0]?.extensions?.code;
        for (const error of errors ?? []) if (error.extensions?.code === ErrorCode.RATE_LIMITED) countQuotaRejection(error.extensions.reason);
        observation.outcome = !errors || errors.length === 0 ? "ok" : typeof code === "string" && KNOWN_CODES.has(code) ? code : "OTHER";
      },
    };
  },
};
