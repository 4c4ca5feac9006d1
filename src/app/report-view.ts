/**
 * What every report shows the same way: department names, durations, percentages, changes against the previous
 * period, and the per-department figures table that the weekly and monthly reports share (one row per department,
 * the organisation's total last).
 */
import { departmentFigures, type DepartmentFigures, type TrendBucket, type TrendCount } from '../adapters/report-figures.ts';
import { dualDate, type Locale } from '../domain/dates.ts';
import type { Directory } from '../domain/directory.ts';
import { durationText } from '../domain/labels.ts';
import type { Policy } from '../domain/policy.ts';
import type { CsvCell } from '../domain/csv.ts';
import { periodLabel, shortLabel } from '../domain/period-label.ts';
import { bars, type Bar } from '../domain/report-chart.ts';
import { periodInstants, previousPeriod, type Period, type ReportKind } from '../domain/report-period.ts';
import { reportTitle } from '../domain/report-title.ts';
import type { AppDeps } from './deps.ts';

/** What loading a report needs: no queues, no mailer, no templates. */
export interface ReportDeps {
  db: AppDeps['db'];
  policy: Policy;
  directory: Directory;
  /** DESK_URL: ticket references in reports link to their pages. */
  deskUrl?: string | undefined;
}

/** A report ready for a template: plain JSON (it is stored in the outbox row), with its CSV attachment. */
export interface ReportModel extends Record<string, unknown> {
  title: string;
  csv: string;
  csvName: string;
}

export interface ViewContext {
  locale: Locale;
  /** Departments the reader heads: the monthly report adds their own department's detail. */
  heads: readonly string[];
  late: boolean;
  /** Set when a manager forwarded the report (#رفع). */
  forward?: { by: string; note: string; at: string };
}

export const NONE = '—';

export function departmentName(deps: ReportDeps, key: string | null, locale: Locale): string {
  const d = deps.directory.department(key);
  if (d !== undefined) return d.name[locale];
  if (key === null) return locale === 'ar' ? 'بانتظار التوجيه' : 'Awaiting routing';
  return key;
}

export const totalName = (locale: Locale): string => (locale === 'ar' ? 'جميع الإدارات' : 'All departments');

export function durationOrNone(ms: number | null, locale: Locale): string {
  return ms === null ? NONE : durationText(ms, locale);
}

/** Share in whole percent, or null when there is nothing to share. */
export function percent(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((part / whole) * 100);
}

export const percentText = (p: number | null): string => (p === null ? NONE : `${p}%`);

/** Hours to four decimals (a third of a second), for CSV columns that a spreadsheet sums or charts: 22 s is 0.0061 h. */
export const hours = (ms: number | null): number | null => (ms === null ? null : Math.round(ms / 360) / 10_000);

export interface Change {
  text: string;
  /** good / bad / neutral: the colour in the HTML. */
  tone: 'good' | 'bad' | 'neutral';
}

/**
 * The change from the previous period. `better` says which direction is good news ('up' for compliance,
 * 'down' for open tickets or escalations, 'none' for volumes).
 */
export function change(now: number | null, before: number | null, better: 'up' | 'down' | 'none', unit = ''): Change | null {
  if (now === null || before === null) return null;
  const d = now - before;
  if (d === 0) return { text: '=', tone: 'neutral' };
  const tone = better === 'none' ? 'neutral' : (d > 0) === (better === 'up') ? 'good' : 'bad';
  return { text: `${d > 0 ? '▲' : '▼'} ${Math.abs(d)}${unit}`, tone };
}

export function durationChange(now: number | null, before: number | null, locale: Locale): Change | null {
  if (now === null || before === null) return null;
  // Compared at the precision the figure is read at: seconds under an hour, whole minutes above.
  const unit = Math.max(now, before) < 3_600_000 ? 1000 : 60_000;
  const d = Math.round(now / unit) - Math.round(before / unit);
  if (d === 0) return { text: '=', tone: 'neutral' };
  return { text: `${d > 0 ? '▲' : '▼'} ${durationText(Math.abs(d) * unit, locale)}`, tone: d > 0 ? 'bad' : 'good' };
}

