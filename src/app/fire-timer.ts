/**
 * A timer fired (escalation, reminder, customer update). The row is the truth: the handler reloads it and the
 * ticket, and does nothing if the row is settled, the ticket resolved, or the step already passed.
 */
import { addEvent, latestWork, loadTicket, type Tx } from '../adapters/ticket-store.ts';
import { claimTimer, settleTimer, type TimerRow } from '../adapters/timer-store.ts';
import { ladderLevel } from '../domain/escalation-ladder.ts';
import type { Timer } from '../domain/timer.ts';
import { durationText } from '../domain/labels.ts';
import type { Ticket } from '../domain/ticket.ts';
import type { AppDeps } from './deps.ts';
import { noEffects, type Effects } from './effects.ts';
import { escalateTicket } from './escalate-ticket.ts';
import { dateText, notify } from './notify.ts';
import { planCustomerUpdate } from './ticket-timers.ts';
import { resumeTicket } from './hold-commands.ts';

export type FireResult = 'escalated' | 'reminded' | 'updated' | 'resumed' | 'not_due' | 'settled' | 'void';

async function remind(tx: Tx, deps: AppDeps, ticket: Ticket, row: TimerRow): Promise<Effects> {
  const now = deps.clock.now();
  const percent = Number(row.data.percent ?? 0);
  const dueAt = typeof row.data.dueAt === 'string' ? new Date(row.data.dueAt) : now;
  const recipients = deps.directory.audiences(['owner'], ticket);
  const eventId = await addEvent(tx, {
    ticketId: ticket.id, kind: 'reminder', actor: null, at: now,
    data: { percent, to: recipients.map((r) => r.email).join(', ') },
  });
  const outboxIds = await notify(tx, deps, {
    ticket, eventId, template: 'reminder', dueAt, recipients,
    extra: (locale) => ({
      percent, breached: dueAt <= now,
      left: durationText(Math.abs(dueAt.getTime() - now.getTime()), locale),
      plan: ticket.actionPlan,
    }),
  });
  return { outboxIds, timers: [] };
}

async function updateCustomer(tx: Tx, deps: AppDeps, ticket: Ticket): Promise<Effects> {
  const now = deps.clock.now();
  const customer = ticket.customerEmail ?? '';
  const eventId = await addEvent(tx, { ticketId: ticket.id, kind: 'customer_updated', actor: null, at: now, data: { to: customer } });
  const latest = await latestWork(tx, ticket.id);
  const outboxIds = await notify(tx, deps, {
    ticket, eventId, template: 'customer-update', dueAt: null,
    recipients: [{ ...deps.directory.recipient(customer), locale: deps.policy.locale }],
    extra: (locale) => ({
      plan: ticket.actionPlan, lastActivity: latest === undefined ? null : dateText(deps, latest.created_at, locale),
      escalated: ticket.level > 0, resolved: false,
    }),
  });
  return { outboxIds, timers: await planCustomerUpdate(tx, deps, ticket, now) };
}

export async function fireTimer(deps: AppDeps, t: Pick<Timer, 'kind' | 'ticketId' | 'level' | 'seq'>): Promise<{ result: FireResult; dueAt?: Date }> {
  let effects = noEffects();
  const out = await deps.db.transaction(async (tx): Promise<{ result: FireResult; dueAt?: Date }> => {
    const row = await claimTimer(tx, t);
    if (row === undefined || row.status !== 'pending') return { result: 'settled' };
    const now = deps.clock.now();
    if (row.due_at.getTime() > now.getTime()) return { result: 'not_due', dueAt: row.due_at };
    const ticket = await loadTicket(tx, t.ticketId, true);
    const stale = ticket === undefined || ticket.status === 'resolved'
      || (t.kind === 'escalate' && (ticket.level >= t.level || ladderLevel(deps.policy, t.level, ticket) === undefined))
      || (t.kind === 'remind' && (ticket.level > t.level || (ticket.level === t.level && Number(row.data.percent) < 100)))
      || (t.kind === 'customer_update' && ticket.customerEmail === null)
      || (t.kind === 'resume' && ticket.status !== 'on_hold')
      // On hold the clock stops: a reminder or escalation row that escaped the hold's voiding does nothing.
      || (ticket.status === 'on_hold' && t.kind !== 'resume' && t.kind !== 'customer_update');
    if (stale) {
      await settleTimer(tx, row.id, 'void', now);
      return { result: 'void' };
    }
    await settleTimer(tx, row.id, 'fired', now);
    switch (t.kind) {
      case 'escalate':
        effects = await escalateTicket(tx, deps, ticket, t.level, { manual: false, actor: null });
        return { result: 'escalated' };
      case 'remind':
        effects = await remind(tx, deps, ticket, row);
        return { result: 'reminded' };
      case 'customer_update':
        effects = await updateCustomer(tx, deps, ticket);
        return { result: 'updated' };
      case 'resume':
        effects = { outboxIds: [], timers: await resumeTicket(tx, deps, ticket, null) };
        return { result: 'resumed' };
    }
  });
  await deps.scheduler.schedule(effects);
  return out;
}
