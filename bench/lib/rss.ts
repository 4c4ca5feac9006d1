/** Samples the resident memory of a process (this one or a child) at a fixed interval. */
import { readFileSync } from 'node:fs';

export interface RssSample { atMs: number; mb: number }

/** VmRSS of a process in MB, or undefined when it is gone. */
export function rssOf(pid: number): number | undefined {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m?.[1] === undefined ? undefined : Number(m[1]) / 1024;
  } catch {
    return undefined;
  }
}

export class RssSampler {
  readonly samples: RssSample[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly t0 = performance.now();

  constructor(private readonly pid: number, private readonly everyMs = 250) {}

  start(): this {
    this.sample();
    this.timer = setInterval(() => { this.sample(); }, this.everyMs);
    return this;
  }

  private sample(): void {
    const mb = rssOf(this.pid);
    if (mb !== undefined) this.samples.push({ atMs: performance.now() - this.t0, mb });
  }

  stop(): RssSample[] {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.sample();
    return this.samples;
  }
}
