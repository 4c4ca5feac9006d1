/**
 * What the monthly report says about causes (escalation policy, step 11): the most frequent root causes, recurring
 * problems and the preventive measures recorded, each grouped by department and over all departments. Texts are
 * compared after report_norm()/subject_pattern() (migration 20261201000000_reports), so spelling variants of
 * Arabic letters, diacritics, punctuation and numbers do not split one problem into several.
 */
import type { Db } from './db.ts';

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

/**
 * Groups of tickets with the same normalised `expr`, per department and overall, largest first; at most `limit`
 * groups per department (and overall), and only groups of at least `min` tickets.
 */
async function grouped(db: Db, o: { expr: string; text: string; where: string; from: Date; to: Date; limit: number; min: number }): Promise<TextGroup[]> {
  const { rows } = await db.raw(`
    with x as (
      select department_key, ${o.expr} k, ${o.text} txt, ref, created_at from tickets where ${o.where}
    ), g as (
      select grouping(department_key) g, department_key d, k, count(*)::int n,
        (array_agg(txt order by created_at desc))[1] text,
        (array_agg(ref order by created_at desc))[1:5] refs
      from x where k is not null group by grouping sets ((department_key, k), (k))
      having count(*) >= :min
    )
    select g, d, text, n, refs from (
      select g.*, row_number() over (partition by g, d order by n desc, text) rn from g
    ) r where rn <= :limit order by g desc, d, n desc, text`,
  { from: o.from, to: o.to, limit: o.limit, min: o.min }) as { rows: GroupRow[] };
  return toGroups(rows);
}

/** The most frequent root causes of the tickets resolved in [from, to). */
export async function rootCauses(db: Db, from: Date, to: Date, limit: number, min = 1): Promise<TextGroup[]> {
  return await grouped(db, {
    expr: 'report_norm(root_cause)', text: 'root_cause', limit, min, from, to,
    where: 'resolved_at >= :from and resolved_at < :to and root_cause is not null',
  });
}

/** Subjects that follow the same pattern in at least `min` tickets received in [from, to). */
export async function recurringSubjects(db: Db, from: Date, to: Date, limit: number, min = 2): Promise<TextGroup[]> {
  return await grouped(db, {
    expr: 'subject_pattern(subject)', text: 'subject', limit, min, from, to,
    where: 'created_at >= :from and created_at < :to',
  });
}

/** The preventive measures recorded on tickets resolved in [from, to), the same measure counted once. */
export async function preventiveMeasures(db: Db, from: Date, to: Date, limit: number): Promise<TextGroup[]> {
  return await grouped(db, {
    expr: 'report_norm(preventive_measure)', text: 'preventive_measure', limit, min: 1, from, to,
    where: 'resolved_at >= :from and resolved_at < :to and preventive_measure is not null',
  });
}

/** Tickets of these departments still open when the period ended, oldest first, at most `limit` per department. */
export async function openAtEnd(db: Db, departments: readonly string[], to: Date, limit: number): Promise<OpenTicketRow[]> {
  if (departments.length === 0) return [];
  const { rows } = await db.raw(`
    select department, ref, subject, level, created_at from (
      select department_key department, ref, subject, level, created_at,
        row_number() over (partition by department_key order by created_at, id) rn
      from (
        select * from tickets where resolved_at is null and created_at < :to and department_key = any(:departments)
        union all
        select * from tickets where resolved_at >= :to and created_at < :to and department_key = any(:departments)
      ) o
    ) r where rn <= :limit order by department, created_at`,
  { to, limit, departments: [...departments] }) as { rows: (Omit<OpenTicketRow, 'createdAt'> & { created_at: Date })[] };
  return rows.map((r) => ({ department: r.department, ref: r.ref, subject: r.subject, level: r.level, createdAt: r.created_at }));
}
