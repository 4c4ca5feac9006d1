/**
 * BullMQ's side of a timer: the deadlines queue's job names (one per timer kind) with the data each carries, and the
 * job id that names the timer row, `<kind>-<ticket>-<level>-<seq>`. The id carries it all, so the job stores no
 * data: less Redis per timer.
 */
import type { Timer, TimerKind } from '../domain/timer.ts';

/** Job name → job data of the deadlines queue. */
export interface DeadlineJobs {
  escalate: Record<string, never>;
  remind: Record<string, never>;
  customer_update: Record<string, never>;
  resume: Record<string, never>;
}
export type DeadlineJobName = keyof DeadlineJobs & TimerKind;
export type DeadlineJob = DeadlineJobs[DeadlineJobName];

export type TimerKey = Pick<Timer, 'kind' | 'ticketId' | 'level' | 'seq'>;

export function timerJobId(t: TimerKey): string {
  return `${t.kind}-${t.ticketId}-${t.level}-${t.seq}`;
}

/** The timer a job id names, or undefined when the id is not a timer's. */
export function parseTimerJobId(id: string | undefined): TimerKey | undefined {
  const m = /^(escalate|remind|customer_update|resume)-(\d+)-(\d+)-(\d+)$/.exec(id ?? '');
  if (m === null) return undefined;
  return { kind: m[1] as DeadlineJobName, ticketId: Number(m[2]), level: Number(m[3]), seq: Number(m[4]) };
}