export interface FigureRow {
  department: string;
  key: string | null;
  total: boolean;
  received: number;
  resolved: number;
  sla: string;
  slaPercent: number | null;
  slaDetail: string;
  p50: string;
  p90: string;
  /** Tickets put on hold in the period, and the time on hold within it (counted apart from time to resolve). */
  held: number;
  onHold: string;
  escalated: number;
  reminders: number;
  open: number;
  change: { received: Change | null; sla: Change | null; p50: Change | null; escalated: Change | null; open: Change | null };
}

const rowKey = (f: DepartmentFigures): string => (f.total ? '*' : `:${f.department ?? ''}`);

/**
 * One row per department in the policy (even without tickets) plus one for tickets awaiting routing when there are
 * any, busiest first, and the total last; with the change against the previous period's figures.
 */
export function figureRows(deps: ReportDeps, now: readonly DepartmentFigures[], before: readonly DepartmentFigures[], locale: Locale): FigureRow[] {
  const prev = new Map(before.map((f) => [rowKey(f), f]));
  const cur = new Map(now.map((f) => [rowKey(f), f]));
  const empty = (department: string | null, total: boolean): DepartmentFigures => ({
    department, total, received: 0, resolved: 0, slaMet: 0, slaDue: 0, p50: null, p90: null, held: 0, heldMs: 0, escalated: 0, reminders: 0, openAtEnd: 0,
  });
  const keys: (string | null)[] = deps.policy.departments.map((d) => d.key);
  for (const f of [...now, ...before]) if (!f.total && !keys.includes(f.department)) keys.push(f.department);
  const list = keys.map((k) => cur.get(`:${k ?? ''}`) ?? empty(k, false))
    .filter((f) => f.department !== null || prev.has(':') || cur.has(':'))
    .sort((a, b) => b.received - a.received || b.openAtEnd - a.openAtEnd);
  list.push(cur.get('*') ?? empty(null, true));
  return list.map((f) => {
    const p = prev.get(rowKey(f)) ?? empty(f.department, f.total);
    const sla = percent(f.slaMet, f.slaDue);
    return {
      department: f.total ? totalName(locale) : departmentName(deps, f.department, locale),
      key: f.department, total: f.total, received: f.received, resolved: f.resolved,
      sla: percentText(sla), slaPercent: sla, slaDetail: `${f.slaMet}/${f.slaDue}`,
      p50: durationOrNone(f.p50, locale), p90: durationOrNone(f.p90, locale),
      held: f.held, onHold: f.heldMs === 0 ? NONE : durationText(f.heldMs, locale),
      escalated: f.escalated, reminders: f.reminders, open: f.openAtEnd,
      change: {
        received: change(f.received, p.received, 'none'),
        sla: change(sla, percent(p.slaMet, p.slaDue), 'up', locale === 'ar' ? ' نقطة' : ' pts'),
        p50: durationChange(f.p50, p.p50, locale),
        escalated: change(f.escalated, p.escalated, 'down'),
        open: change(f.openAtEnd, p.openAtEnd, 'down'),
      },
    };
  });
}

