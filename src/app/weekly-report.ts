/**
 * The weekly performance review to the Core group (policy 000, item 11): per department — received, resolved within
 * the deadline, median and 90th-percentile time to resolve, escalated to the General Manager, reminders needed,
 * still open — with the change against the previous week and the received/resolved trend of the last weeks.
 */
import { departmentFigures, trendCounts } from '../adapters/report-figures.ts';
import { bars } from '../domain/report-chart.ts';
import { toCsv } from '../domain/csv.ts';
import { reportTitle } from '../domain/report-title.ts';
import { periodLabel, shortLabel } from '../domain/period-label.ts';
import { periodInstants, previousPeriod, trendPeriods, type Period } from '../domain/report-period.ts';
import { tracked, type Progress } from './report-progress.ts';
import { deadlineWindow, figureCsv, figureRows, generatedText, trendBuckets, type ReportDeps, type ReportModel, type ViewContext } from './report-view.ts';

/** Weeks in the trend chart. */
export const WEEKLY_TREND = 8;

/** Totals per unit of a trend (all departments), in the order of `periods`. */
export function trendTotals(periods: readonly Period[], counts: readonly { bucket: string; n: number }[]): number[] {
  const by = new Map<string, number>();
  for (const c of counts) by.set(c.bucket, (by.get(c.bucket) ?? 0) + c.n);
  return periods.map((p) => by.get(p.key) ?? 0);
}

export async function loadWeeklyReport(deps: ReportDeps, period: Period, asOf: Date, progress?: Progress): Promise<(ctx: ViewContext) => ReportModel> {
  const tz = deps.policy.timezone;
  const cur = periodInstants(period, tz);
  const prev = periodInstants(previousPeriod(period), tz);
  const weeks = trendPeriods(period, WEEKLY_TREND);
  const data = await tracked({
    figures: departmentFigures(deps.db, cur.from, cur.to),
    previous: departmentFigures(deps.db, prev.from, prev.to),
    received: trendCounts(deps.db, 'received', trendBuckets(deps, weeks)),
    resolved: trendCounts(deps.db, 'resolved', trendBuckets(deps, weeks)),
  }, progress);
  const received = trendTotals(weeks, data.received);
  const resolved = trendTotals(weeks, data.resolved);

  return ({ locale, late, forward }) => {
    const ar = locale === 'ar';
    const label = periodLabel(period, locale);
    const prevLabel = periodLabel(previousPeriod(period), locale);
    const trend = bars(weeks.map((w, i) => ({
      label: shortLabel(w, locale), value: received[i] ?? 0,
      display: ar ? `${received[i] ?? 0} واردة · ${resolved[i] ?? 0} محلولة` : `${received[i] ?? 0} received · ${resolved[i] ?? 0} resolved`,
    })));
    return {
      kind: 'weekly',
      org: deps.policy.organisation.name[locale],
      title: reportTitle('weekly', period, locale),
      recipient: '',
      periodKey: period.key,
      periodText: label.text,
      previousText: prevLabel.gregorian,
      generated: generatedText(deps, asOf, locale),
      deadlineWindow: deadlineWindow(deps, locale),
      late,
      forward: forward ?? null,
      rows: figureRows(deps, data.figures, data.previous, locale),
      trend,
      csv: toCsv(figureCsv([
        { label: period.key, figures: data.figures }, { label: previousPeriod(period).key, figures: data.previous },
      ], deps, locale)),
      csvName: `weekly-${period.key}.csv`,
    };
  };
}
