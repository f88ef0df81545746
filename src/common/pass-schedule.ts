/** A background job running in passes: `stop()` waits for the pass under way. */
export interface PassSchedule {
  stop(): Promise<void>;
}

/**
 * Runs `pass` every `intervalMs`, and passes back to back (yielding to other work between them)
 * while it answers that more is waiting. Passes never overlap; `stop()` schedules no other and
 * waits for the running one, so whatever it uses (the database) can be closed after it. `pass`
 * handles its own errors (an error it lets through ends that round, not the schedule).
 */
export function schedulePasses(intervalMs: number, pass: () => Promise<{ more: boolean }>): PassSchedule {
  let stopped = false;
  let running: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;

  const round = async () => {
    for (;;) {
      const { more } = await pass();
      if (stopped || !more) return;
      // Catching up: let requests run between passes (on SQLite every statement is synchronous).
      await new Promise(resolve => setImmediate(resolve));
    }
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = round().catch(() => undefined).finally(() => {
        running = null;
        schedule();
      });
    }, intervalMs);
    timer.unref();
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
