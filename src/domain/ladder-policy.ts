/**
 * A ladder level in the policy: after how long, who is notified — roles of the policy (general_manager, core …) or
 * people listed under `people` by email — and an optional name. The default ladder is `ladder:`; a priority or a
 * department may carry its own (`priorities[].ladder`, `departments[].ladder`).
 */
import { z } from 'zod';
import { audience, duration, email, localized } from './policy-types.ts';

export const ladderLevelSchema = z.object({
  after: duration,
  notify: z.array(z.union([audience, email])).min(1),
  name: localized.optional(),
}).strict();

export const ladderSchema = z.array(ladderLevelSchema).min(1);

export type LadderLevelPolicy = z.output<typeof ladderLevelSchema>;
