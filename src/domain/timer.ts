/**
 * A timer: one row in `deadlines` (the truth) and one BullMQ delayed job (its alarm clock) whose id names the row:
 * `<kind>-<ticket>-<level>-<seq>`. Escalations, reminders, customer updates and the end of a hold are all timers.
 */
export type TimerKind = 'escalate' | 'remind' | 'customer_update' | 'resume';

export interface Timer {
  kind: TimerKind;
  ticketId: number;
  level: number;
  seq: number;
  dueAt: Date;
  data?: Record<string, unknown>;
}

export function timerJobId(t: Pick<Timer, 'kind' | 'ticketId' | 'level' | 'seq'>): string {
  return `${t.kind}-${t.ticketId}-${t.level}-${t.seq}`;
}

/** The timer a job id names (the id carries it all, so the job itself stores no data: less Redis per timer). */
export function parseTimerJobId(id: string | undefined): Pick<Timer, 'kind' | 'ticketId' | 'level' | 'seq'> | undefined {
  const m = /^(escalate|remind|customer_update|resume)-(\d+)-(\d+)-(\d+)$/.exec(id ?? '');
  if (m === null) return undefined;
  return { kind: m[1] as TimerKind, ticketId: Number(m[2]), level: Number(m[3]), seq: Number(m[4]) };
}
