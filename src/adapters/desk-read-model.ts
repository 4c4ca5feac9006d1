/**
 * What the web desk shows, read straight from PostgreSQL: the ticket list (filters, folded-Arabic search, keyset
 * pages, the live SLA deadline), one ticket with everything about it, and an attachment's bytes. The caller passes
 * the person's scope, so a ticket outside it is never read.
 */
import type { Knex } from 'knex';
import type { DeskScope } from '../domain/desk-visibility.ts';
import type { TicketStatus } from '../domain/ticket.ts';
import type { Tx } from './ticket-store.ts';

export interface ListFilters {
  status?: TicketStatus | undefined;
  department?: string | undefined;
  priority?: string | undefined;
  level?: number | undefined;
  owner?: string | undefined;
  overdue?: boolean | undefined;
  /** Already folded with normalizeForMatch. */
  search?: string | undefined;
  /** Keyset: only tickets older than this id. */
  before?: number | undefined;
}

export interface ListedTicket {
  id: number;
  ref: string;
  subject: string;
  status: TicketStatus;
  level: number;
  priority: string;
  department_key: string | null;
  owner_email: string | null;
  originator_email: string;
  originator_name: string;
  created_at: Date;
  resolved_at: Date | null;
  /** The pending escalation: when the ticket breaches its deadline, or null (resolved, or past the ladder). */
  due_at: Date | null;
}

const PENDING_ESCALATION = "d.ticket_id = t.id and d.kind = 'escalate' and d.status = 'pending'";

const likePattern = (folded: string): string => `%${folded.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export function whereInScope(q: Knex.QueryBuilder, scope: DeskScope): Knex.QueryBuilder {
  if (scope.kind === 'all') return q;
  return q.where((w) => {
    void w.where('t.originator_email', scope.email).orWhere('t.owner_email', scope.email);
    if (scope.departments.length > 0) void w.orWhereIn('t.department_key', scope.departments);
  });
}

export async function listTickets(db: Tx, scope: DeskScope, f: ListFilters, now: Date, limit: number): Promise<{ rows: ListedTicket[]; more: boolean }> {
  const q = db({ t: 'tickets' }).select(
    't.id', 't.ref', 't.subject', 't.status', 't.level', 't.priority', 't.department_key', 't.owner_email',
    't.originator_email', 't.originator_name', 't.created_at', 't.resolved_at',
    db.raw(`(select d.due_at from deadlines d where ${PENDING_ESCALATION} order by d.level limit 1) as due_at`),
  ).orderBy('t.id', 'desc').limit(limit + 1);
  whereInScope(q, scope);
  if (f.status !== undefined) void q.where('t.status', f.status);
  if (f.department !== undefined) void q.where('t.department_key', f.department);
  if (f.priority !== undefined) void q.where('t.priority', f.priority);
  if (f.level !== undefined) void q.where('t.level', f.level);
  if (f.owner !== undefined) void q.where('t.owner_email', f.owner);
  if (f.before !== undefined) void q.where('t.id', '<', f.before);
  if (f.overdue === true) void q.whereRaw(`exists (select 1 from deadlines d where ${PENDING_ESCALATION} and d.due_at < ?)`, [now]);
  if (f.search !== undefined && f.search !== '') {
    const like = likePattern(f.search);
    // Two trigram-index lookups (the tickets' own text, their timelines) instead of folding every row.
    void q.whereRaw(`t.id in (
      select id from tickets where tasaeed_fold(ref || ' ' || subject || ' ' || description) like ? escape '\\'
      union select ticket_id from ticket_events where tasaeed_fold(data::text) like ? escape '\\')`, [like, like]);
  }
  const rows = await q as ListedTicket[];
  return { rows: rows.slice(0, limit), more: rows.length > limit };
}

/** The owners that appear on tickets the person can see (for the owner filter). */
export async function ownersInScope(db: Tx, scope: DeskScope): Promise<string[]> {
  const q = db({ t: 'tickets' }).distinct('t.owner_email').whereNotNull('t.owner_email').orderBy('t.owner_email').limit(200);
  whereInScope(q, scope);
  return (await q as { owner_email: string }[]).map((r) => r.owner_email);
}

export interface TimelineEvent {
  id: number;
  kind: string;
  actor: string | null;
  data: Record<string, unknown>;
  source: string | null;
  inbound_id: number | null;
  created_at: Date;
}

export interface SentEmail {
  id: number;
  template: string;
  to_email: string;
  status: 'pending' | 'retrying' | 'sent' | 'failed' | 'bounced';
  attempts: number;
  last_error: string | null;
  next_attempt_at: Date | null;
  created_at: Date;
  sent_at: Date | null;
}

export interface TimerLine {
  kind: string;
  level: number;
  due_at: Date;
  status: string;
}

export interface AttachmentLine {
  id: number;
  filename: string;
  content_type: string;
  size: number;
  stored: boolean;
  skipped_reason: string | null;
}

export interface TicketPageData {
  events: TimelineEvent[];
  emails: SentEmail[];
  timers: TimerLine[];
  attachments: AttachmentLine[];
}

export async function ticketPageData(db: Tx, ticketId: number): Promise<TicketPageData> {
  const [events, emails, timers, attachments] = await Promise.all([
    db('ticket_events').where({ ticket_id: ticketId }).orderBy('id')
      .select('id', 'kind', 'actor', 'data', 'source', 'inbound_id', 'created_at') as Promise<TimelineEvent[]>,
    db('outbox').where({ ticket_id: ticketId }).orderBy('id')
      .select('id', 'template', 'to_email', 'status', 'attempts', 'last_error', 'next_attempt_at', 'created_at', 'sent_at') as Promise<SentEmail[]>,
    db('deadlines').where({ ticket_id: ticketId }).orderBy(['due_at', 'id']).select('kind', 'level', 'due_at', 'status') as Promise<TimerLine[]>,
    db('inbound_attachments').where({ ticket_id: ticketId }).orderBy(['inbound_id', 'position'])
      .select('id', 'filename', 'content_type', 'size', db.raw('content is not null as stored'), 'skipped_reason') as Promise<AttachmentLine[]>,
  ]);
  return { events, emails, timers, attachments };
}

export async function attachmentContent(db: Tx, ticketId: number, id: number): Promise<{ filename: string; content: Buffer } | undefined> {
  const row = await db('inbound_attachments').where({ id, ticket_id: ticketId }).whereNotNull('content')
    .first('filename', 'content') as { filename: string; content: Buffer } | undefined;
  return row;
}
