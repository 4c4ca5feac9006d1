/**
 * CPU profile of a measured window, for finding the bottleneck: with BENCH_CPU_PROFILE=1 the window is profiled
 * through node:inspector and written to bench/out/<name>.cpuprofile (open it in Chrome DevTools, or summarise it
 * with `npx tsx bench/profile-summary.ts <file>`). Without the variable it costs nothing.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { fileURLToPath } from 'node:url';

export const OUT = fileURLToPath(new URL('../out/', import.meta.url));

export async function profiled<T>(name: string, fn: () => Promise<T>): Promise<T> {
  if (process.env.BENCH_CPU_PROFILE !== '1') return await fn();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  try {
    return await fn();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    mkdirSync(OUT, { recursive: true });
    writeFileSync(`${OUT}${name}.cpuprofile`, JSON.stringify(profile));
    session.disconnect();
  }
}
