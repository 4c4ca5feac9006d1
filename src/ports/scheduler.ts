/** The port the app layer hands its effects to (the queue adapter implements it): what a committed transaction asks the queues to do next. */
import type { Timer } from '../domain/timer.ts';

export interface Effects {
  outboxIds: number[];
  timers: Timer[];
  /** Timers this transaction settled for other jobs (a batch): their alarms may go, sparing each a run that finds nothing to do. */
  settled?: Pick<Timer, 'kind' | 'ticketId' | 'level' | 'seq'>[];
}

export interface Scheduler {
  schedule(effects: Effects): Promise<void>;
  /** False when the queue store lost its jobs (e.g. Redis was flushed) since the last full rebuild. */
  intact(): Promise<boolean>;
  /** Queues again emails that were sent or failed before (`tasaeed outbox retry`). */
  resend(outboxIds: readonly number[]): Promise<void>;
  /** Records that every job was rebuilt from the database. */
  markRebuilt(): Promise<void>;
}
