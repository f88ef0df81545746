import { type Checkpoint, parseCheckpoint } from "../transparency/checkpoint";
import { SignedNoteError } from "../transparency/note-error";
import { verifyConsistency } from "../transparency/proof-verification";
import { verifyNote } from "../transparency/signed-note";
import { decodeCanonicalBase64 } from "../transparency/strict-base64";
import { type VerifierKey, formatKeyHash, parseVerifierKey } from "../transparency/verifier-key";
import { UsageError, parseOptions } from "./command-options";
import { WitnessState } from "./witness-state";

const USAGE = "usage: npm run audit:witness -- --url GATEWAY_URL --state DIR [--key VERIFIER_KEY]";

/** Exit codes: the log only grew (0), it rewrote its history or its key (1), the check could not be made (2). */
const CONSISTENT = 0;
const REWRITTEN = 1;
const CANNOT_CHECK = 2;

/** Milliseconds each request to the gateway may take. */
const FETCH_TIMEOUT_MS = 15_000;

class CannotCheck extends Error {}

/** The log rewrote what a witness saw: printed on stdout, exit 1. */
class Rewritten extends Error {}

/**
 * `npm run audit:witness` (compiled: `npm run audit:witness:dist`): one witness run, for cron.
 * Fetches the gateway's checkpoint, verifies its signature with the pinned key, and, when a
 * previous checkpoint is stored, a consistency proof from it; stores the new one only then.
 * The first run pins the key given with --key or, without it, the key the gateway serves (trust
 * on first use: a gateway already lying on that run would not be caught; give --key, obtained
 * another way, to avoid that). Later runs use the pinned key and refuse a different --key.
 */
async function main(args: string[]): Promise<number> {
  const options = parseOptions(args, ["url", "state", "key"]);
  const url = options.get("url");
  const directory = options.get("state");
  if (url === undefined || directory === undefined) throw new UsageError("--url and --state are required");
  if (!/^https?:\/\/[^/]/.test(url)) throw new UsageError("--url must be the gateway's http:// or https:// address");
  const base = url.replace(/\/+$/, "");
  const state = openState(directory);

  const pinned = state.pinnedKey();
  const given = options.get("key")?.trim();
  if (pinned !== null && given !== undefined && given !== pinned) {
    throw new UsageError(`--key differs from the key pinned in ${directory}; a log under a new key needs a new state directory`);
  }
  const keyText = pinned ?? given ?? (await fetchText(`${base}/transparency/key`)).trim();
  const key = readKey(keyText, pinned !== null ? "the pinned key" : given !== undefined ? "--key" : "the key the gateway serves");

  const note = await fetchText(`${base}/transparency/checkpoint`);
  const latest = checkpointOf(note, key, "the gateway's checkpoint");
  const storedNote = state.checkpoint();
  const stored = storedNote === null ? null : checkpointOf(storedNote, key, "the stored checkpoint");
  if (stored !== null) await checkConsistent(base, stored, latest);

  if (pinned === null) state.pinKey(keyText);
  state.storeCheckpoint(note);
  const name = `${key.name}+${formatKeyHash(key.keyHash)}`;
  process.stdout.write(stored === null
    ? `first checkpoint: ${latest.size} leaves; key ${name} pinned (${given !== undefined ? "as given" : "as served: trust on first use"})\n`
    : `consistent: ${stored.size} → ${latest.size} leaves\n`);
  return CONSISTENT;
}

function openState(directory: string): WitnessState {
  try {
    return new WitnessState(directory);
  } catch (error) {
    throw new CannotCheck(`cannot use the state directory ${directory} (${(error as NodeJS.ErrnoException).code ?? "unreadable"})`);
  }
}

function readKey(text: string, what: string): VerifierKey {
  try {
    return parseVerifierKey(text);
  } catch (error) {
    const message = `${what} is not a verifier key: ${error instanceof Error ? error.message : "unreadable"}`;
    throw what === "--key" ? new UsageError(message) : new CannotCheck(message);
  }
}

