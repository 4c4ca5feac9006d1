/**
 * When things are due. Level 1 (policy 000: the General Manager after 24 h) is due at the ticket's deadline, set by
 * its priority on the calendar or business clock; each next level is due its ladder `after` once the previous one
 * fired. Reminders fall at percentages of the way to the deadline, inside business hours. Customer updates follow
 * the policy's cadence.
 */
import {
  addTime, fractionOf, isBusinessTime, nextBusinessTime, type BusinessCalendar,
} from './business-calendar.ts';
import { holidayDates, dayIndex } from './policy-escalation.ts';
import type { LadderLevel, Policy, Priority } from './policy.ts';

export type TimerKind = 'escalate' | 'remind' | 'customer_update' | 'resume';

export interface Timer {
  kind: TimerKind;
  ticketId: number;
  level: number;
  seq: number;
  dueAt: Date;
  data?: Record<string, unknown>;
}

export interface Deadline {
  level: number;
  dueAt: Date;
}

const calendars = new WeakMap<Policy, BusinessCalendar>();

export function businessCalendar(policy: Policy): BusinessCalendar {
  let cal = calendars.get(policy);
  if (cal === undefined) {
    const [sh = 0, sm = 0] = policy.calendar.hours.start.split(':').map(Number);
    const [eh = 0, em = 0] = policy.calendar.hours.end.split(':').map(Number);
    cal = {
      timezone: policy.timezone,
      workdays: policy.calendar.workdays.map(dayIndex),
      opensAt: sh * 60 + sm,
      closesAt: eh * 60 + em,
      holidays: holidayDates(policy.calendar.holidays),
      hijriHolidays: policy.calendar.hijri_holidays,
    };
    calendars.set(policy, cal);
  }
  return cal;
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

/** Reminders before the level-1 deadline (step 8), moved into business hours when the policy says so. */
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

/** The next update to the customer: on the business clock it lands inside business hours, on the calendar clock exactly. */
export function customerUpdateDue(policy: Policy, from: Date): Date {
  return addTime(businessCalendar(policy), policy.customer_updates.clock, from, policy.customer_updates.every);
}

export function timerJobId(t: Pick<Timer, 'kind' | 'ticketId' | 'level' | 'seq'>): string {
  return `${t.kind}-${t.ticketId}-${t.level}-${t.seq}`;
}

/** The timer a job id names (the id carries it all, so the job itself stores no data: less Redis per timer). */
export function parseTimerJobId(id: string | undefined): Pick<Timer, 'kind' | 'ticketId' | 'level' | 'seq'> | undefined {
  const m = /^(escalate|remind|customer_update|resume)-(\d+)-(\d+)-(\d+)$/.exec(id ?? '');
  if (m === null) return undefined;
  return { kind: m[1] as TimerKind, ticketId: Number(m[2]), level: Number(m[3]), seq: Number(m[4]) };
}
