/**
 * Repairs any difference between the truth in PostgreSQL and the alarm clocks in Redis: every pending outbox row
 * and pending deadline gets its job again (deterministic job ids make this a no-op when the job exists).
 */
import { pendingOutboundIds } from '../adapters/outbox-store.ts';
import type { AppDeps } from './deps.ts';

export async function reconcile(deps: AppDeps): Promise<{ outbox: number; deadlines: number }> {
  const outboxIds = await pendingOutboundIds(deps.db, 100_000);
  let deadlines = 0;
  let after = 0;
  for (;;) {
    const rows = await deps.db('deadlines').where({ status: 'pending' }).where('id', '>', after).orderBy('id').limit(5000)
      .select('id', 'ticket_id', 'level', 'due_at') as { id: number; ticket_id: number; level: number; due_at: Date }[];
    if (rows.length === 0) break;
    after = rows[rows.length - 1]?.id ?? after;
    deadlines += rows.length;
    await deps.scheduler.schedule({
      outboxIds: [], deadlines: rows.map((r) => ({ ticketId: r.ticket_id, level: r.level, dueAt: r.due_at })),
    });
  }
  for (let i = 0; i < outboxIds.length; i += 5000) {
    await deps.scheduler.schedule({ outboxIds: outboxIds.slice(i, i + 5000), deadlines: [] });
  }
  return { outbox: outboxIds.length, deadlines };
}
