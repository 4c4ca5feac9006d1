/**
 * Builds any report for a period: the SQL aggregates once (`loadReport`), then a model per reader (language, the
 * departments they head), rendered with the report's templates. Used by the scheduler, the CLI preview, the
 * #رفع forward and the benchmark (`buildMonthlyReport`).
 */
import type { RenderedEmail, Templates } from '../adapters/templates.ts';
import type { Locale } from '../domain/dates.ts';
import { parsePeriod, type Period, type ReportKind } from '../domain/report-period.ts';
import { loadDailyReport } from './daily-report.ts';
import { loadDepartmentsReport } from './departments-report.ts';
import { loadMonthlyReport } from './monthly-report.ts';
import type { Progress } from './report-progress.ts';
import type { ReportDeps, ReportModel, ViewContext } from './report-view.ts';
import { loadWeeklyReport } from './weekly-report.ts';

/** A report's figures, loaded once; call it for each reader's view. */
export type LoadedReport = (ctx: ViewContext) => ReportModel;

const LOADERS: Record<ReportKind, (deps: ReportDeps, period: Period, asOf: Date, progress?: Progress) => Promise<LoadedReport>> = {
  daily: loadDailyReport,
  weekly: loadWeeklyReport,
  monthly: loadMonthlyReport,
  departments: loadDepartmentsReport,
};

/** The template of each report: templates/<locale>/<kind>-report.{subject,html,text}.hbs */
export const reportTemplate = (kind: ReportKind): string => `${kind}-report`;

/**
 * Loads a report's figures. `asOf` is the moment "still open" and "time left" refer to (the report run's time),
 * so the same run built again later (a forward) shows the same numbers.
 */
export async function loadReport(deps: ReportDeps, kind: ReportKind, period: Period, asOf: Date, progress?: Progress): Promise<LoadedReport> {
  return await LOADERS[kind](deps, period, asOf, progress);
}

export interface BuiltReport {
  model: ReportModel;
  email: RenderedEmail;
}

export interface RenderDeps extends ReportDeps {
  templates: Templates;
}

export function renderReport(deps: RenderDeps, kind: ReportKind, model: ReportModel, locale: Locale): RenderedEmail {
  return deps.templates.render(reportTemplate(kind), locale, model);
}

export async function buildReport(deps: RenderDeps, kind: ReportKind, period: Period, o: {
  locale: Locale; asOf: Date; heads?: readonly string[]; late?: boolean; progress?: Progress;
}): Promise<BuiltReport> {
  const view = await loadReport(deps, kind, period, o.asOf, o.progress);
  const model = view({ locale: o.locale, heads: o.heads ?? [], late: o.late ?? false });
  return { model, email: renderReport(deps, kind, model, o.locale) };
}

/**
 * For the benchmark: the monthly report of `period` ("2026-10", or "2025-11..2026-10" for twelve months) —
 * every query, the HTML, text and subject, and the CSV — as a head of every department would get it.
 */
export async function buildMonthlyReport(deps: RenderDeps, period: string | Period, locale: Locale = 'ar', asOf = new Date()): Promise<BuiltReport> {
  const p = typeof period === 'string' ? parsePeriod('month', period) : period;
  return await buildReport(deps, 'monthly', p, { locale, asOf, heads: deps.policy.departments.map((d) => d.key) });
}
