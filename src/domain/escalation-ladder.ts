/**
 * The escalation ladder (policy 000: the General Manager after 24 h, then each next level). Level 1 is due at the
 * ticket's deadline, set by its priority on the calendar or business clock; each next level is due its ladder
 * `after` once the previous one fired.
 */
import { addTime, isBusinessTime, nextBusinessTime } from './business-calendar.ts';
import { businessCalendar } from './policy-calendar.ts';
import type { LadderLevel, Policy, Priority } from './policy.ts';

export interface Deadline {
  level: number;
  dueAt: Date;
}

export function ladderLevel(policy: Policy, level: number): LadderLevel | undefined {
  return level >= 1 ? policy.ladder[level - 1] : undefined;
}

export function priorityOf(policy: Policy, key: string | null | undefined): Priority {
  const found = policy.priorities.find((p) => p.key === key) ?? policy.priorities.find((p) => p.key === policy.default_priority);
  if (found === undefined) throw new Error(`policy has no priority "${key ?? ''}" and no default priority`);
  return found;
}

/** Escalations go out at breach, day or night, unless the policy keeps them to business hours. */
function atBreach(policy: Policy, due: Date): Date {
  const cal = businessCalendar(policy);
  return policy.calendar.escalate_outside_hours || isBusinessTime(cal, due) ? due : nextBusinessTime(cal, due);
}

/** The ticket's deadline: level 1 escalates then. */
export function firstDeadline(policy: Policy, priorityKey: string | null, createdAt: Date): Deadline {
  const p = priorityOf(policy, priorityKey);
  const after = p.deadline ?? ladderLevel(policy, 1)?.after ?? 0;
  return { level: 1, dueAt: atBreach(policy, addTime(businessCalendar(policy), p.clock, createdAt, after)) };
}

/** The deadline that follows reaching `level` at `at`, or none at the top of the ladder. */
export function nextDeadline(policy: Policy, priorityKey: string | null, level: number, at: Date): Deadline | undefined {
  const next = ladderLevel(policy, level + 1);
  if (next === undefined) return undefined;
  const p = priorityOf(policy, priorityKey);
  return { level: level + 1, dueAt: atBreach(policy, addTime(businessCalendar(policy), p.clock, at, next.after)) };
}
