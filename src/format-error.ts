import { ApolloServerErrorCode, unwrapResolverError } from "@apollo/server/errors";
import { GraphQLFormattedError } from "graphql";
import { ArgumentValidationError } from "type-graphql";
import { ValidationError } from "class-validator";
import { isDatabaseUnavailable } from "./common/database-availability";
import { ErrorCode, GatewayError, ServiceUnavailableError } from "./errors";
import { Logger } from "./logger";
import { databaseUnavailable } from "./metrics/metrics";

/** Apollo's own codes that describe the request, not our internals: passed through as they are. */
const REQUEST_ERROR_CODES = new Set<string>([
  ApolloServerErrorCode.GRAPHQL_PARSE_FAILED,
  ApolloServerErrorCode.GRAPHQL_VALIDATION_FAILED,
  ApolloServerErrorCode.BAD_USER_INPUT,
  ApolloServerErrorCode.BAD_REQUEST,
  ApolloServerErrorCode.OPERATION_RESOLUTION_FAILURE,
  ApolloServerErrorCode.PERSISTED_QUERY_NOT_FOUND,
  ApolloServerErrorCode.PERSISTED_QUERY_NOT_SUPPORTED,
  "INTROSPECTION_DISABLED",
]);

/** Dotted paths of the failing properties, e.g. `input.criteria.minAmount`; never values. */
function failingFields(errors: readonly ValidationError[], prefix = ""): string[] {
  return errors.flatMap(error => {
    const path = prefix ? `${prefix}.${error.property}` : error.property;
    const own = error.constraints ? [path] : [];
    return [...own, ...failingFields(error.children ?? [], path)];
  });
}

const VARIABLE_VALUE_ERROR = /^Variable "\$([_A-Za-z]\w*)" got invalid value /;
const NAMED_FIELD_REASON = /; Field "([_A-Za-z]\w*)" (?:of required type|is not defined by type) /;

/**
 * graphql-js reports a variable it cannot coerce as `Variable "$input" got invalid value <value>
 * at "input.amount"; <reason>`, and both the value and the reason may echo what was sent: a whole
 * input with ID number and phone. Keeps only where it failed, relative to the variable
 * (`amount`, `criteria.minAmount`), or the variable's name when the whole value is wrong.
 */
function variableCoercionField(message: string): { variable: string; field: string } | null {
  const variable = VARIABLE_VALUE_ERROR.exec(message)?.[1];
  if (!variable) return null;
  const at = new RegExp(` at "${variable}((?:\\.[_A-Za-z]\\w*|\\[\\d+\\])*)"; `).exec(message)?.[1] ?? "";
  const path = [at.replace(/^\./, ""), NAMED_FIELD_REASON.exec(message)?.[1]].filter(Boolean).join(".");
  return { variable, field: path || variable };
}

/**
 * The single place where errors take their public shape. Our own errors keep code, message and
 * their extensions (reason, field); request errors keep Apollo's; anything else is an internal
 * error whose text (SQL, driver messages, stack) never reaches the client.
 */
export function createErrorFormatter(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const base = { message: formatted.message, locations: formatted.locations, path: formatted.path };
    if (original instanceof GatewayError) {
      const { http: _http, ...extensions } = original.extensions as Record<string, unknown>;
      return { ...base, message: original.message, extensions };
    }
    if (original instanceof ArgumentValidationError) {
      const fields = failingFields(original.extensions.validationErrors as ValidationError[])
        .map(path => path.replace(/^input\./, ""));
      return {
        ...base,
        message: `Invalid input: ${fields.join(", ")}`,
        extensions: { code: ErrorCode.BAD_USER_INPUT, field: fields[0], fields },
      };
    }
    const code = formatted.extensions?.code;
    const coercion = code === ErrorCode.BAD_USER_INPUT ? variableCoercionField(formatted.message) : null;
    if (coercion) {
      return {
        ...base,
        message: `Variable "$${coercion.variable}" has an invalid value` +
          (coercion.field === coercion.variable ? "" : ` at "${coercion.field}"`),
        extensions: { code: ErrorCode.BAD_USER_INPUT, field: coercion.field, fields: [coercion.field] },
      };
    }
    if (typeof code === "string" && REQUEST_ERROR_CODES.has(code)) {
      // A query limit (src/limits) names itself: reason and limit, so the client can fix its query.
      const { reason, limit } = formatted.extensions ?? {};
      return { ...base, extensions: { code, ...(typeof reason === "string" ? { reason, limit } : {}) } };
    }
    if (isDatabaseUnavailable(original)) {
      databaseUnavailable.inc();
      logger.warn("database_unavailable", { path: formatted.path });
      const unavailable = new ServiceUnavailableError();
      return { ...base, message: unavailable.message, extensions: { code: ErrorCode.SERVICE_UNAVAILABLE } };
    }
    logger.error("internal_error", {
      errorName: original instanceof Error ? original.name : typeof original,
      path: formatted.path,
    });
    return { ...base, message: "Internal server error", extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
  };
}
