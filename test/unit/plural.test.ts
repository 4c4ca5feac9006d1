import { describe, expect, it } from 'vitest';
import { durationText } from '../../src/domain/labels.ts';
import { countText } from '../../src/domain/plural.ts';
import { hours, durationOrNone } from '../../src/app/report-view.ts';

describe('Arabic plural forms (Intl.PluralRules ar)', () => {
  it.each([
    [0, 'minute', '0 دقيقة'], [1, 'minute', 'دقيقة واحدة'], [2, 'minute', 'دقيقتان'], [3, 'minute', '3 دقائق'],
    [10, 'minute', '10 دقائق'], [11, 'minute', '11 دقيقة'], [99, 'minute', '99 دقيقة'], [100, 'minute', '100 دقيقة'],
    [103, 'minute', '103 دقائق'], [111, 'minute', '111 دقيقة'],
    [1, 'day', 'يوم واحد'], [2, 'day', 'يومان'], [3, 'day', '3 أيام'], [11, 'day', '11 يومًا'], [100, 'day', '100 يوم'],
    [1, 'hour', 'ساعة واحدة'], [2, 'hour', 'ساعتان'], [5, 'hour', '5 ساعات'], [23, 'hour', '23 ساعة'],
    [2, 'second', 'ثانيتان'], [7, 'second', '7 ثوانٍ'], [22, 'second', '22 ثانية'],
    [1, 'ticket', 'تذكرة واحدة'], [2, 'ticket', 'تذكرتان'], [4, 'ticket', '4 تذاكر'], [12, 'ticket', '12 تذكرة'],
    [3, 'reminder', '3 تذكيرات'], [15, 'reminder', '15 تذكيرًا'],
  ] as const)('%d %s → %s', (n, noun, text) => {
    expect(countText(n, noun, 'ar')).toBe(text);
  });
  it.each([[1, 'ticket', '1 ticket'], [2, 'ticket', '2 tickets'], [0, 'day', '0 days']] as const)('en %d %s', (n, noun, text) => {
    expect(countText(n, noun, 'en')).toBe(text);
  });
});

describe('durations in words', () => {
  it.each([
    [60_000, 'ar', 'دقيقة واحدة'], [2 * 60_000, 'ar', 'دقيقتان'], [3 * 60_000, 'ar', '3 دقائق'], [11 * 60_000, 'ar', '11 دقيقة'],
    [100 * 60_000, 'ar', 'ساعة واحدة و40 دقيقة'], [2 * 86_400_000 + 3 * 3_600_000, 'ar', 'يومان و3 ساعات'],
    [24 * 3_600_000, 'ar', 'يوم واحد'], [23 * 3_600_000, 'ar', '23 ساعة'],
    // Defect 1: seconds are never rounded away.
    [2_000, 'ar', 'ثانيتان'], [22_000, 'ar', '22 ثانية'], [22_400, 'en', '22 seconds'], [200, 'ar', 'أقل من ثانية'],
    [0, 'ar', '0 ثانية'], [0, 'en', '0 seconds'],
  ] as const)('%d ms (%s) → %s', (ms, locale, text) => {
    expect(durationText(ms, locale)).toBe(text);
  });

  // Defect 1: the weekly/monthly median and p90 of tickets resolved in seconds.
  it.each([[2_300, 'ثانيتان'], [21_700, '22 ثانية'], [95_000, 'دقيقة واحدة و35 ثانية'], [null, '—']] as const)(
    'report duration %s → %s', (ms, text) => { expect(durationOrNone(ms, 'ar')).toBe(text); });
  it('keeps seconds in the CSV hours columns', () => {
    expect(hours(22_000)).toBe(0.0061);
    expect(hours(2_000)).toBe(0.0006);
    expect(hours(5_400_000)).toBe(1.5);
  });
});
