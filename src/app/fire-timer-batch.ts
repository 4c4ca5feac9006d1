/**
 * A due timer fires with a batch of others: one transaction claims up to `limit` due rows no one else holds
 * (oldest first, the job's own row among them), loads their tickets in one query, voids the stale rows and
 * escalates the rest with one statement per step; other kinds (and a ticket's second row) take the one-row path in
 * the same transaction. If the batch fails for a reason that is not transient, each of its rows is fired in a
 * transaction of its own, so one bad ticket cannot hold back the others.
 */
import { lockFreeTickets } from '../adapters/ticket-store.ts';
import { claimDueTimers, claimTimer, claimTimerIfFree, settleTimers, timerState, type TimerRow } from '../adapters/timer-store.ts';
import { isStaleTimer } from '../domain/stale-timer.ts';
import type { Ticket } from '../domain/ticket.ts';
import type { Timer } from '../domain/timer.ts';
import { isTransient } from '../errors.ts';
import type { AppDeps } from './deps.ts';
import { mergeEffects, noEffects, type Effects } from './effects.ts';
import { escalateTickets } from './escalate-ticket.ts';
import { fireClaimed, fireTimer, type Fired } from './fire-timer.ts';

export const TIMER_BATCH = 200;

/** `busy`: another transaction holds the row (a batch firing it, a command voiding it): try again shortly. */
export type BatchFired = Fired | { result: 'busy' };
/** Inside a batch only: the job's own row was claimed but its ticket is held by another transaction. */
type BatchOutcome = BatchFired | { result: 'ticket_held' };

type TimerKey = Pick<Timer, 'kind' | 'ticketId' | 'level' | 'seq'>;
const keyOf = (r: TimerRow): TimerKey => ({ kind: r.kind, ticketId: r.ticket_id, level: r.level, seq: r.seq });

interface Plan {
  /** Escalations fired set-based: the first row of its ticket in the batch. */
  escalate: { row: TimerRow; ticket: Ticket }[];
  voided: TimerRow[];
  /** Other kinds, and rows of a ticket that already has one in the batch: one at a time, after the escalations. */
  oneByOne: TimerRow[];
}

function plan(deps: AppDeps, rows: readonly TimerRow[], tickets: ReadonlyMap<number, Ticket>): Plan {
  const p: Plan = { escalate: [], voided: [], oneByOne: [] };
  const seen = new Set<number>();
  for (const row of rows) {
    const ticket = tickets.get(row.ticket_id);
    // A ticket another transaction holds: its rows stay pending for their own jobs.
    if (ticket === undefined) continue;
    const first = !seen.has(row.ticket_id);
    seen.add(row.ticket_id);
    if (!first || row.kind !== 'escalate') p.oneByOne.push(row);
    else if (isStaleTimer(deps.policy, ticket, row)) p.voided.push(row);
    else p.escalate.push({ row, ticket });
  }
  return p;
}

async function fireBatch(deps: AppDeps, own: TimerKey, limit: number, claimed: TimerRow[]): Promise<{ out: BatchOutcome; effects: Effects }> {
  return await deps.db.transaction(async (tx) => {
    const mine = await claimTimerIfFree(tx, own);
    if (mine === undefined) return { out: { result: 'busy' as const }, effects: noEffects() };
    const now = deps.clock.now();
    if (mine.status !== 'pending') return { out: { result: 'settled' as const }, effects: noEffects() };
    if (mine.due_at.getTime() > now.getTime()) return { out: { result: 'not_due' as const, dueAt: mine.due_at }, effects: noEffects() };
    const rows = [mine, ...await claimDueTimers(tx, now, limit - 1, mine.id)];
    claimed.push(...rows);
    const tickets = await lockFreeTickets(tx, [...new Set(rows.map((r) => r.ticket_id))]);
    const p = plan(deps, rows, tickets);
    await settleTimers(tx, p.escalate.map((e) => e.row.id), p.voided.map((r) => r.id), now);
    const effects = await escalateTickets(tx, deps, p.escalate.map((e) => ({ ticket: e.ticket, level: e.row.level })), { manual: false, actor: null });
    let out: BatchOutcome = !tickets.has(mine.ticket_id) ? { result: 'ticket_held' }
      : p.voided.includes(mine) ? { result: 'void' } : { result: 'escalated' };
    const settled = [...p.escalate.map((e) => e.row), ...p.voided];
    for (const row of p.oneByOne) {
      // Read again: the escalations above may have voided it (a ticket's later level).
      const r = await fireClaimed(tx, deps, await claimTimer(tx, keyOf(row)) ?? row);
      mergeEffects(effects, r.effects);
      if (r.result !== 'not_due') settled.push(row);
      if (row === mine) out = r.dueAt === undefined ? { result: r.result } : { result: r.result, dueAt: r.dueAt };
    }
    // The other rows' jobs have nothing left to do.
    effects.settled = settled.filter((r) => r !== mine).map(keyOf);
    return { out, effects };
  });
}

/** Each row of a failed batch in a transaction of its own; the job's own row last, and its failure is the job's. */
async function fireOneByOne(deps: AppDeps, own: TimerKey, rows: readonly TimerRow[]): Promise<Fired> {
  for (const row of rows) {
    const key = keyOf(row);
    if (key.kind === own.kind && key.ticketId === own.ticketId && key.level === own.level && key.seq === own.seq) continue;
    try {
      await fireTimer(deps, key);
    } catch (err) {
      if (isTransient(err)) throw err;
      // Its own job fires it again and fails on its own.
      deps.log.warn({ timer: key, err }, 'a timer of a failed batch could not fire');
    }
  }
  return await fireTimer(deps, own);
}

export async function fireTimerBatch(deps: AppDeps, own: TimerKey, limit = TIMER_BATCH): Promise<BatchFired> {
  // Most jobs of a burst find their row fired by another job's batch: they end without a transaction.
  const state = await timerState(deps.db, own);
  if (state === undefined || state.status !== 'pending') return { result: 'settled' };
  if (state.due_at.getTime() > deps.clock.now().getTime()) return { result: 'not_due', dueAt: state.due_at };
  const claimed: TimerRow[] = [];
  let fired: { out: BatchOutcome; effects: Effects };
  try {
    fired = await fireBatch(deps, own, limit, claimed);
  } catch (err) {
    if (isTransient(err)) throw err;
    deps.log.warn({ timer: own, rows: claimed.length, err }, 'a batch of timers failed: firing them one at a time');
    return await fireOneByOne(deps, own, claimed);
  }
  await deps.scheduler.schedule(fired.effects);
  // Its ticket is being changed (escalated by another batch, a reply applied): wait for it and fire then, not in a
  // later retry (a customer update due beside an escalation would otherwise come seconds late, or after resolution).
  if (fired.out.result === 'ticket_held') return await fireTimer(deps, own);
  return fired.out;
}
