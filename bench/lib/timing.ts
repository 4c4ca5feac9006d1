/** Clocks, percentiles and waiting: the arithmetic every scenario shares. */
import { setTimeout as sleep } from 'node:timers/promises';

/** Milliseconds on a monotonic clock. */
export const now = (): number => performance.now();

/** Nearest-rank percentile (p in 0..100) of unsorted values; NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] ?? Number.NaN;
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** Runs fn and returns its result with the elapsed milliseconds. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const t0 = now();
  const result = await fn();
  return { result, ms: now() - t0 };
}

export class BenchTimeout extends Error {
  readonly code = 'BENCH_TIMEOUT';
}

/** Polls until `done` says so; throws with `what` after `timeoutMs`. */
export async function waitUntil(what: string, done: () => Promise<boolean>, timeoutMs: number, everyMs = 25): Promise<void> {
  const t0 = now();
  while (!(await done())) {
    if (now() - t0 > timeoutMs) throw new BenchTimeout(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** Runs `task` over items with at most `parallel` running at once. */
export async function inParallel<T>(items: readonly T[], parallel: number, task: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      await task(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, items.length) }, lane));
}
