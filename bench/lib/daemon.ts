/** `tasaeed start` as a child process of the bench, exactly as shipped, with the README's recommended heap cap. */
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Cleanup } from './cleanup.ts';
import type { BenchInstallation } from './installation.ts';

const BIN = fileURLToPath(new URL('../../bin/tasaeed.mjs', import.meta.url));
/** As the README recommends for the daemon: without a cap V8 lets a busy heap grow lazily before it collects. */
export const HEAP_MB = 192;

export interface Daemon {
  pid: number;
  /** How it ended (`code 1`, `SIGKILL`), or undefined while it runs. */
  exit(): string | undefined;
  /** SIGTERM, then SIGKILL after 15 s; resolves once it is gone. */
  stop(): Promise<void>;
}

export function startDaemon(inst: BenchInstallation, cleanup: Cleanup): Daemon {
  const log = createWriteStream(inst.logFile, { flags: 'a' });
  const child = spawn(process.execPath, [`--max-old-space-size=${HEAP_MB}`, BIN, 'start'], { env: { ...process.env, ...inst.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
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
  return { pid: child.pid ?? 0, exit: () => exit, stop };
}
