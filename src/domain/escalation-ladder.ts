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

/** What picks a ticket's ladder: its priority, then its department. */
export interface LadderScope {
  priority: string | null;
  departmentKey: string | null;
}

export interface Ladder {
  /** Which ladder applied ('priority:critical', 'department:legal', 'default'), recorded on the ticket's escalations. */
  source: string;
  levels: readonly LadderLevel[];
}

/** A priority's own ladder comes first (critical: 2h → GM, 4h → the CEO), then the department's, then the default. */
export function ladderOf(policy: Policy, t: LadderScope): Ladder {
  const p = priorityOf(policy, t.priority);
  if (p.ladder !== undefined) return { source: `priority:${p.key}`, levels: p.ladder };
  const d = policy.departments.find((x) => x.key === t.departmentKey);
  if (d?.ladder !== undefined) return { source: `department:${d.key}`, levels: d.ladder };
  return { source: 'default', levels: policy.ladder };
}

export function ladderLevel(policy: Policy, level: number, t: LadderScope): LadderLevel | undefined {
  return level >= 1 ? ladderOf(policy, t).levels[level - 1] : undefined;
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
export function firstDeadline(policy: Policy, t: LadderScope, createdAt: Date): Deadline {
  const p = priorityOf(policy, t.priority);
  const after = p.deadline ?? ladderLevel(policy, 1, t)?.after ?? 0;
  return { level: 1, dueAt: atBreach(policy, addTime(businessCalendar(policy), p.clock, createdAt, after)) };
}

/** The deadline that follows reaching `level` at `at`, or none at the top of the ladder. */
export function nextDeadline(policy: Policy, t: LadderScope, level: number, at: Date): Deadline | undefined {
  const next = ladderLevel(policy, level + 1, t);
  if (next === undefined) return undefined;
  const p = priorityOf(policy, t.priority);
  return { level: level + 1, dueAt: atBreach(policy, addTime(businessCalendar(policy), p.clock, at, next.after)) };
}
