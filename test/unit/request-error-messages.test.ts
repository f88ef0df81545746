import { buildSchema, parse, validate } from "graphql";
import { missingVariable, publicRequestMessage } from "../../src/errors/request-error-messages";

const CANARY = "11010519850612123X";
const SCHEMA = buildSchema(`type Query { viewer(id: ID!): Viewer } type Viewer { id: ID! name: String }`);

describe("public messages of request errors", () => {
  it.each([
    `{ viewer(id: "1") { n${CANARY} } }`,
    `{ viewer(id: "1", a${CANARY}: 1) { id } }`,
    `{ viewer(id: "1") @d${CANARY} { id } }`,
    `{ viewer(id: $v${CANARY}) { id } }`,
    `query($u${CANARY}: Int) { viewer(id: "1") { id } }`,
    `{ viewer(id: "1") { ... on T${CANARY} { id } } }`,
    `{ viewer(id: "1") { ...F${CANARY} } }`,
    `{ viewer(id: "1") { id } } fragment G${CANARY} on Viewer { id }`,
    `{ viewer(id: "1") { id: name id } }`,
    `type T${CANARY} { id: ID }`,
  ])("every graphql-js validation message of %s has a kind of its own, without the canary", document => {
    const errors = validate(SCHEMA, parse(document));
    expect(errors.length).toBeGreaterThan(0);
    for (const error of errors) {
      const message = publicRequestMessage("GRAPHQL_VALIDATION_FAILED", error.message);
      expect(message).not.toContain(CANARY);
      expect(message).not.toBe("The document is not valid against the schema");
    }
  });

  it("deny by default: a message it does not know gets the generic one of its code", () => {
    expect(publicRequestMessage("GRAPHQL_VALIDATION_FAILED", `Something new about "${CANARY}".`)).toBe("The document is not valid against the schema");
    expect(publicRequestMessage("GRAPHQL_PARSE_FAILED", `Syntax Error: Something new "${CANARY}".`)).toBe("Syntax error");
    expect(publicRequestMessage("OPERATION_RESOLUTION_FAILURE", `Something "${CANARY}".`)).toBe("The operation to run could not be determined");
    expect(publicRequestMessage("BAD_USER_INPUT", `Variable "$x" got "${CANARY}".`)).toBe("Invalid input");
  });

  it("keeps a message naming only schema elements, and Apollo's own fixed texts", () => {
    const required = `Field "SubmitApplicationInput.phone" of required type "String!" was not provided.`;
    expect(publicRequestMessage("GRAPHQL_VALIDATION_FAILED", required)).toBe(required);
    expect(publicRequestMessage("PERSISTED_QUERY_NOT_SUPPORTED", "PersistedQueryNotSupported")).toBe("PersistedQueryNotSupported");
  });

  it("names the variable of a required variable left out or null, and nothing else", () => {
    expect(missingVariable(`Variable "$id" of required type "ID!" was not provided.`)).toBe("id");
    expect(missingVariable(`Variable "$id" of non-null type "ID!" must not be null.`)).toBe("id");
    expect(missingVariable(`Variable "$id" got invalid value "x".`)).toBeNull();
  });
});
