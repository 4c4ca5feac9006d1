/**
 * The weekly performance review to the Core group (policy 000, item 11): per department — received, resolved within
 * the deadline, median and 90th-percentile time to resolve, escalated to the General Manager, reminders needed,
 * still open — with the change against the previous week and the received/resolved trend of the last weeks.
 */
import { trendCounts } from '../adapters/report-figures.ts';
import { toCsv } from '../domain/csv.ts';
import { previousPeriod, trendPeriods, type Period } from '../domain/report-period.ts';
import { tracked, type Progress } from './report-progress.ts';
import {
  comparedFigures, deadlineWindow, figureCsv, figureRows, reportBase, trendBuckets, volumeTrend,
  type ReportDeps, type ReportModel, type ViewContext,
} from './report-view.ts';

/** Weeks in the trend chart. */
export const WEEKLY_TREND = 8;

export async function loadWeeklyReport(deps: ReportDeps, period: Period, asOf: Date, progress?: Progress): Promise<(ctx: ViewContext) => ReportModel> {
  const weeks = trendPeriods(period, WEEKLY_TREND);
  const data = await tracked({
    ...comparedFigures(deps, period),
    received: trendCounts(deps.db, 'received', trendBuckets(deps, weeks)),
    resolved: trendCounts(deps.db, 'resolved', trendBuckets(deps, weeks)),
  }, progress);

  return (ctx) => ({
    ...reportBase(deps, 'weekly', period, asOf, ctx),
    deadlineWindow: deadlineWindow(deps, ctx.locale),
    rows: figureRows(deps, data.figures, data.previous, ctx.locale),
    trend: volumeTrend(deps, weeks, data.received, data.resolved, ctx.locale),
    csv: toCsv(figureCsv([
      { label: period.key, figures: data.figures }, { label: previousPeriod(period).key, figures: data.previous },
    ], deps, ctx.locale)),
    csvName: `weekly-${period.key}.csv`,
  });
}
