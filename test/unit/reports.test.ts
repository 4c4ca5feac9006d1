import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { change, durationChange } from '../../src/app/report-view.ts';
import { toCsv } from '../../src/domain/csv.ts';
import { Directory } from '../../src/domain/directory.ts';
import { periodLabel, shortLabel } from '../../src/domain/period-label.ts';
import { PolicyError, validatePolicy } from '../../src/domain/policy.ts';
import { bars } from '../../src/domain/report-chart.ts';
import { parseReportCommand } from '../../src/domain/report-command.ts';
import {
  cronPattern, dueAt, latestDuePeriod, parsePeriod, PeriodError, periodFromKey, previousPeriod, trendPeriods, weekStart,
} from '../../src/domain/report-period.ts';
import { reportPlan, reportRecipients } from '../../src/domain/report-plan.ts';
import { findReportToken, reportReplyAddress, verifyReportToken } from '../../src/domain/report-reply-token.ts';
import { findReplyToken, replyAddress } from '../../src/domain/reply-token.ts';

const example = (): Record<string, unknown> => parse(readFileSync('examples/policy.yaml', 'utf8')) as Record<string, unknown>;
const TZ = 'Asia/Riyadh';
const at = (local: string): Date => new Date(`${local.replace(' ', 'T')}:00+03:00`);

describe('report periods (Asia/Riyadh, the week starts on Sunday)', () => {
  it.each([
    ['day', '2026-11-22', { key: '2026-11-22', start: '2026-11-22', end: '2026-11-23', units: 1 }],
    ['week', '2026-11-15', { key: '2026-11-15', start: '2026-11-15', end: '2026-11-22', units: 1 }],
    ['week', '2026-11-21', { key: '2026-11-15', start: '2026-11-15', end: '2026-11-22', units: 1 }], // Saturday: same week
    ['week', '2026-11-22', { key: '2026-11-22', start: '2026-11-22', end: '2026-11-29', units: 1 }], // Sunday: a new week
    ['month', '2026-02', { key: '2026-02', start: '2026-02-01', end: '2026-03-01', units: 1 }],
    ['month', '2025-12..2026-11', { key: '2025-12..2026-11', start: '2025-12-01', end: '2026-12-01', units: 12 }],
  ] as const)('parsePeriod(%s, %s)', (cadence, text, expected) => {
    expect(parsePeriod(cadence, text)).toEqual({ cadence, ...expected });
  });

  it.each([
    ['day', '2026-02-30'], ['day', '22/11/2026'], ['week', '2026-11'], ['month', '2026-13'], ['month', '2026-11..2026-01'],
    ['month', '2020-01..2026-01'],
  ] as const)('refuses %s period %j with an example of what to write', (cadence, text) => {
    expect(() => parsePeriod(cadence, text)).toThrow(PeriodError);
    expect(() => parsePeriod(cadence, text)).toThrow(/use /);
  });

  it('steps back by the length of the period, and lists trend units ending with it', () => {
    expect(previousPeriod(parsePeriod('month', '2026-01')).key).toBe('2025-12');
    expect(previousPeriod(parsePeriod('month', '2026-01..2026-03')).key).toBe('2025-10..2025-12');
    expect(previousPeriod(parsePeriod('week', '2026-01-01')).key).toBe('2025-12-21');
    expect(trendPeriods(parsePeriod('month', '2026-02'), 4).map((p) => p.key)).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(trendPeriods(parsePeriod('week', '2026-11-15'), 3).map((p) => p.key)).toEqual(['2026-11-01', '2026-11-08', '2026-11-15']);
    expect(weekStart('2026-11-20')).toBe('2026-11-15');
  });

  it('names a report_runs period by its shape', () => {
    expect(periodFromKey('daily', '2026-11-22').cadence).toBe('day');
    expect(periodFromKey('weekly', '2026-11-15').cadence).toBe('week');
    expect(periodFromKey('departments', '2026-11').cadence).toBe('month');
  });
});

