/** A command line the command cannot run with: printed with its usage, exit code 2. */
export class UsageError extends Error {}

/**
 * `--name value` pairs, each name one of `known` and given once; anything else (a stray word,
 * an unknown or repeated option, an option without its value) is refused rather than ignored,
 * so a mistyped `--key` can never mean "no key".
 */
export function parseOptions(args: readonly string[], known: readonly string[]): ReadonlyMap<string, string> {
  const options = new Map<string, string>();
  for (let at = 0; at < args.length; at += 2) {
    const flag = args[at];
    const name = flag.startsWith("--") ? flag.slice(2) : null;
    if (name === null || !known.includes(name)) throw new UsageError(`unknown argument ${JSON.stringify(flag)}`);
    if (options.has(name)) throw new UsageError(`--${name} is given twice`);
    const value = args[at + 1];
    if (value === undefined || value === "" || value.startsWith("--")) throw new UsageError(`--${name} needs a value`);
    options.set(name, value);
  }
  return options;
}
