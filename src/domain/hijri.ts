/**
 * Hijri (Umm al-Qura) dates of Gregorian dates, and the days a Hijri occasion covers in a given year: the computed
 * Umm al-Qura date, or the dates the authorities announced after the moon was sighted, which then replace it.
 */
import { addDays } from './dates.ts';

export interface HijriDate { year: number; month: number; day: number }

/** Dates announced for one Hijri year (moon sighting), inclusive. */
export interface AnnouncedDates { year: number; from: string; to: string }

const hijriFormat = new Intl.DateTimeFormat('en-u-ca-islamic-umalqura-nu-latn', {
  timeZone: 'UTC', year: 'numeric', month: 'numeric', day: 'numeric',
});
const cache = new Map<string, HijriDate>();

/** The Umm al-Qura date of a Gregorian date (YYYY-MM-DD). */
export function hijriDate(date: string): HijriDate {
  let h = cache.get(date);
  if (h === undefined) {
    const parts = hijriFormat.formatToParts(new Date(`${date}T12:00:00Z`));
    const get = (type: string): number => Number.parseInt(parts.find((p) => p.type === type)?.value ?? '', 10);
    h = { year: get('year'), month: get('month'), day: get('day') };
    if (cache.size > 20_000) cache.clear();
    cache.set(date, h);
  }
  return h;
}

/** A recurring Hijri occasion: from month/day for `days` days (a holiday), with announced dates for some years. */
export interface HijriOccasion {
  month: number;
  day: number;
  days: number;
  announced?: readonly AnnouncedDates[] | undefined;
}

/**
 * Whether a Gregorian date falls on the occasion. A year with announced dates uses those dates only; other years use
 * the computed Umm al-Qura dates (the Hijri year is the one of the occasion's first day).
 */
export function onHijriOccasion(o: HijriOccasion, date: string): boolean {
  const announced = o.announced ?? [];
  if (announced.some((a) => date >= a.from && date <= a.to)) return true;
  for (let k = 0; k < o.days; k += 1) {
    const first = hijriDate(addDays(date, -k));
    if (first.month === o.month && first.day === o.day) return !announced.some((a) => a.year === first.year);
  }
  return false;
}

/** Whether Hijri day `month/day` of `year` falls within `slack` days of a Gregorian date (to catch a wrong year). */
export function nearHijriDay(date: string, year: number, month: number, day: number, slack = 3): boolean {
  for (let k = -slack; k <= slack; k += 1) {
    const h = hijriDate(addDays(date, k));
    if (h.year === year && h.month === month && h.day === day) return true;
  }
  return false;
}

/** Whether a Gregorian date falls in a Hijri month (Ramadan: 9), or in the dates announced for it that year. */
export function inHijriMonth(month: number, announced: readonly AnnouncedDates[], date: string): boolean {
  if (announced.some((a) => date >= a.from && date <= a.to)) return true;
  const h = hijriDate(date);
  return h.month === month && !announced.some((a) => a.year === h.year);
}
