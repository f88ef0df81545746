import { readFileSync } from "node:fs";
import { join } from "node:path";
import { buildSchema, isEnumType, isInputObjectType, isInterfaceType, isObjectType } from "graphql";

const ROOT = join(__dirname, "..", "..");

/** Every deprecated field, argument, input field and enum value of the published SDL, with its reason. */
function deprecations(): Array<{ name: string; reason: string | null | undefined }> {
  const schema = buildSchema(readFileSync(join(ROOT, "schema", "schema.graphql"), "utf8"));
  const found: Array<{ name: string; reason: string | null | undefined }> = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith("__")) continue;
    if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) {
        if (field.deprecationReason) found.push({ name: field.name, reason: field.deprecationReason });
        for (const argument of "args" in field ? field.args : []) {
          if (argument.deprecationReason) found.push({ name: `${field.name}(${argument.name})`, reason: argument.deprecationReason });
        }
      }
    }
    if (isEnumType(type)) {
      for (const value of type.getValues()) if (value.deprecationReason) found.push({ name: value.name, reason: value.deprecationReason });
    }
  }
  return found;
}

describe("the deprecation policy (CHANGELOG.md)", () => {
  const changelog = readFileSync(join(ROOT, "CHANGELOG.md"), "utf8");
  /** The text of every "### Deprecated" section. */
  const deprecatedSections = [...changelog.matchAll(/^### Deprecated\n([\s\S]*?)(?=^##|(?![\s\S]))/gm)].map(match => match[1]).join("\n");

  it("finds the deprecations it checks (issueApiKey, rotateApiKey)", () => {
    expect(deprecations().map(entry => entry.name)).toEqual(expect.arrayContaining(["issueApiKey", "rotateApiKey"]));
  });

  it("lists every deprecated name of the SDL under Deprecated, with a reason that names what to use instead", () => {
    for (const { name, reason } of deprecations()) {
      // graphql's default reason ("No longer supported") names no replacement.
      expect(reason).not.toBe("No longer supported");
      expect(reason).toMatch(/\b(use|register|instead)\b/i);
      expect(deprecatedSections).toContain(`\`${name}\``);
    }
  });
});
