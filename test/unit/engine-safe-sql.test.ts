import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import ts from "typescript";

/**
 * SQL that MySQL-compatible distributed engines do not run as MySQL does: TiDB refuses or
 * ignores shared and skip locks, Vitess pins a connection for named and table locks, Galera
 * does not replicate LOCK TABLES or GET_LOCK. TypeORM's lock modes that emit them count too.
 * Comments may name them (to say why they are absent); SQL text and lock options may not.
 */
const FORBIDDEN: Array<[string, RegExp]> = [
  ["LOCK IN SHARE MODE", /LOCK\s+IN\s+SHARE\s+MODE/i],
  ["FOR SHARE", /FOR\s+SHARE\b/i],
  ["SKIP LOCKED", /SKIP\s+LOCKED/i],
  ["GET_LOCK / RELEASE_LOCK", /\b(GET|RELEASE|IS_FREE|IS_USED)_LOCK\s*\(/i],
  ["LOCK TABLES", /\bLOCK\s+TABLES?\b/i],
  ["TypeORM pessimistic_read (LOCK IN SHARE MODE)", /pessimistic_read/],
  ["TypeORM pessimistic_partial_write / skip_locked (SKIP LOCKED)", /pessimistic_partial_write|skip_locked/],
];

const ROOT = resolve(__dirname, "../..");

function sourceFiles(directory: string): string[] {
  return readdirSync(directory).flatMap(name => {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith(".ts") ? [path] : [];
  });
}

/** The text of every string and template literal of the file (where SQL and lock modes are written), comments left out. */
function literalText(text: string): string {
  const parts: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteralLike(node) || ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)) parts.push(node.text);
    ts.forEachChild(node, visit);
  };
  visit(ts.createSourceFile("scanned.ts", text, ts.ScriptTarget.Latest, true));
  return parts.join(" ");
}

function violations(files: string[]): string[] {
  return files.flatMap(file => {
    const code = literalText(readFileSync(file, "utf8"));
    return FORBIDDEN.filter(([, pattern]) => pattern.test(code)).map(([name]) => `${relative(ROOT, file)}: ${name}`);
  });
}

describe("engine-safe SQL", () => {
  it("no shared, skip, named or table locks anywhere in src/, migrations/, bench/ or the tests' support", () => {
    // test/faults may lock tables: it holds requests in flight on a private single server.
    const scanned = ["src", "migrations", "bench", "test/support"].flatMap(directory => sourceFiles(join(ROOT, directory)));
    expect(violations(scanned)).toEqual([]);
  });

  it("positive twin: the check finds each construct in code and SQL text, and ignores comments", () => {
    const found = (text: string) => FORBIDDEN.filter(([, pattern]) => pattern.test(literalText(text))).map(([name]) => name);
    expect(found("await q.query(\"SELECT id FROM t WHERE id = ? LOCK IN SHARE MODE\", [id]);")).toEqual(["LOCK IN SHARE MODE"]);
    expect(found("const sql = `SELECT id FROM t ${where} FOR UPDATE SKIP LOCKED`;")).toEqual(["SKIP LOCKED"]);
    expect(found("await q.query(\"SELECT GET_LOCK('sequencer', 0)\");")).toEqual(["GET_LOCK / RELEASE_LOCK"]);
    expect(found("await q.query('LOCK TABLES leads WRITE');")).toEqual(["LOCK TABLES"]);
    expect(found("repo.findOne({ lock: { mode: \"pessimistic_read\" } });")).toEqual(["TypeORM pessimistic_read (LOCK IN SHARE MODE)"]);
    expect(found("// no LOCK IN SHARE MODE, SKIP LOCKED or GET_LOCK here\n/* LOCK TABLES */ const x = 1;")).toEqual([]);
  });
});
