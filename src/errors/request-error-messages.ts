import { ApolloServerErrorCode } from "@apollo/server/errors";

/**
 * Public messages of parse, validation and operation-resolution errors. graphql-js and Apollo
 * quote what the client sent in these (`found String "11010519850612123X"`, `Cannot query field
 * "<name>"`, `Unknown operation named "<name>"`), and a client may type an ID number anywhere in
 * a document. So each kind of error gets a fixed message and the client keeps its `locations`;
 * a message not recognised here gets the generic one of its code (deny by default: a new
 * graphql-js message cannot start echoing input).
 */

type Kinds = ReadonlyArray<readonly [RegExp, string]>;

const SYNTAX: Kinds = [
  [/^Syntax Error: Document contains more than \d+ tokens\. Parsing aborted\.$/, "Syntax error: the document has more tokens than allowed"],
  [/^Syntax Error: Unterminated string\.$/, "Syntax error: unterminated string"],
  [/^Syntax Error: (?:Invalid character|Cannot contain the invalid character|Unexpected character)/, "Syntax error: invalid character"],
  [/^Syntax Error: Invalid (?:Unicode escape sequence|character escape sequence)/, "Syntax error: invalid escape sequence in a string"],
  [/^Syntax Error: Invalid number/, "Syntax error: invalid number"],
  [/^Syntax Error: (?:Expected|Unexpected) /, "Syntax error: unexpected token"],
];

const VALIDATION: Kinds = [
  [/^Cannot query field "/, "Cannot query this field on this type"],
  [/^Unknown type "/, "Unknown type"],
  [/^Unknown directive "/, "Unknown directive"],
  [/^Directive "@.*" may not be used on /, "This directive may not be used here"],
  [/^The directive "@.*" can only be used once at this location\.$/, "A directive is repeated at this location"],
  [/^Unknown argument "/, "Unknown argument"],
  [/^There can be only one argument named "/, "An argument is given more than once"],
  [/^Variable "\$.*" is not defined(?: by operation ".*")?\.$/s, "A variable is not defined by the operation"],
  [/^Variable "\$.*" is never used(?: in operation ".*")?\.$/s, "A variable is never used"],
  [/^There can be only one variable named "/, "A variable is defined more than once"],
  [/^Variable "\$.*" cannot be non-input type "/, "A variable must have an input type"],
  [/^Variable "\$.*" (?:of type ".*" used in position expecting type "|is of type ".*" but must be non-nullable)/s, "A variable's type does not fit where it is used"],
  [/^Unknown fragment "/, "Unknown fragment"],
  [/^Fragment ".*" is never used\.$/s, "A fragment is never used"],
  [/^There can be only one fragment named "/, "A fragment is defined more than once"],
  [/^Cannot spread fragment "/, "A fragment spreads itself"],
  [/^(?:Fragment ".*" )?cannot be spread here as objects of type "|^Fragment cannot be spread here /s, "This fragment cannot be spread here"],
  [/^(?:Fragment ".*" )?cannot condition on non composite type "|^Fragment cannot condition on /s, "A fragment must be on an object, interface or union type"],
  [/^There can be only one operation named "/, "An operation name is used more than once"],
  [/^This anonymous operation must be the only defined operation\.$/, "An anonymous operation must be the only operation"],
  [/^The .* definition is not executable\.$/s, "Only operations and fragments may be defined"],
  [/^(?:Anonymous Subscription|Subscription ".*") must (?:select only one|not select an introspection) top level field\.$/s, "A subscription must select one top-level field"],
  [/^Field ".*" must not have a selection since type ".*" has no subfields\.$/s, "This field takes no selection of subfields"],
  [/^Field ".*" of type ".*" must have (?:a selection of subfields|at least one field selected)/s, "This field needs a selection of subfields"],
  [/^Fields ".*" conflict because /s, "Two fields with one response name conflict; give them different aliases"],
  [/^There can be only one input field named "/, "An input field is given more than once"],
  [/^Field ".*" is not defined by type "/s, "Unknown input field"],
  [/^Field ".*" must be non-null\.$/s, "This input field must not be null"],
  [/^OneOf Input Object ".*" must specify exactly one key\.$/s, "A OneOf input must give exactly one field"],
  [/^Maximum introspection depth exceeded$/, "Maximum introspection depth exceeded"],
  [/^GraphQL introspection is not allowed/, "Introspection is disabled"],
];

/**
 * Messages that name schema elements only, never anything the client wrote: kept as they are,
 * since they tell the client exactly what to add. Each name here comes from the schema's own
 * definitions (the missing field or argument is one the client did not write).
 */
const SCHEMA_NAMING: readonly RegExp[] = [
  /^Field "\w+\.\w+" of required type "[\w![\]]+" was not provided\.$/,
  /^Field "\w+" argument "\w+" of type "[\w![\]]+" is required, but it was not provided\.$/,
  /^Directive "@\w+" argument "\w+" of type "[\w![\]]+" is required, but it was not provided\.$/,
];

const OPERATION: Kinds = [
  [/^Unknown operation named "/, "Unknown operation name"],
  [/^Must provide operation name if query contains multiple operations\.$/, "Name the operation to run: the document holds several"],
  [/^Must provide an operation\.$/, "The document holds no operation"],
];

function firstKind(kinds: Kinds, message: string): string | undefined {
  return kinds.find(([pattern]) => pattern.test(message))?.[1];
}

/**
 * The public message of a request error of Apollo's `code`. Apollo's BAD_REQUEST and
 * persisted-query messages are its own fixed texts and are kept.
 */
export function publicRequestMessage(code: string, message: string): string {
  switch (code) {
    case ApolloServerErrorCode.GRAPHQL_PARSE_FAILED:
      return firstKind(SYNTAX, message) ?? "Syntax error";
    case ApolloServerErrorCode.GRAPHQL_VALIDATION_FAILED:
      if (SCHEMA_NAMING.some(pattern => pattern.test(message))) return message;
      return firstKind(VALIDATION, message) ?? "The document is not valid against the schema";
    case ApolloServerErrorCode.OPERATION_RESOLUTION_FAILURE:
      return firstKind(OPERATION, message) ?? "The operation to run could not be determined";
    case ApolloServerErrorCode.BAD_USER_INPUT:
      return "Invalid input";
    default:
      return message;
  }
}

/** Apollo's names for a variable missing or null, e.g. `Variable "$id" of required type "ID!" was not provided.` */
const VARIABLE_MISSING = /^Variable "\$([_A-Za-z]\w*)" of (?:required type ".*" was not provided|non-null type ".*" must not be null)\.$/s;

/** The variable a "required variable missing or null" error is about, or null for another message. */
export function missingVariable(message: string): string | null {
  return VARIABLE_MISSING.exec(message)?.[1] ?? null;
}