/** A note's checkpoint once `key` verifies it; a note by no such key is the log's key changing. */
function checkpointOf(note: string, key: VerifierKey, what: string): Checkpoint {
  let text: string;
  try {
    text = verifyNote(note, [key]).text;
  } catch (error) {
    if (error instanceof SignedNoteError && (error.reason === "invalid-signature" || error.reason === "no-verified-signature")) {
      throw new Rewritten(`${what} is not signed by the pinned key ${key.name}+${formatKeyHash(key.keyHash)} (${error.reason})`);
    }
    throw new CannotCheck(`${what} is not a signed note: ${error instanceof Error ? error.message : "unreadable"}`);
  }
  let checkpoint: Checkpoint;
  try {
    checkpoint = parseCheckpoint(text);
  } catch (error) {
    throw new CannotCheck(`${what} is not a checkpoint: ${error instanceof Error ? error.message : "unreadable"}`);
  }
  if (checkpoint.origin !== key.name) throw new Rewritten(`${what} is for log ${JSON.stringify(checkpoint.origin)}, not ${JSON.stringify(key.name)}`);
  return checkpoint;
}

/** The log as it is now must extend the log as stored: never smaller, the same root at the same size, a consistency proof otherwise. */
async function checkConsistent(base: string, stored: Checkpoint, latest: Checkpoint): Promise<void> {
  const sameRoot = Buffer.from(stored.rootHash).equals(Buffer.from(latest.rootHash));
  if (latest.size < stored.size) throw new Rewritten(`rollback: the log has ${latest.size} leaves, fewer than the ${stored.size} already witnessed`);
  if (latest.size === stored.size) {
    if (!sameRoot) throw new Rewritten(`the log has a different root at the same size, ${latest.size} leaves`);
    return;
  }
  // Every tree extends the empty one: there is nothing to prove from size 0 (and no proof is served for it).
  if (stored.size === 0) return;
  const answer = parseJson(await fetchText(`${base}/transparency/proof/consistency?from=${stored.size}&to=${latest.size}`));
  const listed = answer?.hashes;
  const hashes = Array.isArray(listed) ? listed.map(hash => (typeof hash === "string" ? decodeCanonicalBase64(hash) : null)) : null;
  if (hashes === null || hashes.some(hash => hash === null)) throw new Rewritten(`the consistency proof from ${stored.size} to ${latest.size} leaves is malformed`);
  if (!verifyConsistency(stored.size, latest.size, stored.rootHash, latest.rootHash, hashes as Buffer[])) {
    throw new Rewritten(`the consistency proof from ${stored.size} to ${latest.size} leaves does not verify: the log changed leaves it had`);
  }
}

/** A proof answer as JSON; null when it is not (the gateway answered, but proved nothing). */
function parseJson(text: string): { hashes?: unknown } | null {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === "object" && parsed !== null ? parsed : null;
  } catch {
    return null;
  }
}

async function fetchText(url: string): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), redirect: "error" });
  } catch (error) {
    const cause = error instanceof Error && error.name === "TimeoutError" ? `no answer within ${FETCH_TIMEOUT_MS / 1000} s` : causeOf(error);
    throw new CannotCheck(`cannot fetch ${url}: ${cause}`);
  }
  if (response.status !== 200) throw new CannotCheck(`${url} answered HTTP ${response.status}`);
  return response.text();
}

function causeOf(error: unknown): string {
  const cause = error instanceof Error ? (error.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  if (cause && typeof cause.code === "string") return cause.code;
  if (cause && typeof cause.message === "string") return cause.message;
  return error instanceof Error ? error.message : "unknown error";
}

main(process.argv.slice(2)).then(
  code => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof Rewritten) {
      process.stdout.write(`history rewritten: ${error.message}\n`);
      process.exitCode = REWRITTEN;
      return;
    }
    const known = error instanceof UsageError || error instanceof CannotCheck;
    process.stderr.write(`audit:witness: ${known ? error.message : `failed (${error instanceof Error ? error.name : "unknown error"})`}\n`);
    if (error instanceof UsageError) process.stderr.write(`${USAGE}\n`);
    process.exitCode = CANNOT_CHECK;
  },
);
