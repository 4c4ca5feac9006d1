/** Outbound emails waiting to be sent: written in the ticket's transaction, sent later by a worker. */
import { randomUUID } from 'node:crypto';
import type { Locale } from '../domain/dates.ts';
import type { Tx } from './ticket-store.ts';

export interface NewOutbound {
  ticketId: number | null;
  eventId: number | null;
  reportRunId?: number | null;
  /** An answer to an inbound message that has no ticket (a quarantine notice). */
  inboundId?: number | null;
  /** An alert about a mail-flow incident. */
  incidentId?: number | null;
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
  status: 'pending' | 'sent' | 'failed' | 'bounced';
  attempts: number;
  created_at: Date;
  sent_at: Date | null;
}

/** Stores the emails with the stable Message-ID they will be sent with; returns their ids. */
export async function addOutbound(tx: Tx, domain: string, at: Date, rows: readonly NewOutbound[]): Promise<number[]> {
  if (rows.length === 0) return [];
  const insert = tx('outbox').insert(rows.map((r) => ({
    ticket_id: r.ticketId, event_id: r.eventId, report_run_id: r.reportRunId ?? null, inbound_id: r.inboundId ?? null, incident_id: r.incidentId ?? null,
    template: r.template, locale: r.locale, to_email: r.to, data: JSON.stringify(r.data), created_at: at,
    message_id: `<${randomUUID()}@${domain}>`,
  }))).returning(['id', 'ticket_id', 'message_id']).toSQL();
  // One round trip: the rows and their Message-IDs in the ticket's thread (for matching replies).
  const result = await tx.raw(`
    with o as (${insert.sql}),
    t as (insert into thread_messages (message_id, ticket_id) select message_id, ticket_id from o where ticket_id is not null
          on conflict (message_id) do nothing)
    select id from o order by id`, insert.bindings) as { rows: { id: number }[] };
  return result.rows.map((r) => r.id);
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

/** Pending rows, oldest first; with `createdBefore`, only those that have waited since then. */
export async function pendingOutboundIds(tx: Tx, limit = 10_000, createdBefore?: Date): Promise<number[]> {
  const q = tx('outbox').where({ status: 'pending' }).orderBy('id').limit(limit).select('id');
  const rows = await (createdBefore === undefined ? q : q.where('created_at', '<', createdBefore)) as { id: number }[];
  return rows.map((r) => r.id);
}

/** The first of these Message-IDs that is one of our emails (ids in order of trust). */
export async function outboundByMessageIds(tx: Tx, messageIds: readonly string[]): Promise<OutboundRow | undefined> {
  if (messageIds.length === 0) return undefined;
  const rows = await tx<OutboundRow>('outbox').whereIn('message_id', messageIds);
  return messageIds.map((id) => rows.find((r) => r.message_id === id)).find((r) => r !== undefined);
}

export async function markBounced(tx: Tx, id: number, at: Date, reason: string): Promise<void> {
  await tx('outbox').where({ id }).update({ status: 'bounced', bounced_at: at, bounce_reason: reason.slice(0, 2000) });
}
