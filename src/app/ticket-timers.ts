/**
 * Writes a ticket's timer rows: its deadline (level-1 escalation) with the reminders before it, the next ladder
 * level, and customer updates. A re-planned deadline voids the old rows and writes new ones with the next seq.
 */
import { addTimers, nextSeq, nextSeqs, voidTimers } from '../adapters/timer-store.ts';
import type { Tx } from '../adapters/ticket-store.ts';
import { customerUpdateDue } from '../domain/customer-updates.ts';
import { reminderTimes } from '../domain/reminders.ts';
import type { Timer } from '../domain/timer.ts';
import type { Ticket } from '../domain/ticket.ts';
import type { AppDeps } from './deps.ts';

export interface PlannedEscalation {
  ticket: Ticket;
  level: number;
  /** Reminders (before level 1) are counted from here. */
  start: Date;
  dueAt: Date;
}

/** The escalation to `level` at `dueAt`, plus (before level 1) the reminders counted from `start`. */
export async function planEscalation(tx: Tx, deps: AppDeps, ticket: Ticket, level: number, start: Date, dueAt: Date,
  /** A ticket created in this transaction has no timers yet: its seqs start at 0 without asking. */
  fresh = false): Promise<Timer[]> {
  return await planEscalations(tx, deps, [{ ticket, level, start, dueAt }], fresh);
}

/** The escalations of many tickets, their seqs read in one query and their rows written in one statement. */
export async function planEscalations(tx: Tx, deps: AppDeps, plans: readonly PlannedEscalation[], fresh = false): Promise<Timer[]> {
  if (plans.length === 0) return [];
  const keys = plans.flatMap((p) => [
    { ticketId: p.ticket.id, kind: 'escalate' as const, level: p.level },
    ...(p.level === 1 ? [{ ticketId: p.ticket.id, kind: 'remind' as const, level: p.level }] : []),
  ]);
  const seqs = fresh ? keys.map(() => 0) : await nextSeqs(tx, keys);
  const seqOf = new Map(keys.map((k, i) => [`${k.ticketId}/${k.kind}`, seqs[i] ?? 0]));
  const timers = plans.flatMap((p): Timer[] => {
    const { ticket, level, dueAt } = p;
    const seq = seqOf.get(`${ticket.id}/escalate`) ?? 0;
    if (level !== 1) return [{ kind: 'escalate', ticketId: ticket.id, level, seq, dueAt }];
    const reminderSeq = seqOf.get(`${ticket.id}/remind`) ?? 0;
    return [{ kind: 'escalate', ticketId: ticket.id, level, seq, dueAt },
      ...reminderTimes(deps.policy, ticket.priority, p.start, dueAt).map((r, i): Timer => ({
        kind: 'remind', ticketId: ticket.id, level, seq: reminderSeq + i, dueAt: r.at, data: { percent: r.percent, dueAt: dueAt.toISOString() },
      }))];
  });
  await addTimers(tx, timers);
  return timers;
}

/** Replaces the pending escalation (and its reminders) with one due at `dueAt`. */
export async function replanEscalation(tx: Tx, deps: AppDeps, ticket: Ticket, dueAt: Date): Promise<Timer[]> {
  await voidTimers(tx, ticket.id, deps.clock.now(), ['escalate', 'remind']);
  return await planEscalation(tx, deps, ticket, ticket.level + 1, deps.clock.now(), dueAt);
}

/** The next periodic update to the customer (step 10), when the ticket has a customer and updates are on. */
export async function planCustomerUpdate(tx: Tx, deps: AppDeps, ticket: Ticket, from: Date, fresh = false): Promise<Timer[]> {
  if (ticket.customerEmail === null || !deps.policy.customer_updates.enabled || ticket.status === 'resolved') return [];
  const seq = fresh ? 0 : await nextSeq(tx, ticket.id, 'customer_update', 0);
  const timers: Timer[] = [{ kind: 'customer_update', ticketId: ticket.id, level: 0, seq, dueAt: customerUpdateDue(deps.policy, from) }];
  await addTimers(tx, timers);
  return timers;
}
