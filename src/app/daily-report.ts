/**
 * The daily report to the Core group (policy 000, item 6): every escalated ticket still open — age, department,
 * owner, level, time left or overdue — plus the tickets received and resolved on the report's day (Asia/Riyadh).
 * "Still open" and "time left" are as of the moment the report is built (`asOf`).
 */
import { openTicketCounts, openTickets, ticketsReceived, ticketsResolved, type ReportTicketRow } from '../adapters/report-tickets.ts';
import { bars } from '../domain/report-chart.ts';
import { toCsv } from '../domain/csv.ts';
import { dualDate, type Locale } from '../domain/dates.ts';
import { ladderLevel } from '../domain/escalation-ladder.ts';
import { durationText, levelName } from '../domain/labels.ts';
import { periodInstants, type Period } from '../domain/report-period.ts';
import { tracked, type Progress } from './report-progress.ts';
import { departmentName, NONE, reportBase, type ReportDeps, type ReportModel, type ViewContext } from './report-view.ts';

/** Open tickets listed in the email, the most urgent first; the CSV attachment has more. */
export const DAILY_LIST_LIMIT = 200;
/**
 * Open tickets in the CSV attachment. Beyond it the counts still cover every ticket and the email says how many the
 * file leaves out (the web desk lists them all): a backlog of 200,000 open tickets would otherwise put a 40 MB
 * attachment in every reader's email and the daemon's memory.
 */
export const DAILY_CSV_LIMIT = 5000;

function levelText(deps: ReportDeps, level: number, t: { priority: string | null; departmentKey: string | null }, locale: Locale): string {
  const department = t.departmentKey;
  // A ticket still awaiting routing has no head of department yet: it is with the Core group's triage.
  if (level === 0 && department === null) return locale === 'ar' ? '0 — بانتظار التوجيه' : '0 — awaiting routing';
  if (level === 0) return locale === 'ar' ? '0 — رئيس الإدارة' : '0 — head of department';
  return `${level} — ${levelName(ladderLevel(deps.policy, level, t), locale, deps.policy.people)}`;
}

function ownerText(deps: ReportDeps, owner: string | null, locale: Locale): string {
  if (owner === null) return locale === 'ar' ? 'لم يُحدَّد' : 'not set';
  const p = deps.directory.person(owner);
  return p === undefined ? owner : p.name[locale];
}

/** How long ago the first deadline passed (policy 000: the 24 hours), or — while it has not. */
function lateText(late: number | null, locale: Locale): string {
  if (late === null || late <= 0) return NONE;
  return locale === 'ar' ? `متأخرة ${durationText(late, locale)}` : `overdue by ${durationText(late, locale)}`;
}

/** An on-hold ticket's clock is stopped: since when and why, instead of a next level. */
function holdText(deps: ReportDeps, h: { since: Date; reason: string }, locale: Locale): string {
  const since = dualDate(h.since, locale, deps.policy.timezone).gregorian;
  return locale === 'ar' ? `في الانتظار منذ ${since}: ${h.reason}` : `on hold since ${since}: ${h.reason}`;
}

/** When the next level of the ladder is due, apart from how late the ticket is. */
function nextText(nextLevel: number, left: number | null, locale: Locale): string {
  if (left === null) return locale === 'ar' ? 'لا مستوى بعده' : 'top of the ladder';
  if (left <= 0) return locale === 'ar' ? `المستوى ${nextLevel}: مستحق الآن` : `level ${nextLevel}: due now`;
  return locale === 'ar' ? `المستوى ${nextLevel} بعد ${durationText(left, locale)}` : `level ${nextLevel} in ${durationText(left, locale)}`;
}

export async function loadDailyReport(deps: ReportDeps, period: Period, asOf: Date, progress?: Progress): Promise<(ctx: ViewContext) => ReportModel> {
  const { from, to } = periodInstants(period, deps.policy.timezone);
  const rows = await tracked({
    open: openTickets(deps.db, asOf, DAILY_CSV_LIMIT),
    counts: openTicketCounts(deps.db, asOf),
    received: ticketsReceived(deps.db, from, to),
    resolved: ticketsResolved(deps.db, from, to),
  }, progress);
  const now = asOf.getTime();

  return (ctx) => {
    const { locale } = ctx;
    const dept = (r: ReportTicketRow): string => departmentName(deps, r.department, locale);
    const open = rows.open.map((r) => {
      const left = r.dueAt === null ? null : r.dueAt.getTime() - now;
      // On hold the clock stopped when the hold began: how late it was then is how late it is.
      const clockAt = r.hold === null ? now : r.hold.since.getTime();
      const late = r.firstDueAt === null ? null : clockAt - r.firstDueAt.getTime();
      return {
        ref: r.ref, subject: r.subject, department: dept(r), owner: ownerText(deps, r.owner, locale),
        level: r.level, levelText: levelText(deps, r.level, { priority: r.priority, departmentKey: r.department }, locale), age: durationText(now - r.createdAt.getTime(), locale),
        late: lateText(late, locale), overdue: late !== null && late > 0,
        next: r.hold === null ? nextText(r.level + 1, left, locale) : holdText(deps, r.hold, locale),
      };
    });
    const perDept = new Map<string, number>();
    for (const c of rows.counts) {
      const name = departmentName(deps, c.department, locale);
      perDept.set(name, (perDept.get(name) ?? 0) + c.open);
    }
    const total = rows.counts.reduce((n, c) => n + c.open, 0);
    const ar = locale === 'ar';
    const header = ar
      ? ['القسم', 'المرجع', 'الموضوع', 'الإدارة', 'المسؤول', 'المستوى', 'العمر', 'التأخر عن المهلة', 'المستوى التالي', 'السبب الجذري', 'الإجراء الوقائي']
      : ['section', 'reference', 'subject', 'department', 'owner', 'level', 'age', 'overdue', 'next level', 'root cause', 'preventive measure'];
    const section = ar ? { open: 'مفتوحة', received: 'جديدة', resolved: 'محلولة' } : { open: 'open', received: 'new', resolved: 'resolved' };
    const csv = toCsv([
      header,
      ...open.map((o) => [section.open, o.ref, o.subject, o.department, o.owner, o.level, o.age, o.late, o.next, '', '']),
      ...rows.received.map((r) => [section.received, r.ref, r.subject, dept(r), ownerText(deps, r.owner, locale), r.level, '', '', '', '', '']),
      ...rows.resolved.map((r) => [section.resolved, r.ref, r.subject, dept(r), ownerText(deps, r.owner, locale), r.level, '', '', '',
        r.rootCause ?? '', r.preventiveMeasure ?? '']),
    ]);
    return {
      ...reportBase(deps, 'daily', period, asOf, ctx),
      counts: {
        open: total, overdue: rows.counts.reduce((n, c) => n + c.overdue, 0),
        received: rows.received.length, resolved: rows.resolved.length,
      },
      open: open.slice(0, DAILY_LIST_LIMIT),
      openMore: Math.max(0, open.length - DAILY_LIST_LIMIT),
      csvMore: Math.max(0, total - open.length),
      chart: bars([...perDept].sort((a, b) => b[1] - a[1]).map(([name, n]) => ({ label: name, value: n }))),
      received: rows.received.map((r) => ({ ref: r.ref, subject: r.subject, department: dept(r) })),
      resolved: rows.resolved.map((r) => ({
        ref: r.ref, subject: r.subject, department: dept(r), rootCause: r.rootCause ?? '', prevention: r.preventiveMeasure ?? '',
      })),
      csv,
      csvName: `daily-${period.key}.csv`,
    };
  };
}
