import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  addBusinessTime, businessTimeBetween, dayHours, isBusinessTime, nextBusinessTime, type BusinessCalendar,
} from '../../src/domain/business-calendar.ts';
import { firstDeadline } from '../../src/domain/escalation-ladder.ts';
import { parseDeadlineArg } from '../../src/domain/deadline-arg.ts';
import { hijriDate } from '../../src/domain/hijri.ts';
import { businessCalendar } from '../../src/domain/policy-calendar.ts';
import { PolicyError, validatePolicy } from '../../src/domain/policy.ts';
import { reminderTimes } from '../../src/domain/reminders.ts';

const riyadh = (local: string): Date => new Date(`${local}+03:00`);
const iso = (local: string): string => riyadh(local).toISOString();
const H = 3_600_000;
const base: BusinessCalendar = {
  timezone: 'Asia/Riyadh', workdays: [0, 1, 2, 3, 4], opensAt: 8 * 60, closesAt: 16 * 60, holidays: new Set(),
};

// Umm al-Qura: 1 Ramadan 1447 is Wed 2026-02-18, 30 Ramadan Thu 2026-03-19, 1 Shawwal Fri 2026-03-20;
// 1 Shawwal 1448 is Tue 2027-03-09.
describe('Umm al-Qura dates the tests below rely on', () => {
  it.each([
    ['2026-02-18', { year: 1447, month: 9, day: 1 }],
    ['2026-03-19', { year: 1447, month: 9, day: 30 }],
    ['2026-03-20', { year: 1447, month: 10, day: 1 }],
    ['2027-03-09', { year: 1448, month: 10, day: 1 }],
  ])('%s', (date, expected) => { expect(hijriDate(date)).toEqual(expected); });
});

describe('a Hijri holiday with dates announced for one year (moon sighting)', () => {
  // Eid al-Fitr, 4 days; for 1447 the moon was sighted a day early: Thursday 2026-03-19 to Sunday 2026-03-22.
  const eid: BusinessCalendar = {
    ...base, hijriHolidays: [{ month: 10, day: 1, days: 4, announced: [{ year: 1447, from: '2026-03-19', to: '2026-03-22' }] }],
  };
  it.each([
    ['Wed 2026-03-18: a working day', '2026-03-18T10:00:00', true],
    ['Thu 2026-03-19: announced, though the computed Eid starts the next day', '2026-03-19T10:00:00', false],
    ['Sun 2026-03-22: announced', '2026-03-22T10:00:00', false],
    ['Mon 2026-03-23: a computed Eid day, but 1447 was announced otherwise', '2026-03-23T10:00:00', true],
    ['Tue 2027-03-09: 1448 was not announced, so the computed Eid applies', '2027-03-09T10:00:00', false],
    ['Sun 2027-03-14: after the computed Eid of 1448', '2027-03-14T10:00:00', true],
  ])('%s', (_n, local, open) => { expect(isBusinessTime(eid, riyadh(local))).toBe(open); });

  it('pauses the business clock over the announced days', () => {
    // Wednesday 15:00 + 2 business hours: 1 h on Wednesday, then Monday 23rd (Thu–Sun are the announced Eid).
    expect(addBusinessTime(eid, riyadh('2026-03-18T15:00:00'), 2 * H).toISOString()).toBe(iso('2026-03-23T09:00:00'));
    expect(businessTimeBetween(eid, riyadh('2026-03-18T15:00:00'), riyadh('2026-03-23T09:00:00'))).toBe(2 * H);
  });
});

