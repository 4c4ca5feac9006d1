import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { firstDeadline } from '../../src/domain/escalation-ladder.ts';
import { reminderTimes } from '../../src/domain/reminders.ts';
import { validatePolicy } from '../../src/domain/policy.ts';
import { previousPeriod, reviewCron } from '../../src/domain/review-period.ts';
import { detectPriority, customerFacts } from '../../src/domain/ticket-facts.ts';

const base = parse(readFileSync('examples/policy.yaml', 'utf8')) as Record<string, unknown>;
const policy = validatePolicy({
  ...base,
  priorities: [
    { key: 'critical', name: { ar: 'حرجة', en: 'Critical' }, deadline: '4h', clock: 'calendar', keywords: ['توقف تام', 'outage'] },
    { key: 'high', name: { ar: 'عالية', en: 'High' }, deadline: '8h', clock: 'business', keywords: ['عاجل'] },
    { key: 'normal', name: { ar: 'عادية', en: 'Normal' } },
  ],
  calendar: { holidays: [{ from: '2026-12-20', to: '2026-12-22' }] },
});
const riyadh = (local: string): Date => new Date(`${local}+03:00`);
const iso = (local: string): string => riyadh(local).toISOString();

describe('deadlines by priority', () => {
  it.each([
    ['critical runs on the calendar clock, through the night', 'critical', '2026-11-26T22:00:00', '2026-11-27T02:00:00'],
    ['high runs on business hours, over the weekend', 'high', '2026-11-26T14:00:00', '2026-11-29T14:00:00'],
    ['high across a multi-day holiday', 'high', '2026-12-17T12:00:00', '2026-12-23T12:00:00'],
    ['normal takes the ladder\'s 24 h', 'normal', '2026-11-26T22:00:00', '2026-11-27T22:00:00'],
    ['an unknown priority falls back to the default', 'nope', '2026-11-23T09:00:00', '2026-11-24T09:00:00'],
  ])('%s', (_n, key, created, due) => {
    expect(firstDeadline(policy, { priority: key, departmentKey: null }, riyadh(created)).dueAt.toISOString()).toBe(iso(due));
  });

  it('keeps escalations to business hours when the policy says so', () => {
    const strict = validatePolicy({ ...base, calendar: { escalate_outside_hours: false } });
    expect(firstDeadline(strict, { priority: null, departmentKey: null }, riyadh('2026-11-26T20:00:00')).dueAt.toISOString()).toBe(iso('2026-11-29T08:00:00'));
  });
});

describe('reminders (step 8)', () => {
  it('fall at 50 % and 80 % of business time and at breach, never at night or at the weekend', () => {
    const start = riyadh('2026-11-26T14:00:00'); // Thursday afternoon, high priority: 8 business hours
    const due = firstDeadline(policy, { priority: 'high', departmentKey: null }, start).dueAt;
    expect(reminderTimes(policy, 'high', start, due).map((r) => [r.percent, r.at.toISOString()])).toEqual([
      [50, iso('2026-11-29T10:00:00')], [80, iso('2026-11-29T12:24:00')], [100, iso('2026-11-29T14:00:00')],
    ]);
  });
  it('move a night-time reminder to the next opening and drop one that would land after the deadline', () => {
    const start = riyadh('2026-11-23T20:00:00'); // critical: 4 calendar hours, all at night
    const due = firstDeadline(policy, { priority: 'critical', departmentKey: null }, start).dueAt;
    expect(reminderTimes(policy, 'critical', start, due).map((r) => [r.percent, r.at.toISOString()])).toEqual([
      [100, iso('2026-11-24T08:00:00')],
    ]);
  });
});

describe('ticket facts', () => {
  it('reads the priority from keywords, most urgent first', () => {
    expect(detectPriority(policy, 'توقف تام في البوابة', 'عاجل جداً')).toEqual({ key: 'critical', matched: 'توقف تام' });
    expect(detectPriority(policy, 'طلب عاجل', '')).toEqual({ key: 'high', matched: 'عاجل' });
    expect(detectPriority(policy, 'استفسار', '')).toEqual({ key: 'normal', matched: null });
  });
  it('reads the customer\'s contact and direction (step 5)', () => {
    expect(customerFacts('التفاصيل...\nبريد العميل: Ali@Client.test\nرغبة العميل: الاسترداد الكامل')).toEqual({ email: 'ali@client.test', direction: 'الاسترداد الكامل' });
    expect(customerFacts('Customer: Ali <ali@client.test>')).toEqual({ email: 'ali@client.test', direction: null });
    expect(customerFacts('لا شيء')).toEqual({ email: null, direction: null });
  });
});

describe('policy review periods (step 12)', () => {
  it.each([
    ['quarterly', '2027-01-01', '2026-Q4', '2026-10-01', '2027-01-01'],
    ['quarterly', '2026-11-23', '2026-Q3', '2026-07-01', '2026-10-01'],
    ['monthly', '2026-03-01', '2026-02', '2026-02-01', '2026-03-01'],
    ['yearly', '2027-01-01', '2026', '2026-01-01', '2027-01-01'],
  ] as const)('%s on %s reviews %s', (every, today, key, from, to) => {
    const p = previousPeriod(every, today, 'Asia/Riyadh');
    expect(p).toEqual({ key, from: riyadh(`${from}T00:00:00`), to: riyadh(`${to}T00:00:00`) });
  });
  it('runs at the start of each period', () => {
    expect(reviewCron('quarterly', '09:30')).toBe('30 9 1 1,4,7,10 *');
    expect(reviewCron('monthly', '07:00')).toBe('0 7 1 * *');
  });
});

describe('timer job ids', () => {
  it('name the timer row and read back', async () => {
    const { timerJobId, parseTimerJobId } = await import('../../src/adapters/timer-jobs.ts');
    for (const t of [{ kind: 'escalate', ticketId: 42, level: 1, seq: 0 }, { kind: 'customer_update', ticketId: 7, level: 0, seq: 12 }] as const) {
      expect(parseTimerJobId(timerJobId(t))).toEqual(t);
    }
    expect(parseTimerJobId('outbox-5')).toBeUndefined();
    expect(parseTimerJobId(undefined)).toBeUndefined();
  });
});
