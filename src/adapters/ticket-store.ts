/** Tickets, their append-only events, thread Message-IDs and deadline rows in PostgreSQL. */
import type { Knex } from 'knex';
import type { EventKind, Ticket, TicketEvent, TicketStatus } from '../domain/ticket.ts';

export type Tx = Knex | Knex.Transaction;

interface TicketRow {
  id: number; ref: string; subject: string; description: string; department_key: string | null;
  routed_via: string | null; status: TicketStatus; level: number; originator_email: string; originator_name: string;
  owner_email: string | null; root_cause: string | null; preventive_measure: string | null;
  thread_message_id: string | null; created_at: Date; updated_at: Date; resolved_at: Date | null;
  priority: string; action_plan: string | null; customer_email: string | null; customer_direction: string | null;
  hold_since: Date | null; hold_reason: string | null; hold_until: Date | null; hold_remaining_ms: string | number | null; held_ms: string | number;
}

export function toTicket(r: TicketRow): Ticket {
  return {
    id: r.id, ref: r.ref, subject: r.subject, description: r.description, departmentKey: r.department_key,
    routedVia: r.routed_via, status: r.status, level: r.level, originatorEmail: r.originator_email,
    originatorName: r.originator_name, ownerEmail: r.owner_email, rootCause: r.root_cause,
    preventiveMeasure: r.preventive_measure, threadMessageId: r.thread_message_id, createdAt: r.created_at,
    updatedAt: r.updated_at, resolvedAt: r.resolved_at, priority: r.priority, actionPlan: r.action_plan,
    customerEmail: r.customer_email, customerDirection: r.customer_direction,
    hold: r.hold_since === null ? null : {
      since: r.hold_since, reason: r.hold_reason ?? '', until: r.hold_until,
      remainingMs: r.hold_remaining_ms === null ? null : Number(r.hold_remaining_ms),
    },
    heldMs: Number(r.held_ms),
  };
}

export interface NewTicket {
  subject: string;
  description: string;
  departmentKey: string | null;
  routedVia: string | null;
  originatorEmail: string;
  originatorName: string;
  threadMessageId: string | null;
  priority: string;
  customerEmail: string | null;
  customerDirection: string | null;
  at: Date;
}

function ticketRow(t: NewTicket): Partial<TicketRow> {
  return {
    subject: t.subject, description: t.description, department_key: t.departmentKey, routed_via: t.routedVia,
    status: t.departmentKey === null ? 'triage' : 'open', originator_email: t.originatorEmail,
    originator_name: t.originatorName, thread_message_id: t.threadMessageId, created_at: t.at, updated_at: t.at,
    priority: t.priority, customer_email: t.customerEmail, customer_direction: t.customerDirection,
  };
}

export async function insertTicket(tx: Tx, t: NewTicket): Promise<Ticket> {
  const [row] = await tx<TicketRow>('tickets').insert(ticketRow(t)).returning('*');
  if (row === undefined) throw new Error('insert into tickets returned no row');
  return toTicket(row);
}

/** A row of `deadlines` for a ticket inserted in the same statement (its id comes from the sequence). */
export interface NewTimerRow {
  kind: string; level: number; seq: number; dueAt: Date; data?: Record<string, unknown> | undefined;
}

/**
 * A new ticket with its first event, its thread Message-IDs and its timer rows, in one round trip: each insert takes
 * the ticket's id from the one before it in the same statement. Returns the ticket and the event's id.
 */
export async function insertOpenedTicket(tx: Tx, t: NewTicket, o: {
  event: { kind: EventKind; actor: string | null; inboundId: number | null; data: Record<string, unknown> };
  threadIds: readonly (string | null)[];
  timers: readonly NewTimerRow[];
}): Promise<{ ticket: Ticket; eventId: number }> {
  const insert = tx('tickets').insert(ticketRow(t)).returning('*').toSQL();
  const threadIds = [...new Set(o.threadIds.filter((m): m is string => m !== null && m !== ''))];
  const timers = o.timers.map((d) => ({ kind: d.kind, level: d.level, seq: d.seq, due_at: d.dueAt, data: d.data ?? {} }));
  const result = await tx.raw(`
    with t as (${insert.sql}),
    e as (insert into ticket_events (ticket_id, kind, actor, inbound_id, data, created_at)
          select t.id, ?::text, ?::text, ?::int8, ?::jsonb, ?::timestamptz from t returning id),
    m as (insert into thread_messages (message_id, ticket_id) select x.id, t.id from t, jsonb_array_elements_text(?::jsonb) as x(id)
          on conflict (message_id) do nothing),
    d as (insert into deadlines (ticket_id, kind, level, seq, due_at, data)
          select t.id, p.kind, p.level, p.seq, p.due_at, p.data
          from t, jsonb_to_recordset(?::jsonb) as p(kind text, level int, seq int, due_at timestamptz, data jsonb)
          on conflict (ticket_id, kind, level, seq) do nothing)
    select t.*, e.id as event_id from t, e`,
  [...insert.bindings, o.event.kind, o.event.actor, o.event.inboundId, JSON.stringify(o.event.data), t.at,
    JSON.stringify(threadIds), JSON.stringify(timers)]) as { rows: (TicketRow & { event_id: number })[] };
  const row = result.rows[0];
  if (row === undefined) throw new Error('insert into tickets returned no row');
  return { ticket: toTicket(row), eventId: row.event_id };
}

export async function loadTicket(tx: Tx, id: number, lock = false): Promise<Ticket | undefined> {
  const q = tx<TicketRow>('tickets').where({ id }).first();
  const row = await (lock ? q.forUpdate() : q);
  return row === undefined ? undefined : toTicket(row);
}

