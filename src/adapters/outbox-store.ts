/** Outbound emails waiting to be sent: written in the ticket's transaction, sent later by a worker. */
import { randomUUID } from 'node:crypto';
import type { Locale } from '../domain/dates.ts';
import { deferredOf } from './deferred-inserts.ts';
import type { Tx } from './ticket-store.ts';

export interface NewOutbound {
  ticketId: number | null;
  eventId: number | null;
  reportRunId?: number | null;
  template: string;
  locale: Locale;
  to: string;
  data: Record<string, unknown>;
}

export interface OutboundRow {
  id: number;
  ticket_id: number | null;
  event_id: number | null;
  report_run_id: number | null;
  template: string;
  locale: Locale;
  to_email: string;
  message_id: string;
  data: Record<string, unknown>;
  status: 'pending' | 'sent' | 'failed';
  attempts: number;
  created_at: Date;
  sent_at: Date | null;
}

/** Stores the emails with the stable Message-ID they will be sent with; returns their ids. */
export async function addOutbound(tx: Tx, domain: string, at: Date, rows: readonly NewOutbound[]): Promise<number[]> {
  if (rows.length === 0) return [];
  const values = rows.map((r) => ({
    ticket_id: r.ticketId, event_id: r.eventId, report_run_id: r.reportRunId ?? null, template: r.template,
    locale: r.locale, to_email: r.to, data: JSON.stringify(r.data), created_at: at,
    message_id: `<${randomUUID()}@${domain}>`,
  }));
  const thread = values.filter((r) => r.ticket_id !== null).map((r) => ({ message_id: r.message_id, ticket_id: r.ticket_id }));
  const deferred = deferredOf(tx);
  if (deferred !== undefined) {
    const ids = await deferred.nextIds('outbox', values.length);
    deferred.add('outbox', values.map((v, i) => ({ id: ids[i], ...v })));
    deferred.add('thread_messages', thread);
    return ids;
  }
  const inserted = await tx('outbox').insert(values).returning('id') as { id: number }[];
  if (thread.length > 0) await tx('thread_messages').insert(thread).onConflict('message_id').ignore();
  return inserted.map((r) => r.id);
}

export async function loadOutbound(tx: Tx, id: number): Promise<OutboundRow | undefined> {
  return await tx<OutboundRow>('outbox').where({ id }).first();
}

export async function markSent(tx: Tx, id: number, at: Date): Promise<void> {
  await tx('outbox').where({ id }).update({ status: 'sent', sent_at: at, attempts: tx.raw('attempts + 1') });
}

export async function markAttemptFailed(tx: Tx, id: number, error: string, final: boolean): Promise<void> {
  await tx('outbox').where({ id, status: 'pending' }).update({
    attempts: tx.raw('attempts + 1'), last_error: error.slice(0, 2000), ...(final ? { status: 'failed' } : {}),
  });
}

export async function pendingOutboundIds(tx: Tx, limit = 10_000): Promise<number[]> {
  const rows = await tx('outbox').where({ status: 'pending' }).orderBy('id').limit(limit).select('id') as { id: number }[];
  return rows.map((r) => r.id);
}
