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
  /** A signed reply token to begin the Message-ID with (app/queue-email.ts). */
  messageIdToken?: string | undefined;
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
  status: OutboxStatus;
  attempts: number;
  last_error: string | null;
  next_attempt_at: Date | null;
  last_attempt_at: Date | null;
  failed_at: Date | null;
  created_at: Date;
  sent_at: Date | null;
}

export const OUTBOX_STATUSES = ['pending', 'retrying', 'sent', 'failed', 'bounced'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];
/** Not sent yet and still to be tried. */
const UNSENT = ['pending', 'retrying'] as const;

/** Stores the emails with the stable Message-ID they will be sent with, in one statement; returns their ids in the order given. */
export async function addOutbound(tx: Tx, domain: string, at: Date, rows: readonly NewOutbound[]): Promise<number[]> {
  if (rows.length === 0) return [];
  const values = rows.map((r) => ({
    ticket_id: r.ticketId, event_id: r.eventId, report_run_id: r.reportRunId ?? null, inbound_id: r.inboundId ?? null, incident_id: r.incidentId ?? null,
    template: r.template, locale: r.locale, to_email: r.to, data: JSON.stringify(r.data), created_at: at,
    message_id: `<${r.messageIdToken === undefined ? '' : `${r.messageIdToken}.`}${randomUUID()}@${domain}>`,
  }));
  const insert = tx('outbox').insert(values).returning(['id', 'ticket_id', 'message_id']).toSQL();
  // One round trip: the rows and their Message-IDs in the ticket's thread (for matching replies).
  const result = await tx.raw(`
    with o as (${insert.sql}),
    t as (insert into thread_messages (message_id, ticket_id) select message_id, ticket_id from o where ticket_id is not null
          on conflict (message_id) do nothing)
    select id, message_id from o`, insert.bindings) as { rows: { id: number; message_id: string }[] };
  // RETURNING promises no order; each row's Message-ID is unique, so it says which id is whose.
  const ids = new Map(result.rows.map((r) => [r.message_id, r.id]));
  return values.map((v) => {
    const id = ids.get(v.message_id);
    if (id === undefined) throw new Error(`insert into outbox returned no row for ${v.message_id}`);
    return id;
  });
}

export async function loadOutbound(tx: Tx, id: number): Promise<OutboundRow | undefined> {
  return await tx<OutboundRow>('outbox').where({ id }).first();
}

/** An outbox row with what sending it needs: its ticket's thread, and the earliest unsent email before it to the same person about the same ticket. */
export interface SendableRow extends OutboundRow {
  ticket_ref: string | null;
  thread_message_id: string | null;
  earlier: Pick<OutboundRow, 'id' | 'next_attempt_at'> | null;
}

/** One round trip per email sent (the row, its ticket's thread, the order check) instead of three. */
export async function loadSendable(tx: Tx, id: number): Promise<SendableRow | undefined> {
  const result = await tx.raw(`
    select o.*, t.ref ticket_ref, t.thread_message_id, e.id earlier_id, e.next_attempt_at earlier_next_attempt_at
    from outbox o
    left join tickets t on t.id = o.ticket_id
    left join lateral (
      select x.id, x.next_attempt_at from outbox x
      where x.ticket_id = o.ticket_id and x.to_email = o.to_email and x.id < o.id and x.status in ('pending', 'retrying')
      order by x.id limit 1
    ) e on o.ticket_id is not null
    where o.id = ?`, [id]) as { rows: (OutboundRow & { ticket_ref: string | null; thread_message_id: string | null; earlier_id: number | null; earlier_next_attempt_at: Date | null })[] };
  const r = result.rows[0];
  if (r === undefined) return undefined;
  const { earlier_id: earlierId, earlier_next_attempt_at: earlierNext, ...row } = r;
  return { ...row, earlier: earlierId === null ? null : { id: earlierId, next_attempt_at: earlierNext } };
}

export async function markSent(tx: Tx, id: number, at: Date): Promise<void> {
  await tx('outbox').where({ id }).whereIn('status', UNSENT)
    .update({ status: 'sent', sent_at: at, last_attempt_at: at, next_attempt_at: null, attempts: tx.raw('attempts + 1') });
}

/** A transient failure: the email stays to be sent, with its last error and when it will be tried next. */
export async function markRetrying(tx: Tx, id: number, error: string, at: Date, nextAttemptAt: Date): Promise<void> {
  await tx('outbox').where({ id }).whereIn('status', UNSENT).update({
    status: 'retrying', attempts: tx.raw('attempts + 1'), last_error: error.slice(0, 2000), last_attempt_at: at, next_attempt_at: nextAttemptAt,
  });
}

/** A permanent failure; returns the row when it was still unsent (so it is alerted once). */
export async function markFailed(tx: Tx, id: number, error: string, at: Date): Promise<OutboundRow | undefined> {
  const rows = await tx<OutboundRow>('outbox').where({ id }).whereIn('status', UNSENT).update({
    status: 'failed', attempts: tx.raw('attempts + 1'), last_error: error.slice(0, 2000), last_attempt_at: at, failed_at: at, next_attempt_at: null,
  }, '*') as OutboundRow[];
  return rows[0];
}

/** An earlier email about the same ticket to the same person that has not gone out yet (it must go first). */
export interface OutboxListing {
  id: number; ticket: string | null; template: string; to: string; status: OutboxStatus; attempts: number;
  lastError: string | null; nextAttemptAt: Date | null; sentAt: Date | null; createdAt: Date;
}

/** Emails newest first, optionally of one status. */
export async function listOutbox(tx: Tx, o: { status?: OutboxStatus | undefined; limit: number }): Promise<OutboxListing[]> {
  const q = tx('outbox as o').leftJoin('tickets as t', 't.id', 'o.ticket_id').orderBy('o.id', 'desc').limit(o.limit)
    .select('o.id', 't.ref as ticket', 'o.template', 'o.to_email as to', 'o.status', 'o.attempts', 'o.last_error as lastError',
      'o.next_attempt_at as nextAttemptAt', 'o.sent_at as sentAt', 'o.created_at as createdAt');
  return await (o.status === undefined ? q : q.where('o.status', o.status)) as OutboxListing[];
}

/** Puts failed or bounced emails back to be sent (same row, same Message-ID); returns the ids that were. */
export async function requeueOutbound(tx: Tx, which: { ids: readonly number[] } | 'failed'): Promise<number[]> {
  const q = tx('outbox');
  const scoped = which === 'failed' ? q.where({ status: 'failed' }) : q.whereIn('id', which.ids).whereIn('status', ['failed', 'bounced']);
  const rows = await scoped.update({ status: 'pending', next_attempt_at: null, failed_at: null }, ['id']) as { id: number }[];
  return rows.map((r) => r.id).sort((a, b) => a - b);
}

/** Rows still to be sent, oldest first; with `createdBefore`, only those that have waited since then. */
export async function unsentOutboundIds(tx: Tx, limit = 10_000, createdBefore?: Date): Promise<number[]> {
  const q = tx('outbox').whereIn('status', UNSENT).orderBy('id').limit(limit).select('id');
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

/** True when an email of this template already answers this inbound message (e.g. its quarantine notice). */
export async function hasInboundReply(tx: Tx, inboundId: number, template: string): Promise<boolean> {
  return await tx('outbox').where({ inbound_id: inboundId, template }).first('id') !== undefined;
}
