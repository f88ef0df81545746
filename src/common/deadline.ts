export const DEADLINE_PASSED = Symbol("deadline passed");

/**
 * The work's result, or DEADLINE_PASSED if it takes longer than `ms`. The work is not cancelled;
 * a late failure of it is absorbed by the race (no unhandled rejection).
 */
export async function withinDeadline<T>(work: Promise<T>, ms: number): Promise<T | typeof DEADLINE_PASSED> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<typeof DEADLINE_PASSED>(resolve => {
    timer = setTimeout(() => resolve(DEADLINE_PASSED), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
