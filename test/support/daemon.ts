/** More `tasaeed start` processes on one installation (several instances), each killed or stopped by its PID. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { waitFor, type Installation } from './harness.ts';

export class Daemon {
  private child: ChildProcess | undefined;
  readonly logFile: string;

  constructor(private readonly inst: Installation, readonly name: string, private readonly env: Record<string, string> = {}) {
    this.logFile = join(inst.dir, `${name}.log`);
  }

  /** Starts it; resolves once its workers and operations run (it may or may not hold the listener). */
  async start(): Promise<void> {
    const log = createWriteStream(this.logFile, { flags: 'a' });
    const child = spawn(process.execPath, ['bin/tasaeed.mjs', 'start'], {
      env: { ...process.env, ...this.inst.environment, INSTANCE_NAME: this.name, ...this.env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    await waitFor(`${this.name} to start`, () => {
      if (child.exitCode !== null) throw new Error(`${this.name} exited with ${child.exitCode}; see ${this.logFile}`);
      return Promise.resolve(this.log().includes('operations started'));
    }, 30_000);
  }

  log(): string {
    try { return readFileSync(this.logFile, 'utf8'); } catch { return ''; }
  }

  get running(): boolean { return this.child?.exitCode === null; }

  async kill(): Promise<void> {
    const child = this.child;
    if (child === undefined || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child === undefined || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await Promise.race([exited, sleep(10_000)]);
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}
