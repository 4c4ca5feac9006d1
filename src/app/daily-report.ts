/**
 * The daily report to the Core group (policy 000, item 6): every escalated ticket still open — age, department,
 * level, time left or overdue — plus the tickets received and resolved the previous day (Asia/Riyadh days).
 * Sent once per day: one report_runs row per (kind, period) decides.
 */
import type { Db } from '../adapters/db.ts';
import { addOutbound } from '../adapters/outbox-store.ts';
import { addDays, dualDate, localDate, startOfLocalDay, type Locale } from '../domain/dates.ts';
import { durationText } from '../domain/labels.ts';
import { NO_TICKET } from '../domain/directory.ts';
import type { AppDeps } from './deps.ts';

interface Row {
  id: number; ref: string; subject: string; department_key: string | null; status: string; level: number;
  created_at: Date; resolved_at: Date | null; due_at: Date | null; root_cause: string | null;
}

export interface DailyReportModel {
  org: string;
  title: string;
  recipient: string;
  date: string;
  dateText: string;
  counts: { open: number; overdue: number; received: number; resolved: number };
  open: { ref: string; subject: string; department: string; level: number; age: string; due: string; overdue: boolean }[];
  received: { ref: string; subject: string; department: string }[];
  resolved: { ref: string; subject: string; department: string; rootCause: string }[];
  csv: string;
  csvName: string;
}

const csvCell = (v: string | number): string => {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

async function load(db: Db, from: Date, to: Date, asOf: Date): Promise<{ open: Row[]; received: Row[]; resolved: Row[] }> {
  const base = () => db('tickets as t')
    .leftJoin('deadlines as d', function joinPending() { this.on('d.ticket_id', 't.id').andOnVal('d.status', 'pending').andOnVal('d.kind', 'escalate'); })
    .select('t.id', 't.ref', 't.subject', 't.department_key', 't.status', 't.level', 't.created_at', 't.resolved_at', 't.root_cause', 'd.due_at');
  const [open, received, resolved] = await Promise.all([
    base().whereNot('t.status', 'resolved').where('t.created_at', '<=', asOf).orderBy('t.created_at') as Promise<Row[]>,
    base().where('t.created_at', '>=', from).where('t.created_at', '<', to).orderBy('t.id') as Promise<Row[]>,
    base().where('t.resolved_at', '>=', from).where('t.resolved_at', '<', to).orderBy('t.resolved_at') as Promise<Row[]>,
  ]);
  return { open, received, resolved };
}

/** The report for `date` covers the day before it and the open tickets as of `asOf`. */
export async function buildDailyReport(deps: AppDeps, date: string, locale: Locale, asOf: Date): Promise<DailyReportModel> {
  const tz = deps.policy.timezone;
  const from = startOfLocalDay(addDays(date, -1), tz);
  const to = startOfLocalDay(date, tz);
  const rows = await load(deps.db, from, to, asOf);
  const dept = (key: string | null): string => {
    const d = deps.directory.department(key);
    return d === undefined ? (locale === 'ar' ? 'بانتظار التوجيه' : 'awaiting routing') : d.name[locale];
  };
  const now = asOf.getTime();
  const open = rows.open.map((r) => {
    const left = r.due_at === null ? null : r.due_at.getTime() - now;
    const overdue = left !== null && left < 0;
    const due = left === null ? '—' : overdue
      ? (locale === 'ar' ? `متأخرة ${durationText(-left, locale)}` : `overdue by ${durationText(-left, locale)}`)
      : (locale === 'ar' ? `متبقٍ ${durationText(left, locale)}` : `${durationText(left, locale)} left`);
    return { ref: r.ref, subject: r.subject, department: dept(r.department_key), level: r.level,
      age: durationText(now - r.created_at.getTime(), locale), due, overdue };
  });
  const header = locale === 'ar'
    ? ['القسم', 'المرجع', 'الموضوع', 'الإدارة', 'المستوى', 'العمر', 'المهلة']
    : ['section', 'reference', 'subject', 'department', 'level', 'age', 'deadline'];
  const section = locale === 'ar' ? { open: 'مفتوحة', received: 'جديدة', resolved: 'محلولة' } : { open: 'open', received: 'new', resolved: 'resolved' };
  const lines = [
    header,
    ...open.map((o) => [section.open, o.ref, o.subject, o.department, o.level, o.age, o.due]),
    ...rows.received.map((r) => [section.received, r.ref, r.subject, dept(r.department_key), r.level, '', '']),
    ...rows.resolved.map((r) => [section.resolved, r.ref, r.subject, dept(r.department_key), r.level, '', '']),
  ];
  const org = deps.policy.organisation.name[locale];
  const dateText = dualDate(from, locale, tz);
  return {
    org,
    title: locale === 'ar' ? `التقرير اليومي للتذاكر المصعّدة — ${addDays(date, -1)}` : `Daily escalated-tickets report — ${addDays(date, -1)}`,
    recipient: '',
    date: addDays(date, -1),
    dateText: `${dateText.gregorian.replace(/\s*\d{1,2}:\d{2}.*$/, '')} — ${dateText.hijri}`,
    counts: { open: open.length, overdue: open.filter((o) => o.overdue).length, received: rows.received.length, resolved: rows.resolved.length },
    open,
    received: rows.received.map((r) => ({ ref: r.ref, subject: r.subject, department: dept(r.department_key) })),
    resolved: rows.resolved.map((r) => ({ ref: r.ref, subject: r.subject, department: dept(r.department_key), rootCause: r.root_cause ?? '' })),
    csv: `${lines.map((l) => l.map(csvCell).join(',')).join('\r\n')}\r\n`,
    csvName: `daily-${addDays(date, -1)}.csv`,
  };
}

/** The report date a run at `now` belongs to (the local date of the run). */
export function dailyPeriod(deps: AppDeps, now: Date): string {
  return localDate(now, deps.policy.timezone);
}

export type ReportSendResult = { sent: true; outboxIds: number[] } | { sent: false; reason: string };

/** Queues the daily report for `date` to its recipients, once: a second call for the same date does nothing. */
export async function sendDailyReport(deps: AppDeps, date: string, late = false): Promise<ReportSendResult> {
  const now = deps.clock.now();
  const recipients = deps.directory.audiences(deps.policy.reports.daily.recipients, NO_TICKET);
  const result = await deps.db.transaction(async (tx): Promise<ReportSendResult> => {
    const [run] = await tx('report_runs').insert({ kind: 'daily', period: date, late })
      .onConflict(['kind', 'period']).ignore().returning('id') as { id: number }[];
    if (run === undefined) return { sent: false, reason: `the daily report for ${date} was already sent` };
    const models = new Map<Locale, DailyReportModel>();
    for (const r of recipients) {
      if (!models.has(r.locale)) models.set(r.locale, await buildDailyReport(deps, date, r.locale, now));
    }
    const outboxIds = await addOutbound(tx, deps.policy.organisation.domain, now, recipients.map((r) => ({
      ticketId: null, eventId: null, reportRunId: run.id, template: 'daily-report', locale: r.locale, to: r.email,
      data: { ...models.get(r.locale), recipient: r.name },
    })));
    return { sent: true, outboxIds };
  });
  if (result.sent) await deps.scheduler.schedule({ outboxIds: result.outboxIds, timers: [] });
  return result;
}
