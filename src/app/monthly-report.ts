/**
 * The monthly report to the heads of departments, the quality-assurance specialist and the Customer Service manager
 * (policy 000, item 10): the month's figures per department and SLA compliance, the most frequent root causes,
 * recurring problems (the same subject pattern, or the same root cause, at least twice) and the preventive measures
 * recorded (escalation policy, step 11). A head also gets their own department's detail, including the tickets
 * still open at the end of the month. A period may be a range of months (e.g. a year).
 */
import { trendCounts } from '../adapters/report-figures.ts';
import { openAtEnd, preventiveMeasures, recurringSubjects, rootCauses, type TextGroup } from '../adapters/report-quality.ts';
import { bars } from '../domain/report-chart.ts';
import { toCsv, type CsvCell } from '../domain/csv.ts';
import type { Locale } from '../domain/dates.ts';
import { durationText } from '../domain/labels.ts';
import { periodInstants, previousPeriod, trendPeriods, type Period } from '../domain/report-period.ts';
import { tracked, type Progress } from './report-progress.ts';
import {
  comparedFigures, deadlineWindow, departmentName, figureCsv, figureRows, reportBase, totalName, trendBuckets, volumeTrend,
  type ReportDeps, type ReportModel, type ViewContext,
} from './report-view.ts';

/** Months in the trend chart (a longer range shows all its months). */
export const MONTHLY_TREND = 6;
const TOP_CAUSES = 5;
const PER_DEPARTMENT = 5;
const LIST_LIMIT = 15;
const OPEN_LIMIT = 20;

interface Item { department: string; text: string; count: number; refs: string; kind: string }

function items(deps: ReportDeps, groups: readonly TextGroup[], locale: Locale): Item[] {
  return groups.map((g) => ({
    department: g.total ? totalName(locale) : departmentName(deps, g.department, locale),
    text: g.text, count: g.count, refs: g.refs.join(locale === 'ar' ? '، ' : ', '), kind: '',
  }));
}

const byCount = <T extends { count: number }>(list: T[]): T[] => list.sort((a, b) => b.count - a.count);

export async function loadMonthlyReport(deps: ReportDeps, period: Period, asOf: Date, progress?: Progress): Promise<(ctx: ViewContext) => ReportModel> {
  const cur = periodInstants(period, deps.policy.timezone);
  const before = previousPeriod(period);
  const months = trendPeriods(period, MONTHLY_TREND);
  const data = await tracked({
    ...comparedFigures(deps, period),
    received: trendCounts(deps.db, 'received', trendBuckets(deps, months)),
    resolved: trendCounts(deps.db, 'resolved', trendBuckets(deps, months)),
    causes: rootCauses(deps.db, cur.from, cur.to, PER_DEPARTMENT),
    subjects: recurringSubjects(deps.db, cur.from, cur.to, PER_DEPARTMENT),
    measures: preventiveMeasures(deps.db, cur.from, cur.to, PER_DEPARTMENT),
    open: openAtEnd(deps.db, deps.policy.departments.map((d) => d.key), cur.to, OPEN_LIMIT),
  }, progress);
  const perDept = (g: TextGroup): boolean => !g.total;

  return (ctx) => {
    const { locale, heads } = ctx;
    const ar = locale === 'ar';
    const rows = figureRows(deps, data.figures, data.previous, locale);
    const kind = { subject: ar ? 'الموضوع نفسه' : 'same subject', cause: ar ? 'السبب الجذري نفسه' : 'same root cause' };
    const recurringOf = (keep: (g: TextGroup) => boolean) => byCount([
      ...items(deps, data.subjects.filter(keep), locale).map((i) => ({ ...i, kind: kind.subject })),
      ...items(deps, data.causes.filter((g) => keep(g) && g.count >= 2), locale).map((i) => ({ ...i, kind: kind.cause })),
    ]);
    const recurring = recurringOf(perDept);
    const measures = byCount(items(deps, data.measures.filter(perDept), locale));
    const topCauses = items(deps, data.causes.filter((g) => g.total), locale).slice(0, TOP_CAUSES);
    const detail = heads.map((key) => {
      const mine = (g: TextGroup): boolean => !g.total && g.department === key;
      const open = data.open.filter((o) => o.department === key);
      const row = rows.find((r) => !r.total && r.key === key);
      return {
        department: departmentName(deps, key, locale),
        row: row ?? null,
        causes: byCount(items(deps, data.causes.filter(mine), locale)),
        recurring: recurringOf(mine),
        measures: byCount(items(deps, data.measures.filter(mine), locale)),
        open: open.map((o) => ({ ref: o.ref, subject: o.subject, level: o.level, age: durationText(asOf.getTime() - o.createdAt.getTime(), locale) })),
        openMore: Math.max(0, (row?.open ?? 0) - open.length),
      };
    });
    const section = ar
      ? { causes: 'الأسباب الجذرية', recurring: 'مشكلات متكررة', measures: 'الإجراءات الوقائية' }
      : { causes: 'root causes', recurring: 'recurring problems', measures: 'preventive measures' };
    const csv: CsvCell[][] = [
      ...figureCsv([{ label: period.key, figures: data.figures }, { label: before.key, figures: data.previous }], deps, locale),
      [],
      ar ? ['القسم', 'الإدارة', 'النص', 'النوع', 'عدد التذاكر', 'أحدث المراجع'] : ['section', 'department', 'text', 'kind', 'tickets', 'latest references'],
      ...[...topCauses, ...items(deps, data.causes.filter(perDept), locale)].map((i) => [section.causes, i.department, i.text, '', i.count, i.refs]),
      ...recurring.map((i) => [section.recurring, i.department, i.text, i.kind, i.count, i.refs]),
      ...measures.map((i) => [section.measures, i.department, i.text, '', i.count, i.refs]),
      ...detail.flatMap((d) => [
        [],
        ar ? [`مفتوحة في نهاية الفترة — ${d.department}`, 'المرجع', 'الموضوع', 'المستوى', 'العمر']
          : [`open at the end of the period — ${d.department}`, 'reference', 'subject', 'level', 'age'],
        ...d.open.map((o) => ['', o.ref, o.subject, o.level, o.age]),
      ]),
    ];
    return {
      ...reportBase(deps, 'monthly', period, asOf, ctx),
      deadlineWindow: deadlineWindow(deps, locale),
      rows,
      total: rows[rows.length - 1] ?? null,
      slaChart: bars(rows.filter((r) => !r.total && r.slaPercent !== null).map((r) => ({
        label: r.department, value: r.slaPercent ?? 0, display: `${r.sla} (${r.slaDetail})`,
      })), 100),
      trend: volumeTrend(deps, months, data.received, data.resolved, locale),
      topCauses,
      recurring: recurring.slice(0, LIST_LIMIT),
      measures: measures.slice(0, LIST_LIMIT),
      detail,
      csv: toCsv(csv),
      csvName: `monthly-${period.key}${heads.length > 0 ? `-${heads.join('-')}` : ''}.csv`,
    };
  };
}