/** Many tickets, locked unless another transaction holds them (those are left out: their timers wait for it). */
export async function lockFreeTickets(tx: Tx, ids: readonly number[]): Promise<Map<number, Ticket>> {
  if (ids.length === 0) return new Map();
  const rows = await tx<TicketRow>('tickets').whereIn('id', ids).orderBy('id').forUpdate().skipLocked();
  return new Map(rows.map((r) => [r.id, toTicket(r)]));
}

export async function loadTicketByRef(tx: Tx, ref: string): Promise<Ticket | undefined> {
  const row = await tx<TicketRow>('tickets').where({ ref: ref.toUpperCase() }).first();
  return row === undefined ? undefined : toTicket(row);
}

/** Raises many tickets to their levels in one statement. */
export async function setTicketLevels(tx: Tx, levels: readonly { id: number; level: number }[], at: Date): Promise<void> {
  if (levels.length === 0) return;
  await tx.raw(`update tickets t set level = v.level, updated_at = ? from unnest(?::bigint[], ?::int[]) as v(id, level) where t.id = v.id`,
    [at, levels.map((l) => l.id), levels.map((l) => l.level)]);
}

export async function updateTicket(tx: Tx, id: number, fields: Partial<TicketRow>): Promise<void> {
  await tx('tickets').where({ id }).update(fields);
}

export interface NewEvent {
  ticketId: number; kind: EventKind; actor: string | null; inboundId?: number | null;
  data?: Record<string, unknown>; at: Date;
}

export async function addEvent(tx: Tx, e: NewEvent): Promise<number> {
  const [id] = await addEvents(tx, [e]);
  if (id === undefined) throw new Error('insert into ticket_events returned no row');
  return id;
}

/** Many events in one statement; their ids in the order given (ids come from the sequence in row order). */
export async function addEvents(tx: Tx, events: readonly NewEvent[]): Promise<number[]> {
  if (events.length === 0) return [];
  const rows = await tx('ticket_events').insert(events.map((e) => ({
    ticket_id: e.ticketId, kind: e.kind, actor: e.actor, inbound_id: e.inboundId ?? null,
    data: JSON.stringify(e.data ?? {}), created_at: e.at,
  }))).returning('id') as { id: number }[];
  if (rows.length !== events.length) throw new Error(`insert into ticket_events returned ${rows.length} of ${events.length} rows`);
  return rows.map((r) => r.id).sort((a, b) => a - b);
}

type EventRow = { id: number; ticket_id: number; kind: EventKind; actor: string | null; data: Record<string, unknown>; created_at: Date };
const toEvent = (r: EventRow): TicketEvent => ({ id: r.id, ticketId: r.ticket_id, kind: r.kind, actor: r.actor, data: r.data, createdAt: r.created_at });

export async function listEvents(tx: Tx, ticketId: number): Promise<TicketEvent[]> {
  return (await eventsOfTickets(tx, [ticketId])).get(ticketId) ?? [];
}

/** The events of many tickets in one query, each ticket's in order. */
export async function eventsOfTickets(tx: Tx, ticketIds: readonly number[]): Promise<Map<number, TicketEvent[]>> {
  const out = new Map<number, TicketEvent[]>();
  if (ticketIds.length === 0) return out;
  const rows = await tx('ticket_events').whereIn('ticket_id', ticketIds).orderBy('id') as EventRow[];
  for (const r of rows) {
    const list = out.get(r.ticket_id);
    if (list === undefined) out.set(r.ticket_id, [toEvent(r)]);
    else list.push(toEvent(r));
  }
  return out;
}

export async function addThreadIds(tx: Tx, ticketId: number, messageIds: readonly (string | null)[]): Promise<void> {
  const rows = [...new Set(messageIds.filter((m): m is string => m !== null && m !== ''))]
    .map((message_id) => ({ message_id, ticket_id: ticketId }));
  if (rows.length > 0) await tx('thread_messages').insert(rows).onConflict('message_id').ignore();
}

/** The ticket whose thread contains one of these Message-IDs (the most recent reference wins). */
export async function ticketOfThread(tx: Tx, messageIds: readonly string[]): Promise<number | undefined> {
  if (messageIds.length === 0) return undefined;
  const rows = await tx('thread_messages').whereIn('message_id', messageIds).select('message_id', 'ticket_id') as {
    message_id: string; ticket_id: number;
  }[];
  const byId = new Map(rows.map((r) => [r.message_id, r.ticket_id]));
  for (let i = messageIds.length - 1; i >= 0; i -= 1) {
    const hit = byId.get(messageIds[i] ?? '');
    if (hit !== undefined) return hit;
  }
  return undefined;
}

/** True when some ticket was created before `at`. */
export async function anyTicketBefore(tx: Tx, at: Date): Promise<boolean> {
  return await tx('tickets').where('created_at', '<', at).first('id') !== undefined;
}

/** The latest piece of work on a ticket a customer update may mention (a plan, a note, an escalation, an owner). */
export async function latestWork(tx: Tx, ticketId: number): Promise<{ kind: string; created_at: Date } | undefined> {
  return await tx('ticket_events').where({ ticket_id: ticketId }).whereIn('kind', ['plan_set', 'note', 'escalated', 'assigned'])
    .orderBy('id', 'desc').first('kind', 'created_at') as { kind: string; created_at: Date } | undefined;
}

/** Every event written in this transaction records where the command came from (ticket_events.source). */
export async function markEventSource(tx: Tx, source: 'web'): Promise<void> {
  await tx.raw("select set_config('tasaeed.source', ?, true)", [source]);
}
