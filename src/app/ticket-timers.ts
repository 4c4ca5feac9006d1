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

/** A timer of a ticket whose id is not known yet (one being inserted in the same statement). */
export type TimerPlan = Omit<Timer, 'ticketId'>;

export const ofTicket = (ticketId: number, plans: readonly TimerPlan[]): Timer[] => plans.map((p) => ({ ...p, ticketId }));

function escalationPlan(deps: AppDeps, priority: string | null, level: number, start: Date, dueAt: Date, seq: number, reminderSeq: number): TimerPlan[] {
  const timers: TimerPlan[] = [{ kind: 'escalate', level, seq, dueAt }];
  if (level === 1) {
    reminderTimes(deps.policy, priority, start, dueAt).forEach((r, i) => {
      timers.push({ kind: 'remind', level, seq: reminderSeq + i, dueAt: r.at, data: { percent: r.percent, dueAt: dueAt.toISOString() } });
    });
  }
  return timers;
}

function customerUpdatePlan(deps: AppDeps, ticket: Pick<Ticket, 'customerEmail' | 'status'>, from: Date, seq: number): TimerPlan[] {
  if (ticket.customerEmail === null || !deps.policy.customer_updates.enabled || ticket.status === 'resolved') return [];
  return [{ kind: 'customer_update', level: 0, seq, dueAt: customerUpdateDue(deps.policy, from) }];
}

/** A new ticket's timers (it has none yet, so every seq starts at 0): level-1 escalation, reminders, customer update. */
export function firstTimers(deps: AppDeps, ticket: Pick<Ticket, 'priority' | 'customerEmail' | 'status'>, start: Date, dueAt: Date): TimerPlan[] {
  return [...escalationPlan(deps, ticket.priority, 1, start, dueAt, 0, 0), ...customerUpdatePlan(deps, ticket, start, 0)];
}

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
  const timers = plans.flatMap((p) => ofTicket(p.ticket.id, escalationPlan(deps, p.ticket.priority, p.level, p.start, p.dueAt,
    seqOf.get(`${p.ticket.id}/escalate`) ?? 0, seqOf.get(`${p.ticket.id}/remind`) ?? 0)));
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
  if (customerUpdatePlan(deps, ticket, from, 0).length === 0) return [];
  const seq = fresh ? 0 : await nextSeq(tx, ticket.id, 'customer_update', 0);
  const timers = ofTicket(ticket.id, customerUpdatePlan(deps, ticket, from, seq));
  await addTimers(tx, timers);
  return timers;
}
