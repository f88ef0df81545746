import "reflect-metadata";
import { readFileSync } from "node:fs";
import { ConfigError, type DatabaseTarget, databaseTargetFromEnv, transparencySettingsFromEnv } from "../config";
import { openDatabaseAsIs } from "../database/open-database";
import { type Checkpoint, CheckpointError, parseCheckpoint } from "../transparency/checkpoint";
import { SignedNoteError } from "../transparency/note-error";
import { verifyNote } from "../transparency/signed-note";
import { type VerifierKey, formatKeyHash, parseVerifierKey, signerFromSeed } from "../transparency/verifier-key";
import { DatabaseAuditSource } from "../transparency-log/audit-source";
import { auditLog, describeFinding } from "../transparency-log/log-audit";
import { UsageError, parseOptions } from "./command-options";

const USAGE = "usage: npm run audit:verify -- --checkpoint FILE [--database URL] [--key VERIFIER_KEY]";

/** Exit codes: the log is the checkpoint's (0), it is not or the checkpoint is not the log's (1), the check could not be made (2). */
const VERIFIED = 0;
const TAMPERED = 1;
const CANNOT_CHECK = 2;

/** Why the check could not be made: printed on stderr, exit 2. */
class CannotCheck extends Error {}

/**
 * `npm run audit:verify` (compiled: `npm run audit:verify:dist`): checks the gateway's database
 * against a signed checkpoint. The note's signature first (by --key, or by the key of
 * TRANSPARENCY_SIGNING_KEY and TRANSPARENCY_ORIGIN when none is given; never skipped), then every
 * record of the first `size` leaves, streamed a page at a time, rebuilt into its leaf and
 * compared with the stored tree, and the root with the checkpoint's. Prints `verified N leaves`
 * or one line naming the first leaf found wrong; never a record's contents.
 */
async function main(args: string[]): Promise<number> {
  const options = parseOptions(args, ["checkpoint", "database", "key"]);
  const file = options.get("checkpoint");
  if (file === undefined) throw new UsageError("--checkpoint is required");
  const key = verifierKey(options.get("key"));
  const target = databaseTarget(options.get("database"));
  let note: Buffer;
  try {
    note = readFileSync(file);
  } catch (error) {
    throw new CannotCheck(`cannot read the checkpoint file ${file} (${errorCode(error)})`);
  }
  const checkpoint = verifiedCheckpoint(note, key);
  if (typeof checkpoint === "string") {
    process.stdout.write(`${checkpoint}\n`);
    return TAMPERED;
  }
  const dataSource = await openDatabaseAsIs(target).catch((error: unknown) => {
    throw new CannotCheck(`cannot open the database: ${error instanceof Error && !("code" in error) ? error.message : errorCode(error)}`);
  });
  try {
    const finding = await auditLog(new DatabaseAuditSource(dataSource), checkpoint.size, checkpoint.rootHash);
    process.stdout.write(`${describeFinding(finding)}\n`);
    return finding.verdict === "verified" ? VERIFIED : TAMPERED;
  } finally {
    await dataSource.destroy();
  }
}

/** --key, or the key of the environment's signing seed; a malformed one is a usage error, never "no key". */
function verifierKey(text: string | undefined): VerifierKey {
  if (text === undefined) {
    const settings = transparencySettingsFromEnv();
    return signerFromSeed(settings.origin, settings.signingSeed).verifierKey;
  }
  try {
    return parseVerifierKey(text.trim());
  } catch (error) {
    throw new UsageError(`--key is not a verifier key <name>+<key hash>+<key>: ${error instanceof Error ? error.message : "unreadable"}`);
  }
}

function databaseTarget(url: string | undefined): DatabaseTarget {
  return url === undefined ? databaseTargetFromEnv() : databaseTargetFromEnv({ DATABASE_URL: url });
}

/** The checkpoint, once its note verifies with `key`; a reason (exit 1) when it does not; CannotCheck when it is no note at all. */
function verifiedCheckpoint(note: Buffer, key: VerifierKey): Checkpoint | string {
  const keyName = `${key.name}+${formatKeyHash(key.keyHash)}`;
  let text: string;
  try {
    text = verifyNote(note, [key]).text;
  } catch (error) {
    if (!(error instanceof SignedNoteError)) throw error;
    if (error.reason === "invalid-signature" || error.reason === "no-verified-signature") return `checkpoint signature: not signed by ${keyName} (${error.reason})`;
    throw new CannotCheck(`the checkpoint file is not a signed note: ${error.message}`);
  }
  let checkpoint: Checkpoint;
  try {
    checkpoint = parseCheckpoint(text);
  } catch (error) {
    if (error instanceof CheckpointError) throw new CannotCheck(`the signed note is not a checkpoint: ${error.message}`);
    throw error;
  }
  // tlog-checkpoint: the origin names the log and its key; a note by this key for another origin is not this log's checkpoint.
  if (checkpoint.origin !== key.name) return `checkpoint origin: ${JSON.stringify(checkpoint.origin)} is not the log ${JSON.stringify(key.name)} the key belongs to`;
  return checkpoint;
}

/** A failure's code or name only: a driver's message may carry a host, user or file name worth keeping out of a cron mail. */
function errorCode(error: unknown): string {
  if (error instanceof Error && "code" in error && typeof error.code === "string") return error.code;
  return error instanceof Error ? error.name : "unknown error";
}

main(process.argv.slice(2)).then(
  code => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const known = error instanceof UsageError || error instanceof CannotCheck || error instanceof ConfigError;
    process.stderr.write(`audit:verify: ${known ? error.message : `failed (${errorCode(error)})`}\n`);
    if (error instanceof UsageError) process.stderr.write(`${USAGE}\n`);
    process.exitCode = CANNOT_CHECK;
  },
);
