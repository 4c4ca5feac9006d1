import { describe, expect, it } from 'vitest';
import {
  addBusinessTime, businessTimeBetween, isBusinessTime, nextBusinessTime, type BusinessCalendar,
} from '../../src/domain/business-calendar.ts';
import { parseDeadlineArg } from '../../src/domain/deadline-arg.ts';

// Sunday–Thursday 08:00–16:00 Asia/Riyadh (UTC+3), with a holiday on Sunday 2026-11-29.
const cal: BusinessCalendar = {
  timezone: 'Asia/Riyadh', workdays: [0, 1, 2, 3, 4], opensAt: 8 * 60, closesAt: 16 * 60,
  holidays: new Set(['2026-11-29']),
};
const riyadh = (local: string): Date => new Date(`${local}+03:00`);
const H = 3_600_000;

describe('business calendar (Asia/Riyadh, Sun–Thu 08:00–16:00)', () => {
  it.each([
    ['Monday 10:00 is business time', '2026-11-23T10:00:00', true],
    ['Monday 07:59 is before opening', '2026-11-23T07:59:00', false],
    ['Monday 16:00 is closed', '2026-11-23T16:00:00', false],
    ['Friday is the weekend', '2026-11-27T10:00:00', false],
    ['Saturday is the weekend', '2026-11-28T10:00:00', false],
    ['a public holiday is closed', '2026-11-29T10:00:00', false],
    ['Sunday after the holiday week', '2026-12-06T09:00:00', true],
  ])('%s', (_n, local, expected) => {
    expect(isBusinessTime(cal, riyadh(local))).toBe(expected);
  });

  it.each([
    ['within the day', '2026-11-23T09:00:00', 2 * H, '2026-11-23T11:00:00'],
    ['across the evening', '2026-11-23T15:00:00', 2 * H, '2026-11-24T09:00:00'],
    ['from the night before opening', '2026-11-23T02:00:00', 1 * H, '2026-11-23T09:00:00'],
    ['Thursday afternoon skips the weekend and the Sunday holiday', '2026-11-26T15:00:00', 2 * H, '2026-11-30T09:00:00'],
    ['24 business hours are three working days', '2026-11-23T08:00:00', 24 * H, '2026-11-25T16:00:00'],
    ['from Friday night', '2026-11-27T23:00:00', 30 * 60_000, '2026-11-30T08:30:00'],
    ['across a month end', '2026-12-31T15:30:00', 1 * H, '2027-01-03T08:30:00'],
  ])('adds business time %s', (_n, start, ms, expected) => {
    expect(addBusinessTime(cal, riyadh(start), ms).toISOString()).toBe(riyadh(expected).toISOString());
  });

  it('counts business time between two instants, and moves night to the next opening', () => {
    expect(businessTimeBetween(cal, riyadh('2026-11-26T15:00:00'), riyadh('2026-11-30T09:00:00'))).toBe(2 * H);
    expect(businessTimeBetween(cal, riyadh('2026-11-23T10:00:00'), riyadh('2026-11-23T09:00:00'))).toBe(0);
    expect(nextBusinessTime(cal, riyadh('2026-11-26T22:00:00')).toISOString()).toBe(riyadh('2026-11-30T08:00:00').toISOString());
    expect(nextBusinessTime(cal, riyadh('2026-11-23T10:00:00')).toISOString()).toBe(riyadh('2026-11-23T10:00:00').toISOString());
  });

  it('skips Hijri holidays that recur every year (Eid al-Fitr: 1–4 Shawwal)', () => {
    const eid = { ...cal, hijriHolidays: [{ month: 10, day: 1, days: 4 }] };
    // 1 Shawwal 1447 is Friday 2026-03-20 (Umm al-Qura); the Eid days that fall on working days are Sun 22 and Mon 23.
    expect(isBusinessTime(eid, riyadh('2026-03-19T10:00:00'))).toBe(true);
    expect(isBusinessTime(eid, riyadh('2026-03-22T10:00:00'))).toBe(false);
    expect(isBusinessTime(eid, riyadh('2026-03-23T10:00:00'))).toBe(false);
    expect(isBusinessTime(eid, riyadh('2026-03-24T10:00:00'))).toBe(true);
    expect(addBusinessTime(eid, riyadh('2026-03-19T15:00:00'), 2 * H).toISOString()).toBe(riyadh('2026-03-24T09:00:00').toISOString());
  });

  it('refuses a calendar with no working day instead of looping forever', () => {
    expect(() => addBusinessTime({ ...cal, workdays: [] }, riyadh('2026-11-23T10:00:00'), H)).toThrow(/check the policy's calendar/);
  });
});

describe('#موعد arguments', () => {
  it.each([
    ['48h', { kind: 'duration', ms: 48 * H }],
    ['3 أيام', { kind: 'duration', ms: 3 * 24 * H }],
    ['٥ ساعات', { kind: 'duration', ms: 5 * H }],
    ['ساعتين', undefined],
  ])('%s', (text, expected) => {
    expect(parseDeadlineArg(text, 'Asia/Riyadh', 16 * 60)).toEqual(expected);
  });
  it('reads local dates and times in Asia/Riyadh', () => {
    expect(parseDeadlineArg('2026-12-01 14:00', 'Asia/Riyadh', 16 * 60)).toEqual({ kind: 'instant', at: riyadh('2026-12-01T14:00:00') });
    expect(parseDeadlineArg('2026-12-01', 'Asia/Riyadh', 16 * 60)).toEqual({ kind: 'instant', at: riyadh('2026-12-01T16:00:00') });
  });
});

describe('business calendar in a zone with daylight saving (Europe/London, Mon–Fri 08:00–16:00)', () => {
  // British Summer Time starts at 01:00 UTC on Sunday 2026-03-29 and ends at 01:00 UTC on Sunday 2026-10-25.
  const london: BusinessCalendar = {
    timezone: 'Europe/London', workdays: [0, 1, 2, 3, 4, 5, 6], opensAt: 8 * 60, closesAt: 16 * 60, holidays: new Set(),
  };
  it.each([
    ['08:30 BST on the day the clocks go forward is open', '2026-03-29T07:30:00Z', true],
    ['07:30 BST on that day is before opening', '2026-03-29T06:30:00Z', false],
    ['15:59 BST on that day is open', '2026-03-29T14:59:00Z', true],
    ['16:00 BST on that day is closed', '2026-03-29T15:00:00Z', false],
    ['08:30 GMT on the day the clocks go back is open', '2026-10-25T08:30:00Z', true],
    ['07:30 GMT on that day is before opening', '2026-10-25T07:30:00Z', false],
  ])('%s', (_n, at, expected) => {
    expect(isBusinessTime(london, new Date(at))).toBe(expected);
  });
  it('opens at 08:00 local on both sides of the change', () => {
    expect(nextBusinessTime(london, new Date('2026-03-29T03:00:00Z')).toISOString()).toBe('2026-03-29T07:00:00.000Z');
    expect(nextBusinessTime(london, new Date('2026-10-25T03:00:00Z')).toISOString()).toBe('2026-10-25T08:00:00.000Z');
    expect(addBusinessTime(london, new Date('2026-03-28T15:00:00Z'), 2 * H).toISOString()).toBe('2026-03-29T08:00:00.000Z');
  });
  it('reads a #موعد local time in the offset of that hour', () => {
    expect(parseDeadlineArg('2026-03-29 14:00', 'Europe/London', 16 * 60)).toEqual({ kind: 'instant', at: new Date('2026-03-29T13:00:00Z') });
  });
});
