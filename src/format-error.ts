import { ApolloServerErrorCode, unwrapResolverError } from "@apollo/server/errors";
import { ASTNode, DocumentNode, GraphQLError, GraphQLFormattedError, Kind, Source, ValueNode, parse, visit } from "graphql";
import { ArgumentValidationError } from "type-graphql";
import { ValidationError } from "class-validator";
import { databaseErrorCodes, isDatabaseUnavailable, isLockConflict } from "./errors/database-availability";
import { ErrorCode, GatewayError, ServiceUnavailableError } from "./errors/gateway-error";
import { QueryLimitReason } from "./errors/query-limit.error";
import { missingVariable, publicRequestMessage } from "./errors/request-error-messages";
import type { Logger } from "./logging/logger";
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

const QUERY_LIMIT_REASONS = new Set<string>(Object.values(QueryLimitReason));

/** Dotted paths of the failing properties, e.g. `input.criteria.minAmount`; never values. */
function failingFields(errors: readonly ValidationError[], prefix = ""): string[] {
  return errors.flatMap(error => {
    const path = prefix ? `${prefix}.${error.property}` : error.property;
    const own = error.constraints ? [path] : [];
    return [...own, ...failingFields(error.children ?? [], path)];
  });
}

const VARIABLE_VALUE_ERROR = /^Variable "\$([_A-Za-z]\w*)" got invalid value /;
/**
 * A required field the value left out: a schema name, so it is named. A field the type does not
 * define (`Field "<key>" is not defined by type …`) is a key the client wrote: it is not named,
 * the object holding it is.
 */
const NAMED_FIELD_REASON = /; Field "([_A-Za-z]\w*)" of required type /;

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

/** Literal kinds a value error of the document is reported at (graphql-js ValuesOfCorrectTypeRule). */
const LITERAL_KINDS = new Set<string>([
  Kind.INT, Kind.FLOAT, Kind.STRING, Kind.BOOLEAN, Kind.NULL, Kind.ENUM, Kind.LIST, Kind.OBJECT,
]);
/** Errors at a literal that name only schema fields (a missing required field, oneOf): kept as written. */
const FIELD_NAMING_MESSAGE =
  /^(?:Field "\w+\.\w+" (?:of required type "[\w![\]]+" was not provided|must be non-null)\.|OneOf Input Object "\w+" must specify exactly one key\.)$/;
/** graphql-js's forms for a literal of the wrong type; each may end with the literal itself. */
const EXPECTED_TYPE = [
  /^Expected value of type "([\w![\]]+)", found /,
  /^Enum "(\w+)" cannot represent /,
  /^Value ".*" does not exist in "(\w+)" enum/,
  /^(\w+) cannot represent /,
];

/** Re-parsed documents, so several bad literals in one request parse it once. */
const parsedSources = new WeakMap<Source, DocumentNode>();

/** Where `target` lies below `value`, e.g. `input.criteria.minAmount` or `categories[2]`. */
function literalPathWithin(value: ValueNode, target: ASTNode, at: string): string | null {
  if (value.kind === target.kind && value.loc?.start === target.loc?.start) return at;
  if (value.kind === Kind.OBJECT) {
    for (const field of value.fields) {
      const found = literalPathWithin(field.value, target, `${at}.${field.name.value}`);
      if (found) return found;
    }
  }
  if (value.kind === Kind.LIST) {
    for (const [index, item] of value.values.entries()) {
      const found = literalPathWithin(item, target, `${at}[${index}]`);
      if (found) return found;
    }
  }
  return null;
}

/** The argument (or variable default) path of a literal in its document, from names only. */
function literalPath(target: ASTNode): string | null {
  const source = target.loc?.source;
  if (!source) return null;
  let document = parsedSources.get(source);
  if (!document) {
    document = parse(source);
    parsedSources.set(source, document);
  }
  let path: string | null = null;
  visit(document, {
    Argument: argument => { path ??= literalPathWithin(argument.value, target, argument.name.value); },
    VariableDefinition: definition => {
      if (definition.defaultValue) path ??= literalPathWithin(definition.defaultValue, target, `$${definition.variable.name.value}`);
    },
  });
  return path;
}

