/**
 * Reminders (escalation policy, step 8): the owner, or the head when there is none, is reminded at percentages of the
 * way to the level-1 deadline (`reminders.at_percent`), moved into business hours when the policy says so.
 */
import { fractionOf, nextBusinessTime } from './business-calendar.ts';
import { priorityOf } from './escalation-ladder.ts';
import { businessCalendar } from './policy-calendar.ts';
import type { Policy } from './policy.ts';

export function reminderTimes(policy: Policy, priorityKey: string | null, start: Date, due: Date): { percent: number; at: Date }[] {
  const cal = businessCalendar(policy);
  const p = priorityOf(policy, priorityKey);
  const out: { percent: number; at: Date }[] = [];
  for (const percent of [...policy.reminders.at_percent].sort((a, b) => a - b)) {
    let at = percent >= 100 ? due : fractionOf(cal, p.clock, start, due, percent / 100);
    if (policy.reminders.business_hours_only) at = nextBusinessTime(cal, at);
    if (percent < 100 && at >= due) continue; // a reminder that would land after the deadline says nothing new
    out.push({ percent, at });
  }
  return out;
}
