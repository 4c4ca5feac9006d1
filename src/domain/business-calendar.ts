/**
 * The business clock: working hours on working days (Sunday–Thursday in Saudi Arabia; Friday and Saturday are the
 * weekend), minus public holidays, in the policy's timezone. Deadlines can run in business time or calendar time.
 */
import { addDays, localDate, localInstant } from './dates.ts';
import { inHijriMonth, onHijriOccasion, type AnnouncedDates, type HijriOccasion } from './hijri.ts';

export interface BusinessCalendar {
  timezone: string;
  /** 0 = Sunday … 6 = Saturday. */
  workdays: readonly number[];
  /** Minutes after local midnight. */
  opensAt: number;
  closesAt: number;
  /** Local dates (YYYY-MM-DD) that are not working days. */
  holidays: ReadonlySet<string>;
  /** Holidays that recur on the Hijri (Umm al-Qura) calendar, with the dates announced for some years. */
  hijriHolidays?: readonly HijriOccasion[] | undefined;
  /** Other working hours for a date range or a Hijri month (Ramadan); the first that covers a day applies. */
  periods?: readonly WorkingPeriod[] | undefined;
}

export interface WorkingPeriod {
  from?: string | undefined;
  to?: string | undefined;
  hijriMonth?: number | undefined;
  announced?: readonly AnnouncedDates[] | undefined;
  opensAt: number;
  closesAt: number;
}

/** The hours of a day, after local midnight, when a period of other working hours covers it. */
function periodOf(cal: BusinessCalendar, date: string): WorkingPeriod | undefined {
  return cal.periods?.find((p) => (p.from !== undefined && p.to !== undefined && date >= p.from && date <= p.to)
    || (p.hijriMonth !== undefined && inHijriMonth(p.hijriMonth, p.announced ?? [], date)));
}

function isHijriHoliday(cal: BusinessCalendar, date: string): boolean {
  return (cal.hijriHolidays ?? []).some((h) => onHijriOccasion(h, date));
}

export type ClockMode = 'calendar' | 'business';

const MAX_DAYS = 3660;

function weekday(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

export function isWorkingDay(cal: BusinessCalendar, date: string): boolean {
  return cal.workdays.includes(weekday(date)) && !cal.holidays.has(date) && !isHijriHoliday(cal, date);
}

/** The opening and closing times of a local date, in minutes after local midnight (a period's, or the usual). */
export function dayHours(cal: BusinessCalendar, date: string): { opensAt: number; closesAt: number } {
  return periodOf(cal, date) ?? cal;
}

/** The open and close instants of a local date. */
function hoursOf(cal: BusinessCalendar, date: string): { open: number; close: number } {
  const { opensAt, closesAt } = dayHours(cal, date);
  return { open: localInstant(date, opensAt, cal.timezone).getTime(), close: localInstant(date, closesAt, cal.timezone).getTime() };
}

export function isBusinessTime(cal: BusinessCalendar, at: Date): boolean {
  const date = localDate(at, cal.timezone);
  if (!isWorkingDay(cal, date)) return false;
  const { open, close } = hoursOf(cal, date);
  return at.getTime() >= open && at.getTime() < close;
}

/** `at` itself when it is inside business hours, otherwise the next opening. */
export function nextBusinessTime(cal: BusinessCalendar, at: Date): Date {
  let date = localDate(at, cal.timezone);
  for (let i = 0; i < MAX_DAYS; i += 1, date = addDays(date, 1)) {
    if (!isWorkingDay(cal, date)) continue;
    const { open, close } = hoursOf(cal, date);
    if (at.getTime() < close) return new Date(Math.max(open, at.getTime()));
  }
  throw new Error(`no business time within ${MAX_DAYS} days of ${at.toISOString()}: check the policy's calendar`);
}

/** Adds an amount of business time: only the minutes inside working hours count. */
export function addBusinessTime(cal: BusinessCalendar, start: Date, ms: number): Date {
  let remaining = ms;
  let t = start.getTime();
  let date = localDate(start, cal.timezone);
  for (let i = 0; i < MAX_DAYS; i += 1, date = addDays(date, 1)) {
    if (!isWorkingDay(cal, date)) continue;
    const { open, close } = hoursOf(cal, date);
    const from = Math.max(t, open);
    if (from >= close) continue;
    if (remaining <= close - from) return new Date(from + remaining);
    remaining -= close - from;
    t = close;
  }
  throw new Error(`cannot add ${ms} ms of business time within ${MAX_DAYS} days: check the policy's calendar`);
}

/** Business time between two instants (for "how far along is this deadline"). */
export function businessTimeBetween(cal: BusinessCalendar, from: Date, to: Date): number {
  if (to <= from) return 0;
  let total = 0;
  let date = localDate(from, cal.timezone);
  const end = to.getTime();
  for (let i = 0; i < MAX_DAYS; i += 1, date = addDays(date, 1)) {
    const { open, close } = hoursOf(cal, date);
    if (open >= end) break;
    if (isWorkingDay(cal, date)) total += Math.max(0, Math.min(close, end) - Math.max(open, from.getTime()));
  }
  return total;
}

/** Adds time on the given clock. */
export function addTime(cal: BusinessCalendar, mode: ClockMode, start: Date, ms: number): Date {
  return mode === 'business' ? addBusinessTime(cal, start, ms) : new Date(start.getTime() + ms);
}

/** The instant a fraction of the way from `start` to `due` on the given clock (reminders at 50 %, 80 % …). */
export function fractionOf(cal: BusinessCalendar, mode: ClockMode, start: Date, due: Date, fraction: number): Date {
  if (mode === 'calendar') return new Date(start.getTime() + (due.getTime() - start.getTime()) * fraction);
  return addBusinessTime(cal, start, businessTimeBetween(cal, start, due) * fraction);
}

