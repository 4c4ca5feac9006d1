/** The `hold:` section of the policy: how long a ticket may stay on hold before it resumes by itself. */
import { z } from 'zod';
import { duration } from './policy-types.ts';

export const holdPolicySchema = z.object({
  /** A hold without `until` (or with a later one) resumes after this long. */
  max: duration.default(5 * 86_400_000),
}).strict().prefault({});
