/** `tasaeed start` as a child process of the bench, exactly as shipped, with the README's recommended heap cap. */
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { Cleanup } from './cleanup.ts';
import { OUT } from './profile.ts';
import type { BenchInstallation } from './installation.ts';

const BIN = fileURLToPath(new URL('../../bin/tasaeed.mjs', import.meta.url));
/** As the README recommends for the daemon: without a cap V8 lets a busy heap grow lazily before it collects. */
export const HEAP_MB = 192;

/** What the daemon logs once its start-up work beside the listener is done. */
export const SETTLED = ['operations started', 'reconciled queues with the database', 'caught up on missed reports'] as const;

export interface Daemon {
  pid: number;
  /** How it ended (`code 1`, `SIGKILL`), or undefined while it runs. */
  exit(): string | undefined;
  /** Resolves once every line has been logged (in any order); rejects if the daemon exits or time runs out first. */
  logged(lines: readonly string[], timeoutMs: number): Promise<void>;
  /** SIGTERM, then SIGKILL after 15 s; resolves once it is gone. */
  stop(): Promise<void>;
}

/** Starts it with the installation's environment and `env` on top; its output goes to the installation's log file. */
export function startDaemon(inst: BenchInstallation, cleanup: Cleanup, env: Record<string, string> = {}): Daemon {
  const log = createWriteStream(inst.logFile, { flags: 'a' });
  // BENCH_DAEMON_PROFILE=1: the daemon writes a CPU profile to bench/out/ when it stops (summarise it with
  // bench/profile-summary.ts), to find where a scenario's daemon spends its time.
  const profile = process.env.BENCH_DAEMON_PROFILE === '1' ? ['--cpu-prof', `--cpu-prof-dir=${OUT}`] : [];
  const child = spawn(process.execPath, [`--max-old-space-size=${HEAP_MB}`, ...profile, BIN, 'start'], { env: { ...process.env, ...inst.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const seen = new Set<string>();
  const watched = new Set<string>();
  let tail = '';
  child.stderr.setEncoding('utf8').on('data', (c: string) => {
    const text = tail + c; // a line split across two chunks is still found
    for (const line of watched) if (text.includes(line)) seen.add(line);
    tail = text.slice(-200);
  });
  let exit: string | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => { exit = signal ?? `code ${code ?? '?'}`; resolve(); });
  });
  const stop = cleanup.add('tasaeed start (child)', async () => {
    if (exit === undefined) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(killer);
    }
  });
  return {
    pid: child.pid ?? 0,
    exit: () => exit,
    async logged(lines, timeoutMs) {
      for (const line of lines) watched.add(line);
      const began = Date.now();
      while (!lines.every((line) => seen.has(line))) {
        if (exit !== undefined) throw new Error(`tasaeed start exited (${exit}) before logging ${lines.join(', ')}; see ${inst.logFile}`);
        if (Date.now() - began > timeoutMs) throw new Error(`tasaeed start did not log ${lines.filter((l) => !seen.has(l)).join(', ')} within ${String(timeoutMs)} ms; see ${inst.logFile}`);
        await sleep(100);
      }
    },
    stop,
  };
}
