/**
 * The `calendar:` section of the policy: working days and hours, holidays (dates, ranges, recurring Hijri dates with
 * the dates announced for a year after the moon was sighted) and periods of other working hours (a date range, or a
 * Hijri month such as Ramadan). Each check names the field it is about.
 */
import { z } from 'zod';
import { addDays } from './dates.ts';
import { nearHijriDay } from './hijri.ts';
import { localized, localTime } from './policy-types.ts';

export const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const HIJRI_MONTHS = 'a Hijri month 1–12 (9 = Ramadan)';

const holiday = z.union([
  z.iso.date(),
  z.object({ from: z.iso.date(), to: z.iso.date(), name: localized.optional() }).strict(),
]);

const hours = z.object({ start: localTime, end: localTime }).strict()
  .refine((h) => h.end > h.start, { path: ['end'], message: 'must be after start' });

/** The dates announced for one Hijri year; `to` may be left out where the occasion's length is known. */
const announced = z.object({
  year: z.number().int().min(1400).max(1600),
  from: z.iso.date(),
  to: z.iso.date().optional(),
}).strict().refine((a) => a.to === undefined || a.to >= a.from, { path: ['to'], message: 'must not be before from' });

type Announced = z.output<typeof announced>;
type Ctx = z.core.$RefinementCtx;

/** Each year once, and each date near the computed day of that year (a typo in the year or the date shows). */
function checkAnnounced(list: readonly Announced[], month: number, day: number, ctx: Ctx): void {
  const years = new Set<number>();
  list.forEach((a, i) => {
    if (years.has(a.year)) ctx.addIssue({ code: 'custom', path: ['announced', i, 'year'], message: `${String(a.year)} is announced twice` });
    years.add(a.year);
    if (!nearHijriDay(a.from, a.year, month, day)) {
      ctx.addIssue({
        code: 'custom', path: ['announced', i, 'from'],
        message: `${a.from} is not within 3 days of day ${String(day)} of Hijri month ${String(month)} of ${String(a.year)} (Umm al-Qura): check the year and the date`,
      });
    }
  });
}

const hijriHoliday = z.object({
  month: z.number().int().min(1).max(12), day: z.number().int().min(1).max(30),
  days: z.number().int().min(1).max(30).default(1), name: localized.optional(),
  /** The dates announced for a year (moon sighting): they replace the computed dates of that year. */
  announced: z.array(announced).default([]),
}).strict()
  .superRefine((h, ctx) => { checkAnnounced(h.announced, h.month, h.day, ctx); })
  .transform((h) => ({ ...h, announced: h.announced.map((a) => ({ year: a.year, from: a.from, to: a.to ?? addDays(a.from, h.days - 1) })) }));

const period = z.object({
  name: localized.optional(),
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
  hijri_month: z.number().int().min(1, HIJRI_MONTHS).max(12, HIJRI_MONTHS).optional(),
  announced: z.array(announced).default([]),
  hours,
}).strict().superRefine((p, ctx) => {
  const dated = p.from !== undefined || p.to !== undefined;
  if (dated === (p.hijri_month !== undefined)) {
    ctx.addIssue({ code: 'custom', path: dated ? ['hijri_month'] : [], message: 'give either from and to (dates) or hijri_month, not both' });
  } else if (dated && (p.from === undefined || p.to === undefined)) {
    ctx.addIssue({ code: 'custom', path: [p.from === undefined ? 'from' : 'to'], message: 'a dated period needs both from and to' });
  } else if (p.from !== undefined && p.to !== undefined && p.to < p.from) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
  }
  if (p.hijri_month === undefined) {
    if (p.announced.length > 0) ctx.addIssue({ code: 'custom', path: ['announced'], message: 'only a hijri_month period has announced dates' });
    return;
  }
  p.announced.forEach((a, i) => {
    if (a.to === undefined) ctx.addIssue({ code: 'custom', path: ['announced', i, 'to'], message: 'the last day of the month as announced is needed' });
  });
  if (p.hijri_month >= 1 && p.hijri_month <= 12) checkAnnounced(p.announced, p.hijri_month, 1, ctx);
});

export const calendarSchema = z.object({
  workdays: z.array(z.enum(DAYS)).min(1).default(['sun', 'mon', 'tue', 'wed', 'thu']),
  hours: z.object({ start: localTime.default('08:00'), end: localTime.default('16:00') }).strict().prefault({}),
  holidays: z.array(holiday).default([]),
  /** Holidays that recur every Hijri year (Eid al-Fitr, Eid al-Adha), Umm al-Qura calendar. */
  hijri_holidays: z.array(hijriHoliday).default([]),
  /** Other working hours for a date range or a Hijri month (Ramadan hours); the first that covers a day applies. */
  periods: z.array(period).default([]),
  /** Escalations at breach go out at night and at weekends unless this is false. */
  escalate_outside_hours: z.boolean().default(true),
}).strict().prefault({});

export function dayIndex(day: (typeof DAYS)[number]): number {
  return DAYS.indexOf(day);
}

/** Expands holiday entries to the set of local dates they cover. */
export function holidayDates(list: readonly z.output<typeof holiday>[]): Set<string> {
  const out = new Set<string>();
  for (const h of list) {
    if (typeof h === 'string') { out.add(h); continue; }
    for (let d = new Date(`${h.from}T00:00:00Z`); d <= new Date(`${h.to}T00:00:00Z`); d.setUTCDate(d.getUTCDate() + 1)) {
      out.add(d.toISOString().slice(0, 10));
    }
  }
  return out;
}

/** Minutes after midnight of HH:MM. */
export function minutesOf(time: string): number {
  const [h = 0, m = 0] = time.split(':').map(Number);
  return h * 60 + m;
}
