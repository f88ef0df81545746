import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { join } from "node:path";

/**
 * What a witness keeps between runs, in its state directory: the log's verifier key, pinned on
 * the first run (`log-key`), and the last checkpoint it found consistent (`checkpoint`, the
 * signed note as served). Each file is replaced whole (written beside, then renamed), so a run
 * cut short leaves the previous state, never half a file.
 */
export class WitnessState {
  constructor(private readonly directory: string) {
    mkdirSync(directory, { recursive: true });
  }

  pinnedKey(): string | null {
    return this.read("log-key")?.trim() ?? null;
  }

  checkpoint(): string | null {
    return this.read("checkpoint");
  }

  pinKey(keyText: string): void {
    this.replace("log-key", `${keyText}\n`);
  }

  storeCheckpoint(note: string): void {
    this.replace("checkpoint", note);
  }

  private read(name: string): string | null {
    try {
      return readFileSync(join(this.directory, name), "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw error;
    }
  }

  private replace(name: string, text: string): void {
    const temporary = join(this.directory, `.${name}.${process.pid}.tmp`);
    const descriptor = openSync(temporary, "w", 0o644);
    try {
      writeSync(descriptor, text);
      fsyncSync(descriptor);
    } finally {
      closeSync(descriptor);
    }
    renameSync(temporary, join(this.directory, name));
  }
}
