/**
 * Per-department figures of a period [from, to), straight from SQL aggregates over tickets, deadlines and events
 * (never counters kept by hand). Each figure is grouped by department and, in the same statement, over all
 * departments (GROUPING SETS), so the organisation's median is a true median and not an average of medians.
 *
 * Definitions (the reports print them too):
 * - received: tickets created in the period.
 * - resolved: tickets resolved in the period; time to resolve = resolved_at − created_at − time on hold.
 * - within the deadline: of the tickets whose level-1 deadline (the first 24 hours) fell in the period, those
 *   resolved before it, on the clock without the time on hold: a resume re-plans the deadline with the time that was
 *   left (that row is the one in force), and a ticket resolved while on hold stopped its clock before the deadline,
 *   so it met it. A deadline whose clock is stopped at the period's end (on hold, unresolved) is not counted: its
 *   ticket is counted where the re-planned deadline falls. Every counted outcome is settled when the period ends.
 * - on hold: tickets put on hold in the period, and the time tickets spent on hold within the period (each hold
 *   from `held` to its `resumed` or `resolved` event, or to the period's end while it lasts).
 * - escalated: tickets that reached level ≥ 1 (the General Manager) in the period: every 'escalated' event is a
 *   step up the ladder from level 1 on (fire-deadline.ts), so a ticket with one in the period counts once.
 * - reminders: 'reminder' events in the period.
 * - open at the end: created before the period ended and not resolved by then.
 */
import type { Db } from './db.ts';
import { reportRows } from './report-sql.ts';

export interface DepartmentFigures {
  /** Department key; null for tickets still awaiting routing. Ignored on the total row. */
  department: string | null;
  total: boolean;
  received: number;
  resolved: number;
  slaMet: number;
  slaDue: number;
  /** Median and 90th percentile of the time to resolve, in ms; null when nothing was resolved. */
  p50: number | null;
  p90: number | null;
  /** Tickets put on hold in the period, and the time spent on hold within it (ms). */
  held: number;
  heldMs: number;
  escalated: number;
  reminders: number;
  openAtEnd: number;
}

interface Grouped { g: number; d: string | null }

const key = (r: Grouped): string => (r.g === 1 ? '*' : `:${r.d ?? ''}`);

const rows = reportRows;

const LOOKUP_DAYS = 40;

/**
 * A month's deadlines (a twelfth of the history) find their tickets one index probe each, twice as fast as the
 * join the planner picks, which reads every ticket; a longer range is faster as that join (a year: 0.4 s against 1 s).
 */
function ticketOfDeadline(from: Date, to: Date): string {
  return to.getTime() - from.getTime() <= LOOKUP_DAYS * 86_400_000
    // offset 0 keeps the lookup a lookup: the planner would otherwise turn it back into the join
    ? 'cross join lateral (select department_key, resolved_at from tickets t where t.id = dl.ticket_id offset 0) t'
    : 'join tickets t on t.id = dl.ticket_id';
}

