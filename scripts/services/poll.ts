import { setTimeout as sleep } from 'node:timers/promises';

/** Checks until `check` holds (true) or `timeoutMs` has passed (false), pausing `intervalMs` between checks. */
export async function pollUntil(check: () => boolean | Promise<boolean>, timeoutMs: number, intervalMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) return false;
    await sleep(intervalMs);
  }
  return true;
}
