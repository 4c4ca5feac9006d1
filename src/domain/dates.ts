/** Dates as people in the organisation read them: Gregorian and Hijri (Umm al-Qura), in the policy's timezone. */
export type Locale = 'ar' | 'en';

// Keyed by the options object itself (always one of the constants below): a formatter is costly to create, and
// building a string key per call showed up when thousands of emails are prepared at once.
const formatters = new WeakMap<Intl.DateTimeFormatOptions, Map<string, Intl.DateTimeFormat>>();

function formatter(locale: string, timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  let byLocale = formatters.get(options);
  if (byLocale === undefined) {
    byLocale = new Map();
    formatters.set(options, byLocale);
  }
  const key = `${locale}|${timeZone}`;
  let f = byLocale.get(key);
  if (f === undefined) {
    f = new Intl.DateTimeFormat(locale, { timeZone, ...options });
    byLocale.set(key, f);
  }
  return f;
}

const DATE_TIME: Intl.DateTimeFormatOptions = {
  year: 'numeric', month: 'long', day: 'numeric', weekday: 'long', hour: '2-digit', minute: '2-digit',
};
const HIJRI_DATE: Intl.DateTimeFormatOptions = { year: 'numeric', month: 'long', day: 'numeric' };

export interface DualDate {
  gregorian: string;
  hijri: string;
  /** Both, as one line for emails. */
  text: string;
}

// A batch of emails shows the same few instants over and over (now, the deadline, the ticket's creation).
const recent = new Map<string, DualDate>();

export function dualDate(d: Date, locale: Locale, timeZone: string): DualDate {
  const key = `${d.getTime()}|${locale}|${timeZone}`;
  const known = recent.get(key);
  if (known !== undefined) return known;
  const lang = locale === 'ar' ? 'ar-SA-u-ca-gregory-nu-latn' : 'en-GB-u-ca-gregory';
  const hijriLang = locale === 'ar' ? 'ar-SA-u-ca-islamic-umalqura-nu-latn' : 'en-GB-u-ca-islamic-umalqura';
  const gregorian = formatter(lang, timeZone, DATE_TIME).format(d);
  const hijri = formatter(hijriLang, timeZone, HIJRI_DATE).format(d);
  const dual = Object.freeze({ gregorian, hijri, text: `${gregorian} (${hijri})` });
  if (recent.size >= 2000) recent.clear();
  recent.set(key, dual);
  return dual;
}

/** The calendar date (YYYY-MM-DD) of an instant in a timezone. */
const ISO_DATE: Intl.DateTimeFormatOptions = { year: 'numeric', month: '2-digit', day: '2-digit' };
const PARTS: Intl.DateTimeFormatOptions = {
  year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric', hourCycle: 'h23',
};

export function localDate(d: Date, timeZone: string): string {
  return formatter('en-CA', timeZone, ISO_DATE).format(d);
}

/** The UTC offset of a timezone at an instant, in minutes (Asia/Riyadh: +180). */
export function offsetMinutes(d: Date, timeZone: string): number {
  const parts = formatter('en-US', timeZone, PARTS).formatToParts(d);
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - Math.floor(d.getTime() / 1000) * 1000) / 60_000);
}

/**
 * The instant of a local wall-clock time (minutes after local midnight of YYYY-MM-DD) in a timezone. The offset is
 * the one in force at that wall time, not at midnight, so a daylight-saving change earlier that day is counted
 * (Europe/London 08:30 on 2026-03-29 is 07:30 UTC). A wall time that a spring-forward skips lands an hour later.
 */
export function localInstant(date: string, minutes: number, timeZone: string): Date {
  const wall = new Date(`${date}T00:00:00Z`).getTime() + minutes * 60_000;
  let t = wall - offsetMinutes(new Date(wall), timeZone) * 60_000;
  for (let i = 0; i < 2; i += 1) {
    const next = wall - offsetMinutes(new Date(t), timeZone) * 60_000;
    if (next === t) break;
    t = next;
  }
  return new Date(t);
}

/** The instant at which a local date (YYYY-MM-DD) starts in a timezone. */
export function startOfLocalDay(date: string, timeZone: string): Date {
  return localInstant(date, 0, timeZone);
}

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
