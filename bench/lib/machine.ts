/** The machine a result was measured on, so that numbers are never read without it. */
import { cpus, loadavg, totalmem } from 'node:os';

export interface Machine {
  cpu: string;
  cores: number;
  ramGiB: number;
  node: string;
  /** 1-minute load average when the run started: other work on the machine makes numbers noisy. */
  loadAtStart: number;
}

export function machine(): Machine {
  const list = cpus();
  return {
    cpu: (list[0]?.model ?? 'unknown CPU').replace(/\s+/g, ' ').trim(),
    cores: list.length,
    ramGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    loadAtStart: Math.round((loadavg()[0] ?? 0) * 100) / 100,
  };
}

export function machineText(m: Machine): string {
  return `${m.cpu}, ${m.cores} cores, ${m.ramGiB} GiB, Node ${m.node.replace(/^v/, '')}`;
}
