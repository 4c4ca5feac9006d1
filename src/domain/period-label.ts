/**
 * How a report names its period: the Gregorian days or months and the Umm al-Qura Hijri months they span,
 * e.g. «نوفمبر 2026 (جمادى الأولى – جمادى الآخرة 1448 هـ)». Calendar dates are formatted as dates (in UTC), so
 * the label does not depend on the machine's timezone.
 */
import { addDays, type Locale } from './dates.ts';
import type { Period } from './report-period.ts';

const formatters = new Map<string, Intl.DateTimeFormat>();

function fmt(locale: Locale, calendar: 'gregory' | 'islamic-umalqura', options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const tag = locale === 'ar' ? `ar-SA-u-ca-${calendar}-nu-latn` : `en-GB-u-ca-${calendar}`;
  const key = `${tag}|${JSON.stringify(options)}`;
  let f = formatters.get(key);
  if (f === undefined) {
    f = new Intl.DateTimeFormat(tag, { timeZone: 'UTC', ...options });
    formatters.set(key, f);
  }
  return f;
}

const noon = (date: string): Date => new Date(`${date}T12:00:00Z`);
const DASH = ' – ';

interface MonthYear { month: string; year: string; era: string }

function monthYear(date: string, locale: Locale, calendar: 'gregory' | 'islamic-umalqura'): MonthYear {
  const parts = fmt(locale, calendar, { month: 'long', year: 'numeric' }).formatToParts(noon(date));
  const get = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
  return { month: get('month'), year: get('year'), era: get('era') };
}

/** "A – B 1448 هـ" when both are in one year, "A 1447 – B 1448 هـ" otherwise. */
function span(first: MonthYear, last: MonthYear): string {
  const era = first.era === '' ? '' : ` ${first.era}`;
  if (first.month === last.month && first.year === last.year) return `${first.month} ${first.year}${era}`;
  if (first.year === last.year) return `${first.month}${DASH}${last.month} ${last.year}${era}`;
  return `${first.month} ${first.year}${DASH}${last.month} ${last.year}${era}`;
}

/** The Hijri months that the days of a period fall in, e.g. «جمادى الأولى – جمادى الآخرة 1448 هـ». */
export function hijriSpan(p: Period, locale: Locale): string {
  return span(monthYear(p.start, locale, 'islamic-umalqura'), monthYear(addDays(p.end, -1), locale, 'islamic-umalqura'));
}

function dayText(date: string, locale: Locale, withYear: boolean): string {
  return fmt(locale, 'gregory', { weekday: 'long', day: 'numeric', month: 'long', ...(withYear ? { year: 'numeric' } : {}) }).format(noon(date));
}

function hijriDay(date: string, locale: Locale): string {
  return fmt(locale, 'islamic-umalqura', { day: 'numeric', month: 'long', year: 'numeric' }).format(noon(date));
}

export interface PeriodLabel {
  /** The Gregorian part: a day, "from … to …", or the month(s). */
  gregorian: string;
  /** The Hijri part: the Hijri date(s) or months. */
  hijri: string;
  /** Both, as one line. */
  text: string;
}

export function periodLabel(p: Period, locale: Locale): PeriodLabel {
  const last = addDays(p.end, -1);
  let gregorian: string;
  let hijri: string;
  if (p.cadence === 'day') {
    gregorian = dayText(p.start, locale, true);
    hijri = hijriDay(p.start, locale);
  } else if (p.cadence === 'week') {
    gregorian = locale === 'ar'
      ? `من ${dayText(p.start, locale, false)} إلى ${dayText(last, locale, true)}`
      : `${dayText(p.start, locale, false)} to ${dayText(last, locale, true)}`;
    hijri = `${hijriDay(p.start, locale)}${DASH}${hijriDay(last, locale)}`;
  } else {
    gregorian = span(monthYear(p.start, locale, 'gregory'), monthYear(last, locale, 'gregory'));
    hijri = hijriSpan(p, locale);
  }
  return { gregorian, hijri, text: `${gregorian} (${hijri})` };
}

/** A short name for one unit of a trend chart: "15 نوفمبر" for a week, "نوفمبر 2026" for a month. */
export function shortLabel(p: Period, locale: Locale): string {
  if (p.cadence === 'month') return span(monthYear(p.start, locale, 'gregory'), monthYear(addDays(p.end, -1), locale, 'gregory'));
  return fmt(locale, 'gregory', { day: 'numeric', month: 'short' }).format(noon(p.start));
}
