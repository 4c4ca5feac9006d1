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
export function parseHold(arg: string, now: Date, timeZone: string, endOfDay: number | ((date: string) => number)): HoldRequest | undefined {
  const m = UNTIL.exec(arg);
  if (m === null) return { reason: arg.trim() };
  const when = parseDeadlineArg(m[1] ?? '', timeZone, endOfDay);
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

/** What each command that would move or fire the stopped clock cannot do on hold (the clause of the refusal). */
const MOVES_THE_CLOCK: Readonly<Partial<Record<string, { ar: string; en: string }>>> = {
  deadline: { ar: 'لا يُغيَّر موعدها', en: 'its deadline cannot be changed' },
  priority: { ar: 'لا تُغيَّر أولويتها (فالأولوية تحدد مهلتها)', en: 'its priority (which sets its deadline) cannot be changed' },
  escalate: { ar: 'لا تُصعَّد', en: 'it cannot be escalated' },
};

/**
 * On hold the clock is stopped: no escalation, and the time left is kept as it was. #موعد, #أولوية and #تصعيد would
 * move or fire that clock, so they are refused with the way out (resume first); other commands apply as usual.
 */
export function refusalOnHold(status: string, command: string): { ar: string; en: string } | undefined {
  const clause = MOVES_THE_CLOCK[command];
  if (status !== 'on_hold' || clause === undefined) return undefined;
  return {
    ar: `التذكرة في الانتظار وساعتها متوقفة، لذلك ${clause.ar} ما دامت في الانتظار. أرسلوا #استئناف أولاً ثم أعيدوا الأمر.`,
    en: `the ticket is on hold and its clock is stopped, so ${clause.en} while it waits. Send #resume first, then the command again.`,
  };
}