describe('when a report is due', () => {
  const weekly = { time: '08:00', day: 'sunday' as const };
  it.each([
    // now (Riyadh)          daily 07:30     weekly Sunday 08:00   monthly 1st 08:00
    ['2026-11-23 07:29', '2026-11-21', '2026-11-15', '2026-10'],
    ['2026-11-23 07:30', '2026-11-22', '2026-11-15', '2026-10'],
    ['2026-11-29 07:59', '2026-11-28', '2026-11-15', '2026-10'],
    ['2026-11-29 08:00', '2026-11-28', '2026-11-22', '2026-10'],
    ['2026-12-01 07:59', '2026-11-30', '2026-11-22', '2026-10'],
    ['2026-12-01 08:00', '2026-11-30', '2026-11-22', '2026-11'],
  ])('at %s the latest due periods are %s, %s, %s', (now, day, week, month) => {
    expect(latestDuePeriod('day', { time: '07:30' }, at(now), TZ).key).toBe(day);
    expect(latestDuePeriod('week', weekly, at(now), TZ).key).toBe(week);
    expect(latestDuePeriod('month', { time: '08:00', day: 1 }, at(now), TZ).key).toBe(month);
  });

  it('is due on the chosen weekday or day of the month after the period ends', () => {
    expect(dueAt(parsePeriod('week', '2026-11-15'), { time: '09:15', day: 'tuesday' }, TZ).toISOString()).toBe('2026-11-24T06:15:00.000Z');
    expect(dueAt(parsePeriod('month', '2026-11'), { time: '06:00', day: 3 }, TZ).toISOString()).toBe('2026-12-03T03:00:00.000Z');
  });

  it.each([
    ['day', { time: '07:30' }, '30 7 * * *'],
    ['week', { time: '08:00', day: 'sunday' }, '0 8 * * 0'],
    ['week', { time: '18:05', day: 'thursday' }, '5 18 * * 4'],
    ['month', { time: '08:00', day: 1 }, '0 8 1 * *'],
  ] as const)('runs a %s report with cron %j → %s', (cadence, schedule, pattern) => {
    expect(cronPattern(cadence, schedule)).toBe(pattern);
  });
});

describe('period labels: Gregorian and the Hijri months they span', () => {
  it.each([
    ['month', '2026-11', 'ar', 'نوفمبر 2026 (جمادى الأولى – جمادى الآخرة 1448 هـ)'],
    ['month', '2026-11', 'en', 'November 2026 (Jumada I – Jumada II 1448 AH)'],
    ['month', '2026-06', 'ar', 'يونيو 2026 (ذو الحجة 1447 – محرم 1448 هـ)'],
    ['month', '2026-01..2026-12', 'ar', 'يناير – ديسمبر 2026 (رجب 1447 – رجب 1448 هـ)'],
    ['month', '2025-12..2026-02', 'ar', 'ديسمبر 2025 – فبراير 2026 (جمادى الآخرة – رمضان 1447 هـ)'],
    ['day', '2026-11-22', 'ar', 'الأحد، 22 نوفمبر 2026 (12 جمادى الآخرة 1448 هـ)'],
  ] as const)('%s %s in %s', (cadence, text, locale, label) => {
    expect(periodLabel(parsePeriod(cadence, text), locale).text).toBe(label);
  });

  it('labels the units of a trend chart shortly', () => {
    expect(shortLabel(parsePeriod('week', '2026-11-15'), 'ar')).toBe('15 نوفمبر');
    expect(shortLabel(parsePeriod('month', '2026-11'), 'en')).toBe('November 2026');
  });
});

describe('CSV', () => {
  it('quotes what needs quoting, ends lines with CRLF and defuses spreadsheet formulas', () => {
    expect(toCsv([['الإدارة', 'a,b', 'he said "hi"', 3, null], ['=HYPERLINK("x")', '-2', -2, '@sum', 'line\nbreak']]))
      .toBe('الإدارة,"a,b","he said ""hi""",3,\r\n"\'=HYPERLINK(""x"")",\'-2,-2,\'@sum,"line\nbreak"\r\n');
  });
});

describe('bar charts', () => {
  it('draws each bar as its share of the largest, never invisible when not zero', () => {
    expect(bars([{ label: 'a', value: 200 }, { label: 'b', value: 1 }, { label: 'c', value: 0 }]).map((b) => [b.width, b.rest]))
      .toEqual([[100, 0], [1, 99], [0, 100]]);
    expect(bars([{ label: 'x', value: 50, display: '50%' }], 100)[0]).toEqual({ label: 'x', value: 50, display: '50%', width: 50, rest: 50 });
    expect(bars([{ label: 'x', value: 0 }])[0]?.width).toBe(0);
  });
});

describe('changes against the previous period', () => {
  it.each([
    [5, 1, 'none', '', { text: '▲ 4', tone: 'neutral' }],
    [50, 0, 'up', ' pts', { text: '▲ 50 pts', tone: 'good' }],
    [43, 50, 'up', ' pts', { text: '▼ 7 pts', tone: 'bad' }],
    [3, 1, 'down', '', { text: '▲ 2', tone: 'bad' }],
    [1, 1, 'down', '', { text: '=', tone: 'neutral' }],
    [4, null, 'down', '', null],
  ] as const)('%s after %s (better %s)', (now, before, better, unit, expected) => {
    expect(change(now, before, better, unit)).toEqual(expected);
  });

  it('compares durations in minutes and says a shorter time is better', () => {
    expect(durationChange(6 * 3_600_000, 47 * 3_600_000, 'en')).toEqual({ text: '▼ 1 day 17 hours', tone: 'good' });
    expect(durationChange(3_600_000 + 20_000, 3_600_000, 'ar')).toEqual({ text: '=', tone: 'neutral' });
    expect(durationChange(20_000, 3_000, 'ar')).toEqual({ text: '▲ 17 ثانية', tone: 'bad' });
  });
});