describe('periods of other working hours', () => {
  const ramadan: BusinessCalendar = {
    ...base,
    periods: [
      { from: '2026-12-20', to: '2026-12-31', opensAt: 10 * 60, closesAt: 14 * 60 },
      { hijriMonth: 9, opensAt: 9 * 60, closesAt: 15 * 60 },
    ],
  };
  it.each([
    ['Tue 2026-02-17 08:30, the day before Ramadan: usual hours', '2026-02-17T08:30:00', true],
    ['Wed 2026-02-18 08:30, 1 Ramadan: not yet open', '2026-02-18T08:30:00', false],
    ['Wed 2026-02-18 09:00: Ramadan opening', '2026-02-18T09:00:00', true],
    ['Wed 2026-02-18 14:59', '2026-02-18T14:59:00', true],
    ['Wed 2026-02-18 15:00: Ramadan closing', '2026-02-18T15:00:00', false],
    ['Sun 2026-12-20 09:30: the dated period opens at 10', '2026-12-20T09:30:00', false],
    ['Sun 2026-12-20 13:30', '2026-12-20T13:30:00', true],
    ['Sun 2026-12-20 14:30: the dated period closed at 14', '2026-12-20T14:30:00', false],
    ['Sun 2027-01-03 14:30: usual hours again', '2027-01-03T14:30:00', true],
  ])('%s', (_n, local, open) => { expect(isBusinessTime(ramadan, riyadh(local))).toBe(open); });

  it.each([
    ['a Ramadan afternoon runs into the next Ramadan morning', '2026-02-22T14:00:00', 2 * H, '2026-02-23T10:00:00'],
    ['a normal afternoon runs into the first Ramadan morning', '2026-02-17T15:00:00', 2 * H, '2026-02-18T10:00:00'],
    ['six Ramadan hours are one Ramadan day', '2026-02-22T09:00:00', 6 * H, '2026-02-22T15:00:00'],
    ['the dated period: 4 hours a day', '2026-12-20T13:00:00', 2 * H, '2026-12-21T11:00:00'],
  ])('adds business time: %s', (_n, start, ms, due) => {
    expect(addBusinessTime(ramadan, riyadh(start), ms).toISOString()).toBe(iso(due));
  });

  it('moves the night to the next Ramadan opening, and counts only Ramadan hours between two instants', () => {
    expect(nextBusinessTime(ramadan, riyadh('2026-02-18T20:00:00')).toISOString()).toBe(iso('2026-02-19T09:00:00'));
    expect(businessTimeBetween(ramadan, riyadh('2026-02-17T08:00:00'), riyadh('2026-02-19T08:00:00'))).toBe(8 * H + 6 * H);
  });

  it('reads a bare date in #موعد or #انتظار … حتى as that day\'s closing: 15:00 in Ramadan, 16:00 otherwise', () => {
    const closing = (date: string): number => dayHours(ramadan, date).closesAt;
    expect(parseDeadlineArg('2026-02-22', 'Asia/Riyadh', closing)).toEqual({ kind: 'instant', at: riyadh('2026-02-22T15:00:00') });
    expect(parseDeadlineArg('2026-02-17', 'Asia/Riyadh', closing)).toEqual({ kind: 'instant', at: riyadh('2026-02-17T16:00:00') });
  });

  it('takes announced dates for a Hijri month: Ramadan 1447 sighted a day late starts on Thursday', () => {
    const late: BusinessCalendar = {
      ...base, periods: [{ hijriMonth: 9, opensAt: 9 * 60, closesAt: 15 * 60, announced: [{ year: 1447, from: '2026-02-19', to: '2026-03-19' }] }],
    };
    expect(isBusinessTime(late, riyadh('2026-02-18T08:30:00'))).toBe(true);
    expect(isBusinessTime(late, riyadh('2026-02-19T08:30:00'))).toBe(false);
    expect(isBusinessTime(late, riyadh('2026-03-19T14:30:00'))).toBe(true);
    expect(isBusinessTime(late, riyadh('2026-03-19T15:30:00'))).toBe(false);
  });
});

const example = (): Record<string, unknown> => parse(readFileSync('examples/policy.yaml', 'utf8')) as Record<string, unknown>;

function problemsOf(calendar: unknown, extra: Record<string, unknown> = {}): readonly string[] {
  try {
    validatePolicy({ ...example(), ...extra, calendar });
  } catch (e) {
    if (e instanceof PolicyError) return e.problems;
    throw e;
  }
  return [];
}

