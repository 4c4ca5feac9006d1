/** Ticket lists for the daily report: open as of an instant (with the next deadline), received and resolved in a day. */
import type { Db } from './db.ts';
import { reportRows } from './report-sql.ts';

export interface ReportTicketRow {
  id: number;
  ref: string;
  subject: string;
  department: string | null;
  level: number;
  priority: string | null;
  owner: string | null;
  createdAt: Date;
  resolvedAt: Date | null;
  rootCause: string | null;
  preventiveMeasure: string | null;
  /** The deadline of the next level, if any (in openTickets: the one pending at `asOf`). */
  dueAt: Date | null;
  /** The first deadline (level 1, the one in force): a ticket past it is overdue whatever level it reached since. */
  firstDueAt: Date | null;
  /** On hold at the time of the list: since when and why. */
  hold: { since: Date; reason: string } | null;
}

const COLUMNS = `t.id, t.ref, t.subject, t.department_key department, t.level, t.priority, t.owner_email owner, t.created_at,
  t.resolved_at, t.root_cause, t.preventive_measure,
  (select d.due_at from deadlines d where d.ticket_id = t.id and d.kind = 'escalate' and d.status = 'pending' order by d.level limit 1) due_at`;

interface Raw {
  id: number; ref: string; subject: string; department: string | null; level: number; owner: string | null; priority?: string | null;
  created_at: Date; resolved_at: Date | null; root_cause: string | null; preventive_measure: string | null; due_at: Date | null;
  first_due_at?: Date | null;
  hold_since?: Date | null;
  hold_reason?: string | null;
}

const toRow = (r: Raw): ReportTicketRow => ({
  id: r.id, ref: r.ref, subject: r.subject, department: r.department, level: r.level, owner: r.owner, priority: r.priority ?? null,
  createdAt: r.created_at, resolvedAt: r.resolved_at, rootCause: r.root_cause, preventiveMeasure: r.preventive_measure,
  dueAt: r.due_at, firstDueAt: r.first_due_at ?? null,
  hold: r.hold_since === undefined || r.hold_since === null ? null : { since: r.hold_since, reason: r.hold_reason ?? '' },
});

async function select(db: Db, sql: string, bindings: Record<string, unknown>): Promise<ReportTicketRow[]> {
  return ((await db.raw(sql, bindings)) as { rows: Raw[] }).rows.map(toRow);
}

/**
 * Every ticket open at `asOf`, the most urgent first (overdue, then by deadline, then oldest), with its level and
 * next deadline as they were at `asOf`: a deadline row settles when it fires or is voided, and the next level's row
 * appears when the previous one fires, so the row pending at `asOf` is the lowest one not settled by then.
 * Set-based on purpose: the open tickets are found once (two index ranges), then their events and deadlines are
 * each read in one pass and joined, instead of three lookups per ticket.
 */
export async function openTickets(db: Db, asOf: Date): Promise<ReportTicketRow[]> {
  return (await reportRows<Raw>(db, `
    with open as materialized (
      select t.id, t.ref, t.subject, t.department_key, t.priority, t.owner_email, t.created_at, t.resolved_at,
        t.root_cause, t.preventive_measure, t.hold_since, t.hold_reason
      from tickets t
      where t.created_at <= :asOf and (t.resolved_at is null or t.resolved_at > :asOf)
    ), levels as (
      select e.ticket_id, max((e.data->>'level')::int) level
      from ticket_events e join open o on o.id = e.ticket_id
      where e.kind = 'escalated' and e.created_at <= :asOf
      group by e.ticket_id
    ), due as (
      select d.ticket_id,
        (array_agg(d.due_at order by d.level, d.seq desc) filter (where d.settled_at is null or d.settled_at > :asOf))[1] due_at,
        (array_agg(d.due_at order by d.seq desc) filter (where d.level = 1))[1] first_due_at
      from deadlines d join open o on o.id = d.ticket_id
      where d.kind = 'escalate'
      group by d.ticket_id
    )
    select o.id, o.ref, o.subject, o.department_key department, o.priority, o.owner_email owner, o.created_at, o.resolved_at,
      o.root_cause, o.preventive_measure, case when o.hold_since <= :asOf then o.hold_since end hold_since, o.hold_reason,
      coalesce(l.level, 0) level, d.due_at, d.first_due_at
    from open o left join levels l on l.ticket_id = o.id left join due d on d.ticket_id = o.id
    order by d.due_at nulls last, o.created_at, o.id`, { asOf })).map(toRow);
}

export async function ticketsReceived(db: Db, from: Date, to: Date): Promise<ReportTicketRow[]> {
  return await select(db, `select ${COLUMNS} from tickets t where t.created_at >= :from and t.created_at < :to order by t.created_at, t.id`, { from, to });
}

export async function ticketsResolved(db: Db, from: Date, to: Date): Promise<ReportTicketRow[]> {
  return await select(db, `select ${COLUMNS} from tickets t where t.resolved_at >= :from and t.resolved_at < :to order by t.resolved_at, t.id`, { from, to });
}