/**
 * graphql-js reports an inline literal of the wrong type with the literal in the message
 * (`String cannot represent a non string value: 110105194912310021`), which may be an ID number
 * typed straight into the document. Such an error is turned into the same BAD_USER_INPUT a bad
 * variable gets: the expected type and the path, never the value. Deny by default: any other
 * message at a literal is replaced too, unless it names only fields (FIELD_NAMING_MESSAGE).
 */
function literalValueError(message: string, error: unknown): { field: string | null; expectedType: string | null } | null {
  const node = error instanceof GraphQLError ? error.nodes?.[0] : undefined;
  const expectedType = EXPECTED_TYPE.map(form => form.exec(message)?.[1]).find(Boolean) ?? null;
  const atLiteral = node !== undefined && LITERAL_KINDS.has(node.kind) && !FIELD_NAMING_MESSAGE.test(message);
  if (!atLiteral && expectedType === null) return null;
  const path = node && LITERAL_KINDS.has(node.kind) ? literalPath(node) : null;
  return { field: path === null ? null : path.replace(/^input\./, ""), expectedType };
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
    const literal = code === ApolloServerErrorCode.GRAPHQL_VALIDATION_FAILED ? literalValueError(formatted.message, error) : null;
    if (literal) {
      const where = literal.field === null ? "Invalid value" : `Invalid value for "${literal.field}"`;
      return {
        ...base,
        message: where + (literal.expectedType === null ? "" : `: expected ${literal.expectedType}`),
        extensions: { code: ErrorCode.BAD_USER_INPUT, ...(literal.field === null ? {} : { field: literal.field, fields: [literal.field] }) },
      };
    }
    const missing = code === ErrorCode.BAD_USER_INPUT ? missingVariable(formatted.message) : null;
    if (missing) {
      return { ...base, message: `Variable "$${missing}" is required`, extensions: { code: ErrorCode.BAD_USER_INPUT, field: missing, fields: [missing] } };
    }
    if (typeof code === "string" && REQUEST_ERROR_CODES.has(code)) {
      // A query limit (src/limits) names itself: reason and limit, so the client can fix its query.
      // Its message holds only measured numbers and the limit.
      const { reason, limit } = formatted.extensions ?? {};
      if (typeof reason === "string" && QUERY_LIMIT_REASONS.has(reason)) return { ...base, extensions: { code, reason, limit } };
      return { ...base, message: publicRequestMessage(code, formatted.message), extensions: { code } };
    }
    if (isLockConflict(original)) {
      // A deadlock or lock wait timeout: rolled back, retryable (src/errors/database-availability.ts).
      // Which one (deadlock or certification conflict, lock-wait or causal-wait timeout), after the retries were spent.
      logger.warn("database_lock_conflict", { ...databaseErrorCodes(original), path: formatted.path });
      return { ...base, message: new ServiceUnavailableError().message, extensions: { code: ErrorCode.SERVICE_UNAVAILABLE } };
    }
    if (isDatabaseUnavailable(original)) {
      databaseUnavailable.inc();
      logger.warn("database_unavailable", { path: formatted.path });
      const unavailable = new ServiceUnavailableError();
      return { ...base, message: unavailable.message, extensions: { code: ErrorCode.SERVICE_UNAVAILABLE } };
    }
    logger.error("internal_error", {
      errorName: original instanceof Error ? original.name : typeof original,
      // A database error's codes (never its message, which echoes values): what the on-call needs to tell a full disk from a charset.
      ...databaseErrorCodes(original),
      path: formatted.path,
    });
    return { ...base, message: "Internal server error", extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
  };
}
