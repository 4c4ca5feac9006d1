import { describe, expect, it } from 'vitest';
import type { BusinessCalendar } from '../../src/domain/business-calendar.ts';
import { parseCommand } from '../../src/domain/commands.ts';
import { holdEnds, parseHold, refusalOnHold, resumedDeadline, timeLeft } from '../../src/domain/hold.ts';

const riyadh = (local: string): Date => new Date(`${local}+03:00`);
const now = riyadh('2026-11-23T10:00:00');
const H = 3_600_000;
const cal: BusinessCalendar = { timezone: 'Asia/Riyadh', workdays: [0, 1, 2, 3, 4], opensAt: 8 * 60, closesAt: 16 * 60, holidays: new Set() };

describe('#انتظار / #hold', () => {
  it.each([
    ['#انتظار بانتظار رد العميل', 'hold', 'بانتظار رد العميل'],
    ['#hold waiting for the supplier until 3d', 'hold', 'waiting for the supplier until 3d'],
    ['#استئناف', 'resume', ''],
    ['#resume', 'resume', ''],
  ])('%s', (text, name, arg) => {
    expect(parseCommand(text)).toMatchObject({ name, arg });
  });

  it.each([
    ['بانتظار رد العميل', { reason: 'بانتظار رد العميل' }],
    ['بانتظار المورد حتى 3 أيام', { reason: 'بانتظار المورد', until: new Date(now.getTime() + 72 * H) }],
    ['بانتظار المستندات حتى 2026-11-30', { reason: 'بانتظار المستندات', until: riyadh('2026-11-30T16:00:00') }],
    ['waiting for the bank until 2026-11-25 12:00', { reason: 'waiting for the bank', until: riyadh('2026-11-25T12:00:00') }],
    ['waiting for the bank until 90m', { reason: 'waiting for the bank', until: new Date(now.getTime() + 1.5 * H) }],
    ['بانتظار المورد حتى الأسبوع القادم', undefined],
    ['waiting until 2026-11-01', undefined],
  ])('reads %j', (arg, expected) => {
    expect(parseHold(arg, now, 'Asia/Riyadh', 16 * 60)).toEqual(expected);
  });

  it.each([
    ['no until: hold.max', undefined, riyadh('2026-11-28T10:00:00')],
    ['an until before hold.max', riyadh('2026-11-25T10:00:00'), riyadh('2026-11-25T10:00:00')],
    ['an until after hold.max is cut to it', riyadh('2026-12-25T10:00:00'), riyadh('2026-11-28T10:00:00')],
  ])('ends at %s', (_n, until, end) => {
    expect(holdEnds(now, 5 * 24 * H, until)).toEqual(end);
  });

  it.each([
    ['calendar clock', 'calendar', riyadh('2026-11-23T14:00:00'), 4 * H],
    ['business clock across the night', 'business', riyadh('2026-11-24T10:00:00'), 8 * H],
    ['a passed deadline leaves nothing', 'calendar', riyadh('2026-11-23T09:00:00'), 0],
  ] as const)('keeps the time left on the %s', (_n, clock, due, left) => {
    expect(timeLeft(cal, clock, now, due)).toBe(left);
  });

  it('resumes with the time that was left, on the same clock', () => {
    // Resumed on Thursday 15:00 with 2 business hours left: one hour on Thursday, one on Sunday.
    expect(resumedDeadline(cal, 'business', riyadh('2026-11-26T15:00:00'), 2 * H)).toEqual(riyadh('2026-11-29T09:00:00'));
    expect(resumedDeadline(cal, 'calendar', riyadh('2026-11-26T15:00:00'), 2 * H)).toEqual(riyadh('2026-11-26T17:00:00'));
  });
});

describe('commands that would move the stopped clock', () => {
  it.each([
    ['on_hold', 'deadline', 'لا يُغيَّر موعدها'],
    ['on_hold', 'priority', 'لا تُغيَّر أولويتها'],
    ['on_hold', 'escalate', 'لا تُصعَّد'],
    ['on_hold', 'note', undefined],
    ['on_hold', 'resolve', undefined],
    ['on_hold', 'plan', undefined],
    ['on_hold', 'resume', undefined],
    ['open', 'deadline', undefined],
    ['open', 'escalate', undefined],
    ['triage', 'priority', undefined],
  ])('%s, %s', (status, command, clause) => {
    const r = refusalOnHold(status, command);
    if (clause === undefined) { expect(r).toBeUndefined(); return; }
    expect(r?.ar).toContain(clause);
    expect(r?.ar).toContain('أرسلوا #استئناف أولاً');
    expect(r?.ar).not.toMatch(/[A-Za-z]/);
    expect(r?.en).toContain('Send #resume first');
  });
});
