/** What a committed transaction asks the queues to do next (never done inside the transaction). */
import type { Effects } from '../ports/scheduler.ts';

export type { Effects, Scheduler } from '../ports/scheduler.ts';

export const noEffects = (): Effects => ({ outboxIds: [], timers: [] });

export function mergeEffects(into: Effects, more: Effects): Effects {
  into.outboxIds.push(...more.outboxIds);
  into.timers.push(...more.timers);
  if (more.settled !== undefined) (into.settled ??= []).push(...more.settled);
  return into;
}