export async function departmentFigures(db: Db, from: Date, to: Date): Promise<DepartmentFigures[]> {
  const b = { from, to };
  const [received, resolved, sla, held, escalated, reminders, open] = await Promise.all([
    rows<Grouped & { n: number }>(db, `
      select grouping(department_key) g, department_key d, count(*)::int n from tickets
      where created_at >= :from and created_at < :to group by grouping sets ((department_key), ())`, b),
    // Both percentiles from one sort of the times (two percentile_cont calls sort them twice).
    rows<Grouped & { n: number; p: number[] | null }>(db, `
      select grouping(department_key) g, department_key d, count(*)::int n,
        percentile_cont(array[0.5, 0.9]) within group (order by (extract(epoch from resolved_at - created_at) - held_ms / 1000.0) * 1000) p
      from tickets where resolved_at >= :from and resolved_at < :to group by grouping sets ((department_key), ())`, b),
    rows<Grouped & { met: number; due: number }>(db, `
      select grouping(department_key) g, department_key d, count(*)::int due,
        (count(*) filter (where case when paused then resolved_at < :to else resolved_at < due_at end))::int met
      from (
        select t.department_key, t.resolved_at, dl.due_at,
          -- voided by a hold that never resumed (a resume would have planned a row with a higher seq)
          (dl.status = 'void' and exists (select 1 from ticket_events h where h.ticket_id = dl.ticket_id and h.kind = 'held' and h.created_at = dl.settled_at)) paused
        from deadlines dl ${ticketOfDeadline(from, to)}
        where dl.kind = 'escalate' and dl.level = 1 and dl.due_at >= :from and dl.due_at < :to
          -- a deadline moved by #موعد, #أولوية or a resume is replaced by a row with a higher seq: count the one in force
          and not dl.superseded
      ) s
      where not paused or resolved_at < :to
      group by grouping sets ((department_key), ())`, b),
    rows<Grouped & { n: number; ms: number | null }>(db, `
      select grouping(t.department_key) g, t.department_key d,
        (count(distinct h.ticket_id) filter (where h.created_at >= :from))::int n,
        sum(extract(epoch from least(coalesce(x.ended, :to), :to) - greatest(h.created_at, :from)) * 1000)::float8 ms
      from ticket_events h join tickets t on t.id = h.ticket_id
      cross join lateral (select min(e.created_at) ended from ticket_events e
        where e.ticket_id = h.ticket_id and e.kind in ('resumed', 'resolved') and e.created_at >= h.created_at and e.id > h.id) x
      where h.kind = 'held' and h.created_at < :to and (x.ended is null or x.ended > :from)
      group by grouping sets ((t.department_key), ())`, b),
    rows<Grouped & { n: number }>(db, `
      select grouping(t.department_key) g, t.department_key d, count(distinct e.ticket_id)::int n
      from ticket_events e join tickets t on t.id = e.ticket_id
      where e.kind = 'escalated' and e.created_at >= :from and e.created_at < :to
      group by grouping sets ((t.department_key), ())`, b),
    rows<Grouped & { n: number }>(db, `
      select grouping(t.department_key) g, t.department_key d, count(*)::int n
      from ticket_events e join tickets t on t.id = e.ticket_id
      where e.kind = 'reminder' and e.created_at >= :from and e.created_at < :to
      group by grouping sets ((t.department_key), ())`, b),
    // Two branches so each can use its own index: never resolved, and resolved only after the period.
    rows<Grouped & { n: number }>(db, `
      select grouping(department_key) g, department_key d, count(*)::int n from (
        select department_key from tickets where resolved_at is null and created_at < :to
        union all
        select department_key from tickets where resolved_at >= :to and created_at < :to
      ) o group by grouping sets ((department_key), ())`, b),
  ]);
  const out = new Map<string, DepartmentFigures>();
  const at = (r: Grouped): DepartmentFigures => {
    let f = out.get(key(r));
    if (f === undefined) {
      f = { department: r.g === 1 ? null : r.d, total: r.g === 1, received: 0, resolved: 0, slaMet: 0, slaDue: 0,
        p50: null, p90: null, held: 0, heldMs: 0, escalated: 0, reminders: 0, openAtEnd: 0 };
      out.set(key(r), f);
    }
    return f;
  };
  at({ g: 1, d: null });
  for (const r of received) at(r).received = r.n;
  for (const r of resolved) Object.assign(at(r), { resolved: r.n, p50: r.p?.[0] ?? null, p90: r.p?.[1] ?? null });
  for (const r of sla) Object.assign(at(r), { slaMet: r.met, slaDue: r.due });
  for (const r of held) Object.assign(at(r), { held: r.n, heldMs: Math.round(r.ms ?? 0) });
  for (const r of escalated) at(r).escalated = r.n;
  for (const r of reminders) at(r).reminders = r.n;
  for (const r of open) at(r).openAtEnd = r.n;
  return [...out.values()];
}

export type TrendMeasure = 'received' | 'resolved' | 'escalated';
export interface TrendCount { bucket: string; department: string | null; n: number }

/** One unit of a trend: its period key and its instants. */
export interface TrendBucket { key: string; from: Date; to: Date }

/**
 * Counts per (bucket, department), for trend charts. Each bucket is one index range scan, so no per-ticket time
 * zone arithmetic: the buckets' instants come from report-period.ts.
 */
export async function trendCounts(db: Db, measure: TrendMeasure, buckets: readonly TrendBucket[]): Promise<TrendCount[]> {
  if (buckets.length === 0) return [];
  const count = {
    received: `select department_key department, count(*)::int n from tickets
      where created_at >= p.s and created_at < p.e group by 1`,
    resolved: `select department_key department, count(*)::int n from tickets
      where resolved_at >= p.s and resolved_at < p.e group by 1`,
    escalated: `select t.department_key department, count(distinct e.ticket_id)::int n
      from ticket_events e join tickets t on t.id = e.ticket_id
      where e.kind = 'escalated' and e.created_at >= p.s and e.created_at < p.e group by 1`,
  }[measure];
  return await reportRows<TrendCount>(db, `
    select p.k bucket, x.department, x.n
    from unnest(:keys::text[], :starts::timestamptz[], :ends::timestamptz[]) p(k, s, e)
    cross join lateral (${count}) x`,
  { keys: buckets.map((b) => b.key), starts: buckets.map((b) => b.from), ends: buckets.map((b) => b.to) });
}
