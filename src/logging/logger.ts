import pino from "pino";
import { redactDeep } from "./log-redaction";

/**
 * Structured JSON lines (pino) on stdout. Callers pass only non-identifying fields (ids, codes,
 * durations): no input values, no headers, no error messages that could carry them. Every
 * record also passes through redaction (src/logging/log-redaction.ts) in case one slips in.
 */
export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";

const LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error", "silent"];

export interface Logger {
  debug(event: string, fields?: Record<string, unknown>): void;
  info(event: string, fields?: Record<string, unknown>): void;
  warn(event: string, fields?: Record<string, unknown>): void;
  error(event: string, fields?: Record<string, unknown>): void;
}

/** `write` receives each JSON line (for tests); by default lines go to stdout. */
export function createLogger(level: LogLevel, write?: (line: string) => void): Logger {
  if (level === "silent") return SILENT;
  const destination = write ? { write } : pino.destination({ fd: 1, sync: true });
  const base = pino(
    {
      level,
      base: undefined,
      messageKey: "event",
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: label => ({ level: label }),
        log: object => redactDeep(object) as Record<string, unknown>,
      },
    },
    destination,
  );
  const emit = (at: Exclude<LogLevel, "silent">) => (event: string, fields: Record<string, unknown> = {}) => {
    base[at](fields, event);
  };
  return { debug: emit("debug"), info: emit("info"), warn: emit("warn"), error: emit("error") };
}

const ignore = () => undefined;
const SILENT: Logger = { debug: ignore, info: ignore, warn: ignore, error: ignore };

export function isLogLevel(value: string): value is LogLevel {
  return (LEVELS as readonly string[]).includes(value);
}