/** CSV columns of the figures table (numbers as numbers, durations in hours). */
export function figureCsv(
  rows: readonly { label: string; figures: readonly DepartmentFigures[] }[], deps: ReportDeps, locale: Locale,
): CsvCell[][] {
  const head = locale === 'ar'
    ? ['الفترة', 'الإدارة', 'الواردة', 'المحلولة', 'حُلّت ضمن المهلة', 'مهل انقضت في الفترة', 'نسبة الالتزام %',
      'وسيط زمن الحل (ساعة)', 'المئين 90 لزمن الحل (ساعة)', 'وُضعت في الانتظار', 'وقت الانتظار (ساعة)', 'صُعّدت إلى المدير العام',
      'التذكيرات', 'مفتوحة في نهاية الفترة']
    : ['period', 'department', 'received', 'resolved', 'resolved within deadline', 'deadlines due in period', 'compliance %',
      'median time to resolve (h)', 'p90 time to resolve (h)', 'put on hold', 'time on hold (h)', 'escalated to General Manager',
      'reminders', 'open at end of period'];
  const out: CsvCell[][] = [head];
  for (const { label, figures } of rows) {
    for (const f of figures) {
      out.push([label, f.total ? totalName(locale) : departmentName(deps, f.department, locale), f.received, f.resolved,
        f.slaMet, f.slaDue, percent(f.slaMet, f.slaDue), hours(f.p50), hours(f.p90), f.held, hours(f.heldMs), f.escalated, f.reminders, f.openAtEnd]);
    }
  }
  return out;
}

export function generatedText(deps: ReportDeps, asOf: Date, locale: Locale): string {
  return dualDate(asOf, locale, deps.policy.timezone).text;
}

/** The first deadline of the ladder in words ("24 ساعة"): what "within the deadline" refers to. */
export function deadlineWindow(deps: ReportDeps, locale: Locale): string {
  return durationText(deps.policy.ladder[0]?.after ?? 0, locale);
}

/** The instants of each unit of a trend chart. */
export function trendBuckets(deps: ReportDeps, periods: readonly Period[]): TrendBucket[] {
  return periods.map((p) => ({ key: p.key, ...periodInstants(p, deps.policy.timezone) }));
}

/** Totals per unit of a trend (all departments), in the order of `periods`. */
export function trendTotals(periods: readonly Period[], counts: readonly { bucket: string; n: number }[]): number[] {
  const by = new Map<string, number>();
  for (const c of counts) by.set(c.bucket, (by.get(c.bucket) ?? 0) + c.n);
  return periods.map((p) => by.get(p.key) ?? 0);
}

/** Bars of tickets received per unit, with the received and resolved counts written beside them. */
export function volumeTrend(deps: ReportDeps, periods: readonly Period[], received: readonly TrendCount[], resolved: readonly TrendCount[], locale: Locale): Bar[] {
  const a = trendTotals(periods, received);
  const b = trendTotals(periods, resolved);
  return bars(periods.map((p, i) => {
    const [n, m] = [a[i] ?? 0, b[i] ?? 0];
    return { label: shortLabel(p, locale), value: n, display: locale === 'ar' ? `${n} واردة · ${m} محلولة` : `${n} received · ${m} resolved` };
  }));
}

/** The per-department figures of a period and of the one before it, for the "change" columns. */
export function comparedFigures(deps: ReportDeps, period: Period): { figures: Promise<DepartmentFigures[]>; previous: Promise<DepartmentFigures[]> } {
  const cur = periodInstants(period, deps.policy.timezone);
  const prev = periodInstants(previousPeriod(period), deps.policy.timezone);
  return { figures: departmentFigures(deps.db, cur.from, cur.to), previous: departmentFigures(deps.db, prev.from, prev.to) };
}

/** The fields every report's model starts with (the templates' layout uses them). */
export function reportBase(deps: ReportDeps, kind: ReportKind, period: Period, asOf: Date, ctx: ViewContext): Record<string, unknown> & { title: string } {
  const label = periodLabel(period, ctx.locale);
  return {
    kind,
    org: deps.policy.organisation.name[ctx.locale],
    title: reportTitle(kind, period, ctx.locale),
    recipient: '',
    periodKey: period.key,
    periodText: label.text,
    previousText: periodLabel(previousPeriod(period), ctx.locale).gregorian,
    generated: generatedText(deps, asOf, ctx.locale),
    late: ctx.late,
    forward: ctx.forward ?? null,
    deskUrl: deps.deskUrl?.replace(/\/+$/, '') ?? null,
  };
}
