/**
 * The `inbound` section of the policy: how tasaeed treats mail that comes back to it. Every field has a default,
 * so a policy file without the section stays valid.
 */
import { z } from 'zod';
import { parseDuration } from './duration.ts';

const duration = (fallback: string) => z.string().default(fallback).transform((s, ctx) => {
  const ms = parseDuration(s);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `"${s}" is not a duration (use e.g. 7d, 10m)` });
    return z.NEVER;
  }
  return ms;
});

export const inboundPolicySchema = z.object({
  /** A reply to a resolved ticket within this window reopens it; later, it opens a new ticket linked to it. */
  reopen_within: duration('7d'),
  /**
   * At most `max` messages from one sender per `per` that would open a ticket (replies into a ticket do not
   * count); the excess is recorded as a loop and never answered, so a storm with an auto-responder stops itself.
   */
  rate_limit: z.object({
    max: z.number().int().min(1).default(30),
    per: duration('10m'),
  }).strict().prefault({}),
}).strict().prefault({});

export type InboundPolicy = z.output<typeof inboundPolicySchema>;
