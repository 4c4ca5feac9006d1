/** Building blocks of the policy schema, shared by its sections. */
import { z } from 'zod';
import { parseDuration } from './duration.ts';

export const email = z.email().transform((s) => s.toLowerCase());
export const localized = z.object({ ar: z.string().min(1), en: z.string().min(1) }).strict();
export const duration = z.string().transform((s, ctx) => {
  const ms = parseDuration(s);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `"${s}" is not a duration (use e.g. 24h, 90m, 30s, 2d)` });
    return z.NEVER;
  }
  return ms;
});
export const localTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'use HH:MM (24-hour clock)');

export const ROLE_NAMES = ['general_manager', 'customer_service_manager', 'quality_assurance'] as const;
export type RoleName = (typeof ROLE_NAMES)[number];
/** Who can be named in a ladder level, reminder or report: a role, the department head, the ticket's owner, or the hidden Core group. */
export const audience = z.enum(['general_manager', 'customer_service_manager', 'quality_assurance', 'department_head', 'owner', 'core']);
export type Audience = z.infer<typeof audience>;

export const COMMANDS = [
  'resolve', 'note', 'route', 'priority', 'assign', 'plan', 'deadline', 'escalate', 'policy', 'contact', 'customer',
  'hold', 'resume',
] as const;
export type CommandName = (typeof COMMANDS)[number];
/** Senders allowed to use a command: the department head, the owner, a role, or the Core group. */
export const actor = z.enum(['department_head', 'owner', 'general_manager', 'customer_service_manager', 'quality_assurance', 'core']);
export type Actor = z.infer<typeof actor>;