describe('the policy calendar', () => {
  it('reads Ramadan hours and announced Eid dates from the shipped example', () => {
    const policy = validatePolicy(example());
    const cal = businessCalendar(policy);
    expect(cal.periods?.some((p) => p.hijriMonth === 9)).toBe(true);
    expect(cal.hijriHolidays?.some((h) => (h.announced ?? []).length > 0)).toBe(true);
  });

  it('fills an announced holiday\'s last day from its length', () => {
    const policy = validatePolicy({ ...example(), calendar: { hijri_holidays: [{ month: 10, day: 1, days: 4, announced: [{ year: 1447, from: '2026-03-19' }] }] } });
    expect(policy.calendar.hijri_holidays[0]?.announced).toEqual([{ year: 1447, from: '2026-03-19', to: '2026-03-22' }]);
  });

  it('names the path of every bad calendar field in one run, with the other errors of the policy', () => {
    expect(problemsOf({
      hijri_holidays: [
        { month: 10, day: 1, days: 4, announced: [{ year: 1447, from: '2026-03-19' }, { year: 1447, from: '2026-03-20' }] },
        { month: 12, day: 10, announced: [{ year: 1447, from: '2027-05-26' }, { year: 1448, from: '2027-05-16', to: '2027-05-15' }] },
      ],
      periods: [
        { hijri_month: 9, hours: { start: '09:00', end: '08:00' } },
        { from: '2026-12-20', hours: { start: '10:00', end: '14:00' } },
        { from: '2026-12-20', to: '2026-12-31', hijri_month: 9, hours: { start: '10:00', end: '14:00' } },
        { hours: { start: '10:00', end: '14:00' } },
        { from: '2026-12-31', to: '2026-12-20', hours: { start: '10:00', end: '14:00' } },
        { hijri_month: 13, announced: [{ year: 1447, from: '2026-02-19' }], hours: { start: '09:00', end: '15:00' } },
        { hijri_month: 9, announced: [{ year: 1447, from: '2026-02-19' }], hours: { start: '09:00', end: '15:00' } },
        { from: '2026-12-20', to: '2026-12-31', announced: [{ year: 1447, from: '2026-02-19', to: '2026-03-19' }], hours: { start: '10:00', end: '14:00' } },
      ],
    }, { timezone: 'Mars/Olympus' })).toEqual([
      'timezone: unknown IANA timezone',
      'calendar.hijri_holidays[0].announced[1].year: 1447 is announced twice',
      'calendar.hijri_holidays[1].announced[1].to: must not be before from',
      'calendar.hijri_holidays[1].announced[0].from: 2027-05-26 is not within 3 days of day 10 of Hijri month 12 of 1447 (Umm al-Qura): check the year and the date',
      'calendar.periods[0].hours.end: must be after start',
      'calendar.periods[1].to: a dated period needs both from and to',
      'calendar.periods[2].hijri_month: give either from and to (dates) or hijri_month, not both',
      'calendar.periods[3]: give either from and to (dates) or hijri_month, not both',
      'calendar.periods[4].to: must not be before from',
      'calendar.periods[5].hijri_month: a Hijri month 1–12 (9 = Ramadan)',
      'calendar.periods[5].announced[0].to: the last day of the month as announced is needed',
      'calendar.periods[6].announced[0].to: the last day of the month as announced is needed',
      'calendar.periods[7].announced: only a hijri_month period has announced dates',
    ]);
  });
});

describe('deadlines and reminders on the announced calendar', () => {
  const policy = validatePolicy({
    ...example(),
    priorities: [{ key: 'normal', name: { ar: 'عادية', en: 'Normal' }, deadline: '8h', clock: 'business' }],
    calendar: {
      hijri_holidays: [{ month: 10, day: 1, days: 4, announced: [{ year: 1447, from: '2026-03-19' }] }],
      periods: [{ hijri_month: 9, hours: { start: '09:00', end: '15:00' } }],
    },
  });
  const ticket = { priority: 'normal', departmentKey: 'finance' };

  it('runs an 8 business-hour deadline over Ramadan hours and the announced Eid', () => {
    // Wed 18 March (29 Ramadan) 12:00: 3 h that day (to 15:00), Thursday is the announced Eid, back Monday 23 March
    // on usual hours (Shawwal): 08:00 + 5 h = 13:00.
    expect(firstDeadline(policy, ticket, riyadh('2026-03-18T12:00:00')).dueAt.toISOString()).toBe(iso('2026-03-23T13:00:00'));
  });

  it('places reminders inside Ramadan hours', () => {
    const created = riyadh('2026-02-22T09:00:00');
    const due = firstDeadline(policy, ticket, created).dueAt;
    expect(due.toISOString()).toBe(iso('2026-02-23T11:00:00'));
    // 8 h from Sunday 09:00: 6 Ramadan hours to 15:00, then 2 on Monday → 11:00. Reminders: 50 % = 4 h → 13:00;
    // 80 % = 6 h 24 min → past Sunday's 15:00 closing, so Monday 09:24; 100 % at the deadline.
    expect(reminderTimes(policy, 'normal', created, due).map((r) => r.at.toISOString()))
      .toEqual([iso('2026-02-22T13:00:00'), iso('2026-02-23T09:24:00'), iso('2026-02-23T11:00:00')]);
  });
});
