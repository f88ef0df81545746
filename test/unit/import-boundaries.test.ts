import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import ts from "typescript";

/**
 * The layers of src/, held by a test. A room is a folder directly under src/ or a file at its
 * root (`config.ts`, `server.ts`). An arrow is a value import from one room into another;
 * `import type` (and `import { type X }` where every name is a type) is no arrow, because it
 * leaves nothing behind at run time and ties no module load order.
 *
 * ALLOWED is the whole list of arrows the code may have, bottom layers first. It must stay a
 * one-way order: the test fails on any cycle between rooms, on any arrow not listed, and when a
 * folder's README names other rooms than the ones listed here for it.
 */
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  // Foundations: no rooms of ours below them.
  model: [],
  errors: [],
  logging: [],
  "context.ts": [],
  "schema-sdl.ts": [],
  transparency: [],
  "web-pages": [],
  metrics: ["errors"],
  common: ["errors"],
  database: ["model", "errors", "common", "metrics"],
  regions: ["model"],
  // The access rule; the webhook outbox and delivery; the state changes every cascade shares
  // (which write their events to the outbox in the same transaction).
  privacy: ["model", "errors", "metrics"],
  webhooks: ["model", "errors", "common", "metrics", "privacy"],
  lifecycle: ["model", "database", "webhooks"],
  auth: ["model", "errors"],
  "identity-provider": ["errors", "model"],
  limits: ["errors", "common"],
  "config.ts": ["errors", "identity-provider", "logging", "privacy", "transparency", "web-pages"],
  // Domains.
  audit: ["model", "errors", "common", "privacy"],
  lenders: ["model", "errors", "common", "database", "lifecycle", "auth", "audit", "regions", "webhooks"],
  leads: ["model", "errors", "common", "database", "lifecycle", "privacy", "regions"],
  consents: ["model", "errors", "common", "database", "lifecycle", "privacy", "webhooks"],
  applications: ["model", "errors", "common", "lifecycle", "privacy", "leads", "audit", "regions", "webhooks"],
  quotas: ["model", "errors"],
  "admin-changes": ["model", "errors", "common", "database", "audit", "auth", "lenders"],
  retention: ["model", "database", "lifecycle", "applications", "config.ts"],
  operations: ["common", "metrics"],
  // The transparency log wired in: the sequencer, the tables of its nodes and head, its HTTP side.
  "transparency-log": ["model", "errors", "common", "database", "metrics", "privacy", "transparency"],
  // Wiring: a request's context, the schema, the HTTP server, the entry points.
  "request-context.ts": ["model", "privacy", "leads", "consents"],
  "format-error.ts": ["errors", "metrics"],
  "schema.ts": ["privacy", "auth", "applications", "audit", "consents", "leads", "lenders", "quotas", "admin-changes", "transparency-log", "webhooks"],
  "server.ts": ["errors", "common", "logging", "metrics", "privacy", "auth", "identity-provider", "limits", "quotas", "operations", "request-context.ts", "format-error.ts", "schema-sdl.ts", "transparency-log", "webhooks", "web-pages"],
  "main.ts": ["config.ts", "database", "logging", "operations", "retention", "schema.ts", "server.ts"],
  cli: ["config.ts", "database", "auth", "privacy", "retention", "schema.ts", "schema-sdl.ts", "transparency", "transparency-log", "common", "logging", "server.ts"],
};

const SRC = resolve(__dirname, "../../src");

interface Arrow {
  from: string;
  to: string;
  file: string;
  imported: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap(name => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith(".ts") ? [path] : [];
  });
}

function roomOf(file: string): string {
  return relative(SRC, file).split(sep)[0];
}

/** The file a relative specifier names, as the compiler resolves it (`x.ts` or `x/index.ts`). */
function resolveSpecifier(from: string, specifier: string): string | null {
  const base = resolve(dirname(from), specifier);
  for (const candidate of [`${base}.ts`, join(base, "index.ts"), base]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return null;
}

function isTypeOnly(node: ts.ImportDeclaration | ts.ExportDeclaration): boolean {
  if (ts.isExportDeclaration(node)) {
    if (node.isTypeOnly) return true;
    const clause = node.exportClause;
    return clause !== undefined && ts.isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every(element => element.isTypeOnly);
  }
  const clause = node.importClause;
  if (!clause) return false; // `import "./x"` runs the module.
  if (clause.isTypeOnly) return true;
  const named = clause.namedBindings;
  return clause.name === undefined && named !== undefined && ts.isNamedImports(named) && named.elements.length > 0 &&
    named.elements.every(element => element.isTypeOnly);
}

/** Every value import of a file that is a relative path: static imports, re-exports, require() and import(). */
function valueImports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      if (!isTypeOnly(node)) found.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.arguments.length === 1 && ts.isStringLiteral(node.arguments[0])) {
      const callee = node.expression;
      if (callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === "require")) {
        found.push(node.arguments[0].text);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found.filter(specifier => specifier.startsWith("."));
}

