/** Names of roles and durations as readers see them, in Arabic and English. */
import type { Locale } from './dates.ts';
import type { Audience, LadderLevel } from './policy.ts';

const AUDIENCE: Record<Audience, Record<Locale, string>> = {
  general_manager: { ar: 'المدير العام', en: 'the General Manager' },
  customer_service_manager: { ar: 'مدير إدارة خدمة العملاء', en: 'the Customer Service manager' },
  quality_assurance: { ar: 'اختصاصي ضمان الجودة', en: 'the quality-assurance specialist' },
  department_head: { ar: 'رئيس الإدارة', en: 'the head of department' },
  owner: { ar: 'مسؤول التذكرة', en: "the ticket's owner" },
  core: { ar: 'مجموعة إدارة نظام التذاكر (الكور)', en: 'the Core ticket-management group' },
};

export function audienceName(a: Audience, locale: Locale): string {
  return AUDIENCE[a][locale];
}

export function levelName(level: LadderLevel | undefined, locale: Locale): string {
  if (level === undefined) return locale === 'ar' ? '—' : '—';
  return level.name?.[locale] ?? level.notify.map((a) => audienceName(a, locale)).join(locale === 'ar' ? ' و' : ' and ');
}

const UNITS: readonly [number, Record<Locale, readonly [string, string, string]>][] = [
  [86_400_000, { ar: ['يوم', 'أيام', 'يوم'], en: ['day', 'days', 'days'] }],
  [3_600_000, { ar: ['ساعة', 'ساعات', 'ساعة'], en: ['hour', 'hours', 'hours'] }],
  [60_000, { ar: ['دقيقة', 'دقائق', 'دقيقة'], en: ['minute', 'minutes', 'minutes'] }],
  [1_000, { ar: ['ثانية', 'ثوانٍ', 'ثانية'], en: ['second', 'seconds', 'seconds'] }],
];

/** "24 ساعة", "5 دقائق", "1 hour 30 minutes": the two largest units. */
export function durationText(ms: number, locale: Locale): string {
  let rest = Math.max(0, Math.round(Math.abs(ms) / 1000) * 1000);
  const parts: string[] = [];
  for (const [size, names] of UNITS) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n === 0 || parts.length === 2) continue;
    const [one, few, many] = names[locale];
    parts.push(`${n} ${n === 1 ? one : n <= 10 ? few : many}`);
  }
  if (parts.length === 0) return locale === 'ar' ? '0 ثانية' : '0 seconds';
  return parts.join(locale === 'ar' ? ' و' : ' ');
}
