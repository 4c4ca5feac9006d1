/**
 * #انتظار / #hold and #استئناف / #resume (escalation policy, steps 5, 7, 8). Holding voids the pending escalation and
 * its reminders and keeps the time that was left; resuming (by command, at `until`, or at `hold.max`) plans the
 * escalation again with that time, so the timers really move.
 */
import { addEvent, updateTicket, type Tx } from '../adapters/ticket-store.ts';
import { addTimers, nextSeq, pendingEscalation, voidTimers } from '../adapters/timer-store.ts';
import type { ParsedCommand } from '../domain/commands.ts';
import { priorityOf } from '../domain/escalation-ladder.ts';
import { dayHours } from '../domain/business-calendar.ts';
import { businessCalendar } from '../domain/policy-calendar.ts';
import type { Timer } from '../domain/timer.ts';
import { holdEnds, parseHold, resumedDeadline, timeLeft } from '../domain/hold.ts';
import type { Ticket } from '../domain/ticket.ts';
import { refuseWith, type CommandContext, type HandlerOutcome } from './command-context.ts';
import type { AppDeps } from './deps.ts';
import { dateText } from './notify.ts';
import { planEscalation } from './ticket-timers.ts';

type Generic = Extract<ParsedCommand, { arg: string }>;

const HOLD_EXAMPLE = {
  ar: '#انتظار بانتظار رد العميل بالمستندات حتى 2026-12-10\n#انتظار بانتظار المورد حتى 3 أيام',
  en: '#hold waiting for the customer\'s documents until 2026-12-10\n#hold waiting for the supplier until 3d',
};

export async function hold(c: CommandContext, cmd: Generic): Promise<HandlerOutcome> {
  const { tx, deps, ticket, sender } = c;
  if (ticket.status === 'on_hold') {
    return refuseWith('التذكرة في الانتظار مسبقاً. استخدموا #استئناف لاستئنافها.', 'the ticket is already on hold. Use #resume to resume it.');
  }
  const now = deps.clock.now();
  const cal = businessCalendar(deps.policy);
  const request = parseHold(cmd.arg, now, deps.policy.timezone, (date) => dayHours(cal, date).closesAt);
  if (request === undefined) {
    return refuseWith('لم نفهم موعد انتهاء الانتظار بعد «حتى». اكتبوا تاريخاً قادماً أو مدة.', 'the time after "until" is not a future date or a duration we understand.', HOLD_EXAMPLE);
  }
  if (request.reason === '') {
    return refuseWith('اكتبوا سبب الانتظار بعد الأمر: على من تنتظر التذكرة؟', 'write why the ticket waits after the command: who is it waiting on?', HOLD_EXAMPLE);
  }
  const due = await pendingEscalation(tx, ticket.id);
  const remaining = due === undefined ? null : timeLeft(cal, priorityOf(deps.policy, ticket.priority).clock, now, due.due_at);
  await voidTimers(tx, ticket.id, now, ['escalate', 'remind', 'resume']);
  const endsAt = holdEnds(now, deps.policy.hold.max, request.until);
  await updateTicket(tx, ticket.id, {
    status: 'on_hold', hold_since: now, hold_reason: request.reason, hold_until: request.until ?? null, hold_remaining_ms: remaining, updated_at: now,
  });
  const timers: Timer[] = [{ kind: 'resume', ticketId: ticket.id, level: 0, seq: await nextSeq(tx, ticket.id, 'resume', 0), dueAt: endsAt }];
  await addTimers(tx, timers);
  await addEvent(tx, {
    ticketId: ticket.id, kind: 'held', actor: sender, inboundId: c.inboundId, at: now,
    data: { reason: request.reason, until: endsAt.toISOString(), untilText: dateText(deps, endsAt, 'ar'), remainingMs: remaining },
  });
  return { effects: { outboxIds: [], timers }, reason: `on hold until ${endsAt.toISOString()}` };
}

/** Ends a hold: the ticket goes back to work with the time that was left. `by` is null when a timer ended it. */
export async function resumeTicket(tx: Tx, deps: AppDeps, ticket: Ticket, by: string | null, inboundId: number | null = null): Promise<Timer[]> {
  const now = deps.clock.now();
  const h = ticket.hold;
  const heldFor = h === null ? 0 : Math.max(0, now.getTime() - h.since.getTime());
  await voidTimers(tx, ticket.id, now, ['resume']);
  await updateTicket(tx, ticket.id, {
    status: ticket.departmentKey === null ? 'triage' : 'open', hold_since: null, hold_reason: null, hold_until: null,
    hold_remaining_ms: null, held_ms: ticket.heldMs + heldFor, updated_at: now,
  });
  const resumed: Ticket = { ...ticket, status: ticket.departmentKey === null ? 'triage' : 'open', hold: null, heldMs: ticket.heldMs + heldFor };
  const timers = h?.remainingMs === null || h === null ? [] : await planEscalation(tx, deps, resumed, ticket.level + 1, now,
    resumedDeadline(businessCalendar(deps.policy), priorityOf(deps.policy, ticket.priority).clock, now, h.remainingMs));
  await addEvent(tx, {
    ticketId: ticket.id, kind: 'resumed', actor: by, inboundId, at: now,
    data: { heldMs: heldFor, dueAt: timers[0]?.dueAt.toISOString() ?? null, dueAtText: timers[0] === undefined ? null : dateText(deps, timers[0].dueAt, 'ar') },
  });
  return timers;
}

export async function resume(c: CommandContext): Promise<HandlerOutcome> {
  if (c.ticket.status !== 'on_hold') {
    return refuseWith('التذكرة ليست في الانتظار.', 'the ticket is not on hold.');
  }
  const timers = await resumeTicket(c.tx, c.deps, c.ticket, c.sender, c.inboundId);
  return { effects: { outboxIds: [], timers }, reason: 'resumed' };
}
