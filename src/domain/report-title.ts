/** The title (and email subject line) of each report, in the reader's language. */
import type { Locale } from './dates.ts';
import { periodLabel } from './period-label.ts';
import type { Period, ReportKind } from './report-period.ts';

const TITLES: Record<ReportKind, Record<Locale, string>> = {
  daily: { ar: 'التقرير اليومي للتذاكر المصعّدة', en: 'Daily escalated-tickets report' },
  weekly: { ar: 'مراجعة الأداء الأسبوعية', en: 'Weekly performance review' },
  monthly: { ar: 'التقرير الشهري للتصعيد', en: 'Monthly escalation report' },
  departments: { ar: 'الإدارات التي تحدث فيها التصعيدات', en: 'Departments with escalations' },
};

export function reportName(kind: ReportKind, locale: Locale): string {
  return TITLES[kind][locale];
}

/** "التقرير الشهري للتصعيد — نوفمبر 2026"; a day is named by its date. */
export function reportTitle(kind: ReportKind, period: Period, locale: Locale): string {
  const when = period.cadence === 'day' ? period.key : periodLabel(period, locale).gregorian;
  return `${TITLES[kind][locale]} — ${when}`;
}
