/**
 * The escalation ladder from the policy: level 1 is due `ladder[0].after` after the ticket was created
 * (24 h → General Manager in policy 000); each next level is due its own `after` once the previous one fired.
 */
import type { LadderLevel, Policy } from './policy.ts';

export interface Deadline {
  level: number;
  dueAt: Date;
}

export function ladderLevel(policy: Policy, level: number): LadderLevel | undefined {
  return level >= 1 ? policy.ladder[level - 1] : undefined;
}

export function firstDeadline(policy: Policy, createdAt: Date): Deadline {
  return nextDeadline(policy, 0, createdAt) ?? { level: 1, dueAt: createdAt };
}

/** The deadline that follows reaching `level` at `at`, or none at the top of the ladder. */
export function nextDeadline(policy: Policy, level: number, at: Date): Deadline | undefined {
  const next = ladderLevel(policy, level + 1);
  return next === undefined ? undefined : { level: level + 1, dueAt: new Date(at.getTime() + next.after) };
}

/** One job per deadline row state: a deadline re-armed with a new time (a reopened ticket) gets a new job. */
export function escalationJobId(ticketId: number, level: number, dueAt: Date): string {
  return `escalate-${ticketId}-${level}-${dueAt.getTime()}`;
}
