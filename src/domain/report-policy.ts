/**
 * The `reports` section of the policy: who receives each report and when it goes out (policy 000, items 6, 10, 11
 * and the role of management). Every field has a default, so a policy that only names the daily report stays valid.
 */
import { z } from 'zod';

export const localTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'use HH:MM (24-hour clock)');

export const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
const weekday = z.enum(WEEKDAYS);
/** A day of the month that every month has. */
const monthDay = z.number().int().min(1).max(28);

/** Built with the policy's audience schema, so the two files do not import each other. */
export function reportsSchema<A extends string>(audience: z.ZodType<A>) {
  const recipients = (fallback: A[]) => z.array(audience).min(1).default(fallback);
  return z.object({
    daily: z.object({
      time: localTime.default('07:30'),
      recipients: recipients(['core' as A]),
    }).strict().prefault({}),
    weekly: z.object({
      day: weekday.default('sunday'),
      time: localTime.default('08:00'),
      recipients: recipients(['core' as A]),
    }).strict().prefault({}),
    monthly: z.object({
      day: monthDay.default(1),
      time: localTime.default('08:00'),
      recipients: recipients(['department_head', 'quality_assurance', 'customer_service_manager'] as A[]),
    }).strict().prefault({}),
    departments: z.object({
      every: z.enum(['week', 'month']).default('month'),
      /** A weekday when `every: week`, a day of the month (1–28) when `every: month`. */
      day: z.union([weekday, monthDay]).optional(),
      time: localTime.default('08:30'),
      recipients: recipients(['customer_service_manager'] as A[]),
      /** Who receives the report when a recipient replies #رفع / #forward. */
      forward_to: recipients(['general_manager'] as A[]),
    }).strict().prefault({}).superRefine((d, ctx) => {
      if (d.day === undefined) return;
      if (d.every === 'week' && typeof d.day !== 'string') {
        ctx.addIssue({ code: 'custom', path: ['day'], message: 'with every: week, day is a weekday (sunday … saturday)' });
      }
      if (d.every === 'month' && typeof d.day !== 'number') {
        ctx.addIssue({ code: 'custom', path: ['day'], message: 'with every: month, day is a day of the month (1–28)' });
      }
    }).transform((d) => ({ ...d, day: d.day ?? (d.every === 'week' ? 'sunday' : 1) })),
  }).strict().prefault({});
}
