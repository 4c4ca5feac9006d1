/**
 * The `alerts` section of the policy: who hears that mail has stopped flowing, and after how long. Every field
 * has a default, so a policy without the section alerts the Core group.
 */
import { z } from 'zod';
import { duration } from './policy-types.ts';

const MINUTE = 60_000;

/** Built with the policy's audience schema, so the two files do not import each other. */
export function alertsSchema<A extends string>(audience: z.ZodType<A>) {
  return z.object({
    recipients: z.array(audience).min(1).default(['core' as A]),
    /** The IMAP listener down, or its login refused, for longer than this. */
    imap_down_after: duration.default(5 * MINUTE),
    /** An email still retrying (its mail server unreachable or answering 4xx) this long after it was written. */
    retrying_after: duration.default(15 * MINUTE),
    /** An email that failed for good within this window keeps its incident open. */
    failed_within: duration.default(60 * MINUTE),
    /** A deadline due and not fired for longer than this (the timer engine is stuck). */
    overdue_after: duration.default(10 * MINUTE),
    /** Bounces over this share of the emails sent in the last hour, once at least `bounce_min_sent` were sent. */
    bounce_rate: z.number().min(0).max(1).default(0.2),
    bounce_min_sent: z.number().int().min(1).default(10),
    /** How often every instance looks (an incident still opens and closes once). */
    check_every: duration.default(MINUTE / 2),
  }).strict().prefault({});
}
