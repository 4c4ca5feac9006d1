/**
 * Departments with escalations, to the Customer Service manager (policy 000, role of management): in which
 * departments tickets reached the General Manager and how often — the count, its share, the rate per ticket
 * received — with the change against the previous period and the trend over the last periods. The manager can
 * reply #رفع / #forward with a note to send it on to the General Manager (report-reply.ts).
 */
import { trendCounts, type DepartmentFigures } from '../adapters/report-figures.ts';
import { bars } from '../domain/report-chart.ts';
import { toCsv } from '../domain/csv.ts';
import { shortLabel } from '../domain/period-label.ts';
import { trendPeriods, type Period } from '../domain/report-period.ts';
import { tracked, type Progress } from './report-progress.ts';
import {
  change, comparedFigures, departmentName, percent, percentText, reportBase, totalName, trendBuckets, trendTotals,
  type ReportDeps, type ReportModel, type ViewContext,
} from './report-view.ts';

/** Periods in the trend. */
export const DEPARTMENTS_TREND = 6;
const HEAT_LEVELS = 4;

export async function loadDepartmentsReport(deps: ReportDeps, period: Period, asOf: Date, progress?: Progress): Promise<(ctx: ViewContext) => ReportModel> {
  const units = trendPeriods(period, DEPARTMENTS_TREND);
  const data = await tracked({
    ...comparedFigures(deps, period),
    trend: trendCounts(deps.db, 'escalated', trendBuckets(deps, units)),
  }, progress);
  const byKey = (list: readonly DepartmentFigures[]) => new Map(list.filter((f) => !f.total).map((f) => [f.department, f]));
  const now = byKey(data.figures);
  const then = byKey(data.previous);
  const keys: (string | null)[] = deps.policy.departments.map((d) => d.key);
  for (const c of data.trend) if (!keys.includes(c.department)) keys.push(c.department);
  const totalNow = data.figures.find((f) => f.total);
  const totalThen = data.previous.find((f) => f.total);
  const series = keys.map((k) => trendTotals(units, data.trend.filter((c) => c.department === k)));
  const max = Math.max(0, ...series.flat());

  return (ctx) => {
    const { locale } = ctx;
    const ar = locale === 'ar';
    const rows = keys.map((k, i) => {
      const f = now.get(k);
      const escalated = f?.escalated ?? 0;
      const previous = then.get(k)?.escalated ?? 0;
      return {
        key: k, department: departmentName(deps, k, locale), escalated, previous,
        change: change(escalated, previous, 'down'),
        share: percentText(percent(escalated, totalNow?.escalated ?? 0)),
        received: f?.received ?? 0,
        rate: percentText(percent(escalated, f?.received ?? 0)),
        trend: (series[i] ?? []).map((n) => ({ n, heat: max === 0 || n === 0 ? 0 : Math.max(1, Math.ceil((n / max) * HEAT_LEVELS)) })),
      };
    }).filter((r) => r.key !== null || r.escalated > 0 || r.previous > 0 || r.trend.some((t) => t.n > 0))
      .sort((a, b) => b.escalated - a.escalated || b.previous - a.previous);
    const totals = trendTotals(units, data.trend);
    const escalated = totalNow?.escalated ?? 0;
    const unitLabels = units.map((u) => shortLabel(u, locale));
    const csvHead = ar
      ? ['الإدارة', 'صُعّدت في الفترة', 'في الفترة السابقة', 'الحصة %', 'الواردة', 'نسبة التصعيد %', ...unitLabels]
      : ['department', 'escalated in period', 'in previous period', 'share %', 'received', 'escalation rate %', ...unitLabels];
    return {
      ...reportBase(deps, 'departments', period, asOf, ctx),
      total: {
        department: totalName(locale), escalated, previous: totalThen?.escalated ?? 0,
        change: change(escalated, totalThen?.escalated ?? 0, 'down'),
        received: totalNow?.received ?? 0, rate: percentText(percent(escalated, totalNow?.received ?? 0)),
      },
      rows,
      unitLabels,
      chart: bars(rows.filter((r) => r.escalated > 0).map((r) => ({ label: r.department, value: r.escalated, display: `${r.escalated} (${r.share})` }))),
      trend: bars(units.map((u, i) => ({ label: shortLabel(u, locale), value: totals[i] ?? 0 }))),
      csv: toCsv([csvHead, ...rows.map((r) => [
        r.department, r.escalated, r.previous, percent(r.escalated, escalated), r.received, percent(r.escalated, r.received), ...r.trend.map((t) => t.n),
      ])]),
      csvName: `departments-${period.key}.csv`,
    };
  };
}
