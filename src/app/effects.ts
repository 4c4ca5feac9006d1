/** What a committed transaction asks the queues to do next (never done inside the transaction). */
export interface ScheduledDeadline {
  ticketId: number;
  level: number;
  dueAt: Date;
}

export interface Effects {
  outboxIds: number[];
  deadlines: ScheduledDeadline[];
}

export const noEffects = (): Effects => ({ outboxIds: [], deadlines: [] });

export function mergeEffects(into: Effects, more: Effects): Effects {
  into.outboxIds.push(...more.outboxIds);
  into.deadlines.push(...more.deadlines);
  return into;
}

/** The port the app layer uses to hand effects to the queues. */
export interface Scheduler {
  schedule(effects: Effects): Promise<void>;
}
