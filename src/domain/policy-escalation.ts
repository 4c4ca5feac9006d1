/**
 * The escalation sections of the policy (customer escalation policy, steps 2, 7, 8, 10, 12): priorities and their
 * deadlines, the business calendar, reminders, customer updates and the policy's own review. Every section has
 * defaults, so a policy that names none of them still works (24 h on the calendar clock → the ladder).
 */
import { z } from 'zod';
import { calendarSchema } from './calendar-policy.ts';
import { ladderSchema } from './ladder-policy.ts';
import { duration, email, localized, localTime } from './policy-types.ts';

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

export const escalationRules = {
  priorities: z.array(priority).min(1).default([
    { key: 'normal', name: { ar: 'عادية', en: 'Normal' }, clock: 'calendar', keywords: [] },
  ]),
  default_priority: z.string().default('normal'),
  deadline_bounds: z.object({ min: duration.default(30 * 60_000), max: duration.default(30 * 86_400_000) }).strict().prefault({}),
  calendar: calendarSchema,
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
