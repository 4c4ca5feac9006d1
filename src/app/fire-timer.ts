/**
 * A timer fired (escalation, reminder, customer update). The row is the truth: the handler reloads it and the
 * ticket, and does nothing if the row is settled, the ticket resolved, or the step already passed.
 */
import { addEvent, latestWork, loadTicket, type Tx } from '../adapters/ticket-store.ts';
import { claimTimer, settleTimer, type TimerRow } from '../adapters/timer-store.ts';
import { isStaleTimer } from '../domain/stale-timer.ts';
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

export interface Fired { result: FireResult; dueAt?: Date }

/**
 * Fires one locked timer row inside the caller's transaction: reloads (and locks) its ticket, voids the row when
 * it is stale, else settles it and runs its handler.
 */
export async function fireClaimed(tx: Tx, deps: AppDeps, row: TimerRow): Promise<Fired & { effects: Effects }> {
  if (row.status !== 'pending') return { result: 'settled', effects: noEffects() };
  const now = deps.clock.now();
  if (row.due_at.getTime() > now.getTime()) return { result: 'not_due', dueAt: row.due_at, effects: noEffects() };
  const ticket = await loadTicket(tx, row.ticket_id, true);
  if (ticket === undefined || isStaleTimer(deps.policy, ticket, row)) {
    await settleTimer(tx, row.id, 'void', now);
    return { result: 'void', effects: noEffects() };
  }
  await settleTimer(tx, row.id, 'fired', now);
  switch (row.kind) {
    case 'escalate':
      return { result: 'escalated', effects: await escalateTicket(tx, deps, ticket, row.level, { manual: false, actor: null }) };
    case 'remind':
      return { result: 'reminded', effects: await remind(tx, deps, ticket, row) };
    case 'customer_update':
      return { result: 'updated', effects: await updateCustomer(tx, deps, ticket) };
    case 'resume':
      return { result: 'resumed', effects: { outboxIds: [], timers: await resumeTicket(tx, deps, ticket, null) } };
  }
}

/** Fires one timer in a transaction of its own (the path a batch falls back to). */
export async function fireTimer(deps: AppDeps, t: Pick<Timer, 'kind' | 'ticketId' | 'level' | 'seq'>): Promise<Fired> {
  const { effects, ...out } = await deps.db.transaction(async (tx) => {
    const row = await claimTimer(tx, t);
    return row === undefined ? { result: 'settled' as const, effects: noEffects() } : await fireClaimed(tx, deps, row);
  });
  await deps.scheduler.schedule(effects);
  return out;
}
