/**
 * The escalation sections of the policy (customer escalation policy, steps 2, 7, 8, 10, 12): priorities and their
 * deadlines, the business calendar, reminders, customer updates and the policy's own review. Every section has
 * defaults, so a policy that names none of them still works (24 h on the calendar clock → the ladder).
 */
import { z } from 'zod';
import { ladderSchema } from './ladder-policy.ts';
import { duration, email, localized, localTime } from './policy-types.ts';

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const clock = z.enum(['calendar', 'business']);

const priority = z.object({
  key: z.string().regex(/^[a-z][a-z0-9-]*$/, 'use lowercase letters, digits and dashes'),
  name: localized,
  /** Time to the level-1 escalation; without it the first ladder level's `after` applies. */
  deadline: duration.optional(),
  clock: clock.default('calendar'),
  /** Words in the subject or text that set this priority when a ticket is opened. */
  keywords: z.array(z.string().min(2)).default([]),
  /** Its own escalation ladder (e.g. critical: 2h → General Manager, 4h → the CEO). */
  ladder: ladderSchema.optional(),
}).strict();

const holiday = z.union([
  z.iso.date(),
  z.object({ from: z.iso.date(), to: z.iso.date(), name: localized.optional() }).strict(),
]);

export const escalationRules = {
  priorities: z.array(priority).min(1).default([
    { key: 'normal', name: { ar: 'عادية', en: 'Normal' }, clock: 'calendar', keywords: [] },
  ]),
  default_priority: z.string().default('normal'),
  deadline_bounds: z.object({ min: duration.default(30 * 60_000), max: duration.default(30 * 86_400_000) }).strict().prefault({}),
  calendar: z.object({
    workdays: z.array(z.enum(DAYS)).min(1).default(['sun', 'mon', 'tue', 'wed', 'thu']),
    hours: z.object({ start: localTime.default('08:00'), end: localTime.default('16:00') }).strict().prefault({}),
    holidays: z.array(holiday).default([]),
    /** Holidays that recur every Hijri year (Eid al-Fitr, Eid al-Adha), Umm al-Qura calendar. */
    hijri_holidays: z.array(z.object({
      month: z.number().int().min(1).max(12), day: z.number().int().min(1).max(30),
      days: z.number().int().min(1).max(30).default(1), name: localized.optional(),
    }).strict()).default([]),
    /** Escalations at breach go out at night and at weekends unless this is false. */
    escalate_outside_hours: z.boolean().default(true),
  }).strict().prefault({}),
  reminders: z.object({
    /** Percent of the time to the deadline at which the owner is reminded (100 = at breach). */
    at_percent: z.array(z.number().gt(0).max(100)).default([50, 80, 100]),
    business_hours_only: z.boolean().default(true),
  }).strict().prefault({}),
  customer_updates: z.object({
    every: duration.default(86_400_000),
    clock: clock.default('business'),
    enabled: z.boolean().default(true),
  }).strict().prefault({}),
  review: z.object({
    owner: email.optional(),
    every: z.enum(['monthly', 'quarterly', 'yearly']).default('quarterly'),
    time: localTime.default('09:00'),
  }).strict().prefault({}),
  /** Where the written standards live, sent with `#السياسة` (policy 000, item 8). */
  standards_url: z.url().optional(),
};

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
