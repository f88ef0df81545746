import { mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";

const ROOT = resolve(__dirname, "../..");

/**
 * src/ and migrations/ transpiled to JavaScript once, file by file as ts-node's transpile-only
 * mode does (no type check: `tsc --noEmit` does that), into a temporary directory, for a suite
 * that runs a command as a process many times: each run then starts in a fraction of a second
 * instead of transpiling everything again. What runs is what `npm run <command>:dist` runs.
 * Returns the directory; run `node <dir>/src/cli/<name>.js` with NODE_PATH set to `modulePath`.
 */
export function transpileCommands(): { directory: string; modulePath: string } {
  const directory = mkdtempSync(join(tmpdir(), "gateway-commands-"));
  const { config } = ts.readConfigFile(join(ROOT, "tsconfig.json"), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, ROOT);
  for (const folder of ["src", "migrations"]) {
    for (const file of typeScriptFiles(join(ROOT, folder))) {
      const output = ts.transpileModule(readFileSync(file, "utf8"), { compilerOptions: { ...options, sourceMap: false, declaration: false }, fileName: file });
      const target = join(directory, relative(ROOT, file)).replace(/\.ts$/, ".js");
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, output.outputText);
    }
  }
  return { directory, modulePath: join(ROOT, "node_modules") };
}

function typeScriptFiles(folder: string): string[] {
  return readdirSync(folder).flatMap(name => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return typeScriptFiles(path);
    return path.endsWith(".ts") && !path.endsWith(".d.ts") ? [path] : [];
  });
}
