/** Running commands, and telling whether a server process is ours and alive, and stopping it, by PID. */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { block, ServiceError } from './errors.ts';
import { pollUntil } from './poll.ts';

/** How long a server may take to answer after it was started. */
export const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

export interface RunOptions {
  service: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Stream output to our stderr instead of capturing it. */
  stream?: boolean;
  okCodes?: readonly number[];
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function commandLine(cmd: string, args: readonly string[]): string {
  return [cmd, ...args].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

export function run(cmd: string, args: readonly string[], opts: RunOptions): Promise<RunResult> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd ?? process.cwd(),
      env: opts.env ?? process.env,
      stdio: opts.stream === true ? ['ignore', 2, 2] : ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      stdout = (stdout + chunk).slice(-20_000);
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-20_000);
    });
    child.once('error', (err) => {
      reject(new ServiceError(opts.service, `could not run \`${commandLine(cmd, args)}\`: ${err.message}`));
    });
    child.once('close', (code, signal) => {
      const exit = code ?? -1;
      if ((opts.okCodes ?? [0]).includes(exit)) {
        resolveRun({ code: exit, stdout, stderr });
        return;
      }
      const how = signal === null ? `exit code ${String(exit)}` : `signal ${signal}`;
      const output = opts.stream === true ? '\n  (its output is above)' : block('its output', `${stdout}\n${stderr}`);
      reject(new ServiceError(opts.service, `\`${commandLine(cmd, args)}\` failed (${how})${output}`));
    });
  });
}

/** Field 22 of /proc/<pid>/stat: the start time, which tells a reused PID from ours. */
export function procStat(pid: number): { state: string; start: string } | undefined {
  try {
    const text = readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '', start: fields[19] ?? '' };
  } catch {
    return undefined;
  }
}

const hasProc = existsSync('/proc/self/stat');

/** Is `pid` running and, when its start time is known, still the process that was started then? */
export function isAlive(pid: number, start: string | null): boolean {
  if (pid <= 0) return false;
  if (!hasProc) {
    try {
      process.kill(pid, 0);
      return true;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'EPERM';
    }
  }
  const info = procStat(pid);
  if (info === undefined || info.state === 'Z' || info.state === 'X') return false; // gone, or a zombie not reaped yet
  return start === null || info.start === start;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

function waitForExit(pid: number, start: string | null, timeoutMs: number): Promise<boolean> {
  return pollUntil(() => !isAlive(pid, start), timeoutMs, 50);
}

export async function stopProcess(service: string, pid: number, start: string | null): Promise<void> {
  if (!isAlive(pid, start)) return;
  // SIGINT is PostgreSQL's "fast" shutdown; SIGTERM would wait for every client to disconnect.
  signal(pid, service === 'postgres' ? 'SIGINT' : 'SIGTERM');
  if (await waitForExit(pid, start, STOP_TIMEOUT_MS)) return;
  signal(pid, 'SIGKILL');
  if (!(await waitForExit(pid, start, 5_000))) {
    throw new ServiceError(service, `process ${String(pid)} is still running after SIGTERM and SIGKILL`);
  }
}