function arrowsOfSrc(): Arrow[] {
  const arrows: Arrow[] = [];
  for (const file of sourceFiles(SRC)) {
    for (const specifier of valueImports(file)) {
      const target = resolveSpecifier(file, specifier);
      if (target === null || !target.startsWith(SRC + sep)) continue;
      const from = roomOf(file);
      const to = roomOf(target);
      if (from !== to) arrows.push({ from, to, file: relative(SRC, file), imported: relative(SRC, target) });
    }
  }
  return arrows;
}

/** Strongly connected groups of more than one room (Tarjan): each is a cycle between rooms. */
function cycles(arrows: readonly Arrow[]): string[][] {
  const next = new Map<string, Set<string>>();
  for (const arrow of arrows) {
    if (!next.has(arrow.from)) next.set(arrow.from, new Set());
    next.get(arrow.from)!.add(arrow.to);
  }
  const rooms = [...new Set(arrows.flatMap(arrow => [arrow.from, arrow.to]))];
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  let counter = 0;
  const connect = (room: string): void => {
    index.set(room, counter);
    low.set(room, counter);
    counter += 1;
    stack.push(room);
    onStack.add(room);
    for (const target of next.get(room) ?? []) {
      if (!index.has(target)) {
        connect(target);
        low.set(room, Math.min(low.get(room)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(room, Math.min(low.get(room)!, index.get(target)!));
      }
    }
    if (low.get(room) === index.get(room)) {
      const group: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        group.push(member);
      } while (member !== room);
      if (group.length > 1) groups.push(group.sort());
    }
  };
  for (const room of rooms) if (!index.has(room)) connect(room);
  return groups;
}

describe("import boundaries of src/", () => {
  const arrows = arrowsOfSrc();

  it("finds the arrows it is meant to judge (the reader works)", () => {
    // Positive twin of the checks below: a reader that found nothing would pass them all.
    expect(arrows.length).toBeGreaterThan(50);
    expect(arrows).toContainEqual(expect.objectContaining({ from: "server.ts", to: "auth" }));
  });

  it("has no cycle between rooms", () => {
    const found = cycles(arrows).map(group => {
      const inside = arrows.filter(arrow => group.includes(arrow.from) && group.includes(arrow.to));
      return `${group.join(" <-> ")}:\n  ${inside.map(arrow => `${arrow.file} -> ${arrow.imported}`).join("\n  ")}`;
    });
    expect(found).toEqual([]);
  });

  it("has only the arrows the layer list allows", () => {
    const refused = arrows
      .filter(arrow => !(ALLOWED[arrow.from] ?? []).includes(arrow.to))
      .map(arrow => `${arrow.file} -> ${arrow.imported} (${arrow.from} may import: ${(ALLOWED[arrow.from] ?? ["nothing: not a listed room"]).join(", ") || "nothing"})`);
    expect(refused).toEqual([]);
  });

  it("lists every room of src/ and no room that is gone", () => {
    const rooms = readdirSync(SRC).filter(name => statSync(join(SRC, name)).isDirectory() || name.endsWith(".ts")).sort();
    expect(Object.keys(ALLOWED).sort()).toEqual(rooms);
  });

  it("the layer list itself runs one way", () => {
    const listed: Arrow[] = Object.entries(ALLOWED).flatMap(([from, targets]) =>
      targets.map(to => ({ from, to, file: "ALLOWED", imported: to })));
    expect(cycles(listed)).toEqual([]);
  });

  it("the README's layout table is this list", () => {
    const readme = readFileSync(resolve(SRC, "../README.md"), "utf8");
    const layout = readme.slice(readme.indexOf("## Layout"));
    const rows = [...layout.matchAll(/^\| `([^`]+)` \| (.*) \|$/gm)].map(([, room, targets]) =>
      [room, [...targets.matchAll(/`([^`]+)`/g)].map(match => match[1])] as const);
    expect(Object.fromEntries(rows)).toEqual(ALLOWED);
  });

  it("each folder's README names exactly the rooms it may import", () => {
    const folders = readdirSync(SRC).filter(name => statSync(join(SRC, name)).isDirectory()).sort();
    const mismatches = folders.flatMap(folder => {
      const readme = join(SRC, folder, "README.md");
      if (!existsSync(readme)) return [`${folder}/README.md is missing`];
      // The line "May import: `model`, `errors`." (or "May import: nothing.").
      const line = /^May import: (.*)$/m.exec(readFileSync(readme, "utf8"))?.[1];
      if (line === undefined) return [`${folder}/README.md has no "May import:" line`];
      const named = [...line.matchAll(/`([^`]+)`/g)].map(match => match[1].replace(/\/$/, "")).sort();
      const allowed = [...(ALLOWED[folder] ?? [])].sort();
      return JSON.stringify(named) === JSON.stringify(allowed) ? [] : [`${folder}/README.md names ${named.join(", ") || "nothing"}; the test allows ${allowed.join(", ") || "nothing"}`];
    });
    expect(mismatches).toEqual([]);
  });
});
