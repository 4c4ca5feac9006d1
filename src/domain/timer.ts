/**
 * A timer: one row in `deadlines` (the truth) and one delayed job in the queue (its alarm clock). Escalations,
 * reminders, customer updates and the end of a hold are all timers.
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