describe('signed report reply addresses', () => {
  const secret = 'x'.repeat(32);
  const address = reportReplyAddress('core@ufuq.test', secret, 42, 'CS.Manager@ufuq.test');

  it('names the report run and proves who it was sent to', () => {
    expect(address).toMatch(/^core\+p-42-[0-9a-f]{20}@ufuq\.test$/);
    const token = findReportToken('core@ufuq.test', ['someone@else.test', address.toUpperCase()]);
    expect(token?.runId).toBe(42);
    expect(verifyReportToken(secret, token!, 'cs.manager@ufuq.test')).toBe(true);
    expect(verifyReportToken(secret, token!, 'gm@ufuq.test')).toBe(false);
    expect(verifyReportToken('y'.repeat(32), token!, 'cs.manager@ufuq.test')).toBe(false);
  });

  it('is never taken for a ticket reply address, nor the other way round', () => {
    expect(findReplyToken('core@ufuq.test', [address])).toBeUndefined();
    const ticketAddress = replyAddress('core@ufuq.test', secret, 42, 'cs.manager@ufuq.test');
    expect(findReportToken('core@ufuq.test', [ticketAddress])).toBeUndefined();
    const forged = ticketAddress.replace('+r-', '+p-');
    expect(verifyReportToken(secret, findReportToken('core@ufuq.test', [forged])!, 'cs.manager@ufuq.test')).toBe(false);
  });
});

describe('#رفع / #forward', () => {
  it.each([
    ['#رفع نرجو مناقشته في الاجتماع', { name: 'forward', note: 'نرجو مناقشته في الاجتماع' }],
    ['\n\n#رفع\nالسطر الأول\nالسطر الثاني', { name: 'forward', note: 'السطر الأول\nالسطر الثاني' }],
    ['# رفع', { name: 'forward', note: '' }],
    ['#Forward please discuss', { name: 'forward', note: 'please discuss' }],
    ['#حل السبب: لا', { name: 'unknown', word: 'resolve' }],
    ['#شكر', { name: 'unknown', word: 'شكر' }],
    ['شكراً على التقرير', undefined],
    ['', undefined],
  ] as const)('%j', (text, expected) => {
    expect(parseReportCommand(text)).toEqual(expected);
  });
});

describe('the reports section of the policy', () => {
  it('gives every report a default, so a policy naming only the daily report stays valid', () => {
    const p = validatePolicy({ ...example(), reports: { daily: { time: '06:45', recipients: ['core'] } } });
    expect(reportPlan(p, 'daily').schedule).toEqual({ time: '06:45' });
    expect(reportPlan(p, 'weekly')).toEqual({ kind: 'weekly', cadence: 'week', schedule: { time: '08:00', day: 'sunday' }, recipients: ['core'] });
    expect(reportPlan(p, 'monthly').recipients).toEqual(['department_head', 'quality_assurance', 'customer_service_manager']);
    expect(reportPlan(p, 'departments')).toEqual({
      kind: 'departments', cadence: 'month', schedule: { time: '08:30', day: 1 }, recipients: ['customer_service_manager'],
    });
    expect(p.reports.departments.forward_to).toEqual(['general_manager']);
    const bare = example();
    delete bare.reports;
    expect(validatePolicy(bare).reports.daily).toEqual({ time: '07:30', recipients: ['core'] });
  });

  it.each([
    [{ departments: { every: 'week', day: 3 } }, 'reports.departments.day: with every: week, day is a weekday (sunday … saturday)'],
    [{ departments: { every: 'month', day: 'friday' } }, 'reports.departments.day: with every: month, day is a day of the month (1–28)'],
    [{ monthly: { day: 31 } }, 'reports.monthly.day: Too big: expected number to be <=28'],
    [{ weekly: { time: '8am' } }, 'reports.weekly.time: use HH:MM (24-hour clock)'],
  ])('refuses %j with the path of the bad field', (reports, problem) => {
    let error: unknown;
    try { validatePolicy({ ...example(), reports }); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(PolicyError);
    expect((error as PolicyError).problems).toEqual([problem]);
  });

  it("sends the monthly report to every department's head, each told which departments are theirs", () => {
    const p = validatePolicy(example());
    const people = reportRecipients(p, new Directory(p), ['department_head', 'quality_assurance', 'department_head']);
    expect(people.map((r) => [r.email, r.heads, r.locale])).toEqual([
      ['head.finance@ufuq.test', ['finance'], 'ar'], ['head.ops@ufuq.test', ['operations'], 'ar'], ['head.it@ufuq.test', ['it'], 'en'],
      ['head.hr@ufuq.test', ['hr'], 'ar'], ['head.cs@ufuq.test', ['customer-service'], 'ar'], ['qa@ufuq.test', [], 'ar'],
    ]);
  });
});
