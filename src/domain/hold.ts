/**
 * On hold (escalation policy, steps 5, 7, 8): while the desk waits on the customer or a third party the clock stops —
 * no reminders, no escalation — and the time left to the pending escalation is kept. `#استئناف`, the hold's `until`
 * or the policy's `hold.max` resumes it with that time, on the same clock (calendar or business).
 */
import { addTime, businessTimeBetween, type BusinessCalendar, type ClockMode } from './business-calendar.ts';
import { parseDeadlineArg } from './deadline-arg.ts';

export interface HoldRequest {
  reason: string;
  /** When the hold ends by itself, if the sender said. */
  until?: Date;
}

const UNTIL = /\s*(?:^|\s)(?:حتى|لغاية|إلى حين|until)\s+(.+)$/iu;

/**
 * Reads `<reason> [حتى|until <date or duration>]`; undefined when the `until` part cannot be read, so the sender is
 * told instead of the ticket waiting for ever.
 */
export function parseHold(arg: string, now: Date, timeZone: string, endOfDayMinutes: number): HoldRequest | undefined {
  const m = UNTIL.exec(arg);
  if (m === null) return { reason: arg.trim() };
  const when = parseDeadlineArg(m[1] ?? '', timeZone, endOfDayMinutes);
  if (when === undefined) return undefined;
  const until = when.kind === 'instant' ? when.at : new Date(now.getTime() + when.ms);
  if (until <= now) return undefined;
  return { reason: arg.slice(0, m.index).trim(), until };
}

/** When a hold that started at `since` ends by itself: its `until`, but never later than `hold.max`. */
export function holdEnds(since: Date, max: number, until?: Date): Date {
  const latest = new Date(since.getTime() + max);
  return until === undefined || until > latest ? latest : until;
}

/** The time left to a deadline, on the clock it runs on (business hours only count on the business clock). */
export function timeLeft(cal: BusinessCalendar, clock: ClockMode, now: Date, due: Date): number {
  if (due <= now) return 0;
  return clock === 'business' ? businessTimeBetween(cal, now, due) : due.getTime() - now.getTime();
}

/** The deadline after resuming: the time that was left, from now, on the same clock. */
export function resumedDeadline(cal: BusinessCalendar, clock: ClockMode, now: Date, remaining: number): Date {
  return addTime(cal, clock, now, remaining);
}
