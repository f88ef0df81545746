import { ApolloServerPlugin } from "@apollo/server";
import { Kind, OperationDefinitionNode } from "graphql";
import type { Principal } from "../model/principal";
import type { GatewayContext } from "../context";
import type { Logger } from "./logger";

/** Who called, in log form: the kind and a stable id (token subject or lender id), never a credential. */
function principalFields(principal: Principal): { principalKind: string; principalId: string } {
  switch (principal.kind) {
    case "applicant":
      return { principalKind: "applicant", principalId: principal.subject };
    case "admin":
      return { principalKind: "admin", principalId: principal.subject };
    case "lender":
      return { principalKind: "lender", principalId: principal.lender.id };
    default: {
      const unreachable: never = principal;
      return unreachable;
    }
  }
}

/** The root fields called: schema names, so bounded and free of client text. */
function rootFields(operation: OperationDefinitionNode): string[] {
  return operation.selectionSet.selections.map(selection =>
    selection.kind === Kind.FIELD ? selection.name.value : selection.kind === Kind.FRAGMENT_SPREAD ? "...fragment" : "...inline");
}

/**
 * One log line per executed GraphQL operation: request id, principal, operation, duration,
 * outcome and the error codes. Never variables, arguments, results or error messages: those
 * are where identity values live.
 */
export function requestLogPlugin(logger: Logger): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ contextValue }) {
      const started = process.hrtime.bigint();
      let operationType: string | null = null;
      let fields: string[] = [];
      return {
        async didResolveOperation({ operation }) {
          if (!operation) return;
          operationType = operation.operation;
          fields = rootFields(operation);
        },
        async willSendResponse({ response }) {
          const errors = response.body.kind === "single" ? response.body.singleResult.errors ?? [] : [];
          const errorCodes = [...new Set(errors.map(error => String(error.extensions?.code ?? "UNKNOWN")))].sort();
          logger.info("graphql_operation", {
            requestId: contextValue.requestId,
            ...principalFields(contextValue.principal),
            operationType,
            operation: fields.length === 1 ? fields[0] : fields.length === 0 ? null : "multiple",
            rootFields: fields,
            durationMs: Math.round(Number(process.hrtime.bigint() - started) / 1e5) / 10,
            outcome: errors.length === 0 ? "ok" : "error",
            errorCodes,
          });
        },
      };
    },
  };
}
