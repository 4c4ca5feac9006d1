/**
 * What the monthly report says about causes (escalation policy, step 11): the most frequent root causes, recurring
 * problems and the preventive measures recorded, each grouped by department and over all departments. Texts are
 * compared by their report_norm()/subject_pattern() columns (migration 20261201000000_reports), so spelling variants of
 * Arabic letters, diacritics, punctuation and numbers do not split one problem into several. "Most recent" is by
 * the time that places the ticket in the period: resolution for causes and measures, receipt for subjects.
 */
import type { Db } from './db.ts';
import { reportRows } from './report-sql.ts';

export interface TextGroup {
  /** Department key; null on the all-departments rows (`total`), or for tickets awaiting routing. */
  department: string | null;
  total: boolean;
  /** The most recent wording of the text. */
  text: string;
  count: number;
  /** References of the most recent tickets in the group (up to 5), newest first. */
  refs: string[];
}

export interface OpenTicketRow {
  department: string | null;
  ref: string;
  subject: string;
  level: number;
  createdAt: Date;
}

interface GroupRow { g: number; d: string | null; text: string; n: number; refs: string[] }

const toGroups = (rows: GroupRow[]): TextGroup[] =>
  rows.map((r) => ({ department: r.g === 1 ? null : r.d, total: r.g === 1, text: r.text, count: r.n, refs: r.refs }));

/** A normalised text column of tickets (migration 20261201000000_reports) and the time that places a ticket in a period. */
interface Grouping { key: 'subject_key' | 'root_cause_key' | 'prevention_key'; text: string; time: 'created_at' | 'resolved_at' }

/**
 * Groups of tickets with the same `key` in [from, to), per department and overall, largest first: at most `limit`
 * groups per department (and overall), of at least `min` tickets each. Counting reads only a covering index; the
 * wording and latest references are then fetched for the few groups shown, newest first.
 */
async function grouped(db: Db, o: Grouping & { from: Date; to: Date; limit: number; min: number }): Promise<TextGroup[]> {
  const rows = await reportRows<GroupRow>(db, `
    with g as (
      select grouping(department_key) g, department_key d, ${o.key} k, count(*)::int n
      from tickets where ${o.time} >= :from and ${o.time} < :to and ${o.key} is not null
      group by grouping sets ((department_key, ${o.key}), (${o.key})) having count(*) >= :min
    ), top as (
      select * from (select g.*, row_number() over (partition by g, d order by n desc, k) rn from g) r where rn <= :limit
    )
    select top.g, top.d, top.n, l.text, l.refs from top cross join lateral (
      select (array_agg(x.txt order by x.at desc, x.id desc))[1] text, array_agg(x.ref order by x.at desc, x.id desc) refs from (
        select t.id, t.ref, t.${o.text} txt, t.${o.time} at from tickets t
        where t.${o.key} = top.k and t.${o.time} >= :from and t.${o.time} < :to
          and (top.g = 1 or t.department_key is not distinct from top.d)
        order by t.${o.time} desc, t.id desc limit 5
      ) x
    ) l
    order by top.g desc, top.d, top.n desc, l.text`,
  { from: o.from, to: o.to, limit: o.limit, min: o.min });
  return toGroups(rows);
}

/** The most frequent root causes of the tickets resolved in [from, to). */
export async function rootCauses(db: Db, from: Date, to: Date, limit: number, min = 1): Promise<TextGroup[]> {
  return await grouped(db, { key: 'root_cause_key', text: 'root_cause', time: 'resolved_at', limit, min, from, to });
}

/** Subjects that follow the same pattern in at least `min` tickets received in [from, to). */
export async function recurringSubjects(db: Db, from: Date, to: Date, limit: number, min = 2): Promise<TextGroup[]> {
  return await grouped(db, { key: 'subject_key', text: 'subject', time: 'created_at', limit, min, from, to });
}

/** The preventive measures recorded on tickets resolved in [from, to), the same measure counted once. */
export async function preventiveMeasures(db: Db, from: Date, to: Date, limit: number): Promise<TextGroup[]> {
  return await grouped(db, { key: 'prevention_key', text: 'preventive_measure', time: 'resolved_at', limit, min: 1, from, to });
}

/** Tickets of these departments still open when the period ended, oldest first, at most `limit` per department. */
export async function openAtEnd(db: Db, departments: readonly string[], to: Date, limit: number): Promise<OpenTicketRow[]> {
  if (departments.length === 0) return [];
  // Tickets resolved after the end are found by whichever index suits the period (no ORDER BY … LIMIT to mislead
  // the planner into walking created_at from the first ticket ever), then taken per department.
  const rows = await reportRows<Omit<OpenTicketRow, 'createdAt'> & { created_at: Date }>(db, `
    with late as materialized (
      select id, department_key, ref, subject, level, created_at from tickets
      where resolved_at >= :to and created_at < :to and department_key = any(:departments)
    )
    select d.department, x.ref, x.subject, x.level, x.created_at
    from unnest(:departments::text[]) d(department) cross join lateral (
      select * from (
        (select id, ref, subject, level, created_at from tickets
          where department_key = d.department and resolved_at is null and created_at < :to order by created_at, id limit :limit)
        union all
        (select id, ref, subject, level, created_at from late where department_key = d.department order by created_at, id limit :limit)
      ) u order by created_at, id limit :limit
    ) x order by d.department, x.created_at, x.id`,
  { to, limit, departments: [...departments] });
  return rows.map((r) => ({ department: r.department, ref: r.ref, subject: r.subject, level: r.level, createdAt: r.created_at }));
}
