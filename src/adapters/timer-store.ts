/** Timer rows (escalations, reminders, customer updates): the truth that BullMQ's delayed jobs only mirror. */
import type { Timer, TimerKind } from '../domain/timer.ts';
import type { Tx } from './ticket-store.ts';

export interface TimerRow {
  id: number;
  ticket_id: number;
  kind: TimerKind;
  level: number;
  seq: number;
  due_at: Date;
  status: 'pending' | 'fired' | 'void';
  data: Record<string, unknown>;
}

export const toTimer = (r: TimerRow): Timer =>
  ({ kind: r.kind, ticketId: r.ticket_id, level: r.level, seq: r.seq, dueAt: r.due_at, data: r.data });

export async function addTimers(tx: Tx, timers: readonly Timer[]): Promise<void> {
  if (timers.length === 0) return;
  await tx('deadlines').insert(timers.map((t) => ({
    ticket_id: t.ticketId, kind: t.kind, level: t.level, seq: t.seq, due_at: t.dueAt, data: JSON.stringify(t.data ?? {}),
  }))).onConflict(['ticket_id', 'kind', 'level', 'seq']).ignore();
}

/** The next free seq for a ticket's timers of a kind and level (a re-planned deadline gets new job ids). */
export async function nextSeq(tx: Tx, ticketId: number, kind: TimerKind, level: number): Promise<number> {
  const row = await tx('deadlines').where({ ticket_id: ticketId, kind, level }).max('seq as seq').first() as { seq: number | null } | undefined;
  return row?.seq === null || row?.seq === undefined ? 0 : row.seq + 1;
}

export async function claimTimer(tx: Tx, t: Pick<Timer, 'kind' | 'ticketId' | 'level' | 'seq'>): Promise<TimerRow | undefined> {
  return await tx<TimerRow>('deadlines')
    .where({ ticket_id: t.ticketId, kind: t.kind, level: t.level, seq: t.seq }).forUpdate().first();
}

export async function settleTimer(tx: Tx, id: number, status: 'fired' | 'void', at: Date): Promise<void> {
  await tx('deadlines').where({ id, status: 'pending' }).update({ status, settled_at: at });
}

/** Voids a ticket's pending timers (all, or of some kinds). */
export async function voidTimers(tx: Tx, ticketId: number, at: Date, kinds?: readonly TimerKind[]): Promise<void> {
  const q = tx('deadlines').where({ ticket_id: ticketId, status: 'pending' });
  await (kinds === undefined ? q : q.whereIn('kind', kinds)).update({ status: 'void', settled_at: at });
}

/** The pending escalation of a ticket: its current deadline. */
export async function pendingEscalation(tx: Tx, ticketId: number): Promise<TimerRow | undefined> {
  return await tx<TimerRow>('deadlines').where({ ticket_id: ticketId, kind: 'escalate', status: 'pending' }).orderBy('level').first();
}

/** Pending timer rows after `afterId`, by id; with `dueBefore`, only those that should have fired by then. */
export async function pendingTimerPage(tx: Tx, afterId: number, limit: number, dueBefore?: Date): Promise<TimerRow[]> {
  const q = tx('deadlines').where({ status: 'pending' }).where('id', '>', afterId).orderBy('id').limit(limit);
  return await (dueBefore === undefined ? q : q.where('due_at', '<', dueBefore)).select('*') as TimerRow[];
}

/** A timer row's status without locking it: a job whose row is already settled ends without a transaction. */
export async function timerState(tx: Tx, t: Pick<Timer, 'kind' | 'ticketId' | 'level' | 'seq'>): Promise<Pick<TimerRow, 'status' | 'due_at'> | undefined> {
  return await tx<TimerRow>('deadlines').where({ ticket_id: t.ticketId, kind: t.kind, level: t.level, seq: t.seq })
    .first('status', 'due_at') as Pick<TimerRow, 'status' | 'due_at'> | undefined;
}

/** Locks a timer row unless another transaction holds it (then undefined: that one is firing or voiding it). */
export async function claimTimerIfFree(tx: Tx, t: Pick<Timer, 'kind' | 'ticketId' | 'level' | 'seq'>): Promise<TimerRow | undefined> {
  return await tx<TimerRow>('deadlines')
    .where({ ticket_id: t.ticketId, kind: t.kind, level: t.level, seq: t.seq }).forUpdate().skipLocked().first();
}

/** Up to `limit` pending rows due by `now`, oldest first, that no other transaction holds; locked until commit. */
export async function claimDueTimers(tx: Tx, now: Date, limit: number, exceptId: number): Promise<TimerRow[]> {
  if (limit <= 0) return [];
  return await tx<TimerRow>('deadlines').where({ status: 'pending' }).where('due_at', '<=', now).whereNot('id', exceptId)
    .orderBy([{ column: 'due_at' }, { column: 'id' }]).limit(limit).forUpdate().skipLocked();
}

/** Settles many rows in one statement: the fired ones and the void ones. */
export async function settleTimers(tx: Tx, fired: readonly number[], voided: readonly number[], at: Date): Promise<void> {
  if (fired.length + voided.length === 0) return;
  await tx.raw(`update deadlines set status = case when id = any(?::bigint[]) then 'fired' else 'void' end, settled_at = ?
    where id = any(?::bigint[]) and status = 'pending'`, [[...fired], at, [...fired, ...voided]]);
}

/** Voids the pending timers (of some kinds) of many tickets. */
export async function voidTimersOf(tx: Tx, ticketIds: readonly number[], at: Date, kinds: readonly TimerKind[]): Promise<void> {
  if (ticketIds.length === 0) return;
  await tx('deadlines').whereIn('ticket_id', ticketIds).where({ status: 'pending' }).whereIn('kind', kinds)
    .update({ status: 'void', settled_at: at });
}

/** The next free seq of each (ticket, kind, level), in one query. */
export async function nextSeqs(tx: Tx, keys: readonly Pick<Timer, 'ticketId' | 'kind' | 'level'>[]): Promise<number[]> {
  if (keys.length === 0) return [];
  const rows = await tx('deadlines').whereIn(['ticket_id', 'kind', 'level'], keys.map((k) => [k.ticketId, k.kind, k.level]))
    .groupBy('ticket_id', 'kind', 'level').select('ticket_id', 'kind', 'level').max('seq as seq') as
    { ticket_id: number; kind: TimerKind; level: number; seq: number | null }[];
  const max = new Map(rows.map((r) => [`${r.ticket_id}/${r.kind}/${r.level}`, r.seq]));
  return keys.map((k) => {
    const seq = max.get(`${k.ticketId}/${k.kind}/${k.level}`);
    return seq === null || seq === undefined ? 0 : seq + 1;
  });
}
