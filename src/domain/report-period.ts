/**
 * Report periods as local calendar dates in the policy's timezone: a day, a Saudi week (Sunday to Saturday) or one
 * or more whole months. A period is named by a key that is also its report_runs.period:
 *   day 2026-11-22 · week 2026-11-15 (the Sunday it starts) · month 2026-11 · months 2026-01..2026-12
 */
import { addDays, localDate, localInstant, startOfLocalDay } from './dates.ts';
import { WEEKDAYS, type Weekday } from './report-policy.ts';

export const REPORT_KINDS = ['daily', 'weekly', 'monthly', 'departments'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];
export type Cadence = 'day' | 'week' | 'month';

export interface Period {
  cadence: Cadence;
  key: string;
  /** The first local day of the period. */
  start: string;
  /** The local day after the last one. */
  end: string;
  /** How many days, weeks or months it spans. */
  units: number;
}

export class PeriodError extends Error {
  readonly code = 'PERIOD_INVALID';
}

/** When a report goes out: a time of day, and for weekly/monthly reports the weekday or day of the month. */
export interface Schedule {
  time: string;
  day?: Weekday | number;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
/** Longest range of months one report may cover. */
export const MAX_MONTHS = 36;

function isDate(s: string): boolean {
  return DATE.test(s) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);
}

/** 0 = Sunday … 6 = Saturday, of a calendar date. */
export function weekdayOf(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

/** The Sunday on or before a date: the Saudi week starts on Sunday. */
export function weekStart(date: string): string {
  return addDays(date, -weekdayOf(date));
}

export function addMonths(month: string, n: number): string {
  const [y = 0, m = 1] = month.split('-').map(Number);
  const index = y * 12 + (m - 1) + n;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

function monthsBetween(first: string, last: string): number {
  const [y1 = 0, m1 = 0] = first.split('-').map(Number);
  const [y2 = 0, m2 = 0] = last.split('-').map(Number);
  return (y2 - y1) * 12 + (m2 - m1) + 1;
}

function months(first: string, count: number): Period {
  const last = addMonths(first, count - 1);
  return {
    cadence: 'month', key: count === 1 ? first : `${first}..${last}`,
    start: `${first}-01`, end: `${addMonths(last, 1)}-01`, units: count,
  };
}

/** The single day, week or month that contains a date. */
export function periodOf(cadence: Cadence, date: string): Period {
  switch (cadence) {
    case 'day': return { cadence, key: date, start: date, end: addDays(date, 1), units: 1 };
    case 'week': {
      const start = weekStart(date);
      return { cadence, key: start, start, end: addDays(start, 7), units: 1 };
    }
    case 'month': return months(date.slice(0, 7), 1);
  }
}

const EXAMPLES: Record<Cadence, string> = {
  day: 'a date such as 2026-11-22',
  week: 'a date such as 2026-11-15 (any day of the week; the week starts on Sunday)',
  month: 'a month such as 2026-11, or a range such as 2026-01..2026-12',
};

/** Reads a --period value; a week may be named by any of its days. */
export function parsePeriod(cadence: Cadence, text: string): Period {
  const t = text.trim();
  const bad = (why = ''): PeriodError => new PeriodError(`"${text}" is not a ${cadence} period${why}: use ${EXAMPLES[cadence]}`);
  if (cadence !== 'month') {
    if (!isDate(t)) throw bad();
    return periodOf(cadence, t);
  }
  const [first = '', last = first, extra] = t.split('..');
  if (extra !== undefined || !MONTH.test(first) || !MONTH.test(last)) throw bad();
  const count = monthsBetween(first, last);
  if (count < 1) throw bad(' (the range ends before it starts)');
  if (count > MAX_MONTHS) throw bad(` (at most ${MAX_MONTHS} months)`);
  return months(first, count);
}

/** The period of the same length `n` lengths later (n < 0: earlier). */
export function shiftPeriod(p: Period, n: number): Period {
  switch (p.cadence) {
    case 'day': return periodOf('day', addDays(p.start, n * p.units));
    case 'week': return periodOf('week', addDays(p.start, 7 * n * p.units));
    case 'month': return months(addMonths(p.start.slice(0, 7), n * p.units), p.units);
  }
}

export function previousPeriod(p: Period): Period {
  return shiftPeriod(p, -1);
}

/** Single-unit periods ending with the last unit of `p`: all of p's units, and at least `atLeast` of them. */
export function trendPeriods(p: Period, atLeast: number): Period[] {
  const count = Math.max(atLeast, p.units);
  const last = periodOf(p.cadence, p.cadence === 'month' ? addDays(p.end, -1) : p.start);
  return Array.from({ length: count }, (_, i) => shiftPeriod(last, i - count + 1));
}

export function periodInstants(p: Period, timeZone: string): { from: Date; to: Date } {
  return { from: startOfLocalDay(p.start, timeZone), to: startOfLocalDay(p.end, timeZone) };
}

function atLocalTime(date: string, time: string, timeZone: string): Date {
  const [hh = 0, mm = 0] = time.split(':').map(Number);
  return localInstant(date, hh * 60 + mm, timeZone);
}

/** When the report of a period is due: the first scheduled time after the period ends. */
export function dueAt(p: Period, schedule: Schedule, timeZone: string): Date {
  let date = p.end;
  if (p.cadence === 'week') {
    const want = typeof schedule.day === 'string' ? WEEKDAYS.indexOf(schedule.day) : 0;
    date = addDays(p.end, (want - weekdayOf(p.end) + 7) % 7);
  } else if (p.cadence === 'month') {
    date = addDays(p.end, (typeof schedule.day === 'number' ? schedule.day : 1) - 1);
  }
  return atLocalTime(date, schedule.time, timeZone);
}

/** The most recent period whose report was due at or before `now`. */
export function latestDuePeriod(cadence: Cadence, schedule: Schedule, now: Date, timeZone: string): Period {
  let p = periodOf(cadence, localDate(now, timeZone));
  while (dueAt(p, schedule, timeZone).getTime() > now.getTime()) p = previousPeriod(p);
  return p;
}

/** The cron pattern (minute hour day-of-month month day-of-week) a job scheduler runs a report with. */
export function cronPattern(cadence: Cadence, schedule: Schedule): string {
  const [hh = 0, mm = 0] = schedule.time.split(':').map(Number);
  switch (cadence) {
    case 'day': return `${mm} ${hh} * * *`;
    case 'week': return `${mm} ${hh} * * ${typeof schedule.day === 'string' ? WEEKDAYS.indexOf(schedule.day) : 0}`;
    case 'month': return `${mm} ${hh} ${typeof schedule.day === 'number' ? schedule.day : 1} * *`;
  }
}

/** The period a report_runs.period names (the cadence follows from its shape and the kind). */
export function periodFromKey(kind: ReportKind, key: string): Period {
  if (DATE.test(key)) return parsePeriod(kind === 'daily' ? 'day' : 'week', key);
  return parsePeriod('month', key);
}
