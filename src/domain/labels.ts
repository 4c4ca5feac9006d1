/** Names of roles and durations as readers see them, in Arabic and English. */
import type { Locale } from './dates.ts';
import { isAudience } from './directory.ts';
import type { Audience, LadderLevel, Person } from './policy.ts';
import { countText, type Noun } from './plural.ts';

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

/** A level's name: its own, or who it notifies (roles by title, people by their name in the policy). */
export function levelName(level: LadderLevel | undefined, locale: Locale, people: readonly Person[] = []): string {
  if (level === undefined) return '—';
  const who = (n: string): string => (isAudience(n) ? audienceName(n, locale) : people.find((p) => p.email === n)?.name[locale] ?? n);
  return level.name?.[locale] ?? level.notify.map(who).join(locale === 'ar' ? ' و' : ' and ');
}

const UNITS: readonly [number, Noun][] = [[86_400_000, 'day'], [3_600_000, 'hour'], [60_000, 'minute'], [1_000, 'second']];

/**
 * "24 ساعة", "5 دقائق", "ساعة واحدة و30 دقيقة", "1 hour 30 minutes": the two largest units, to the second (a ticket
 * resolved in 22 seconds shows as 22 seconds, never as 0).
 */
export function durationText(ms: number, locale: Locale): string {
  const abs = Math.abs(ms);
  if (abs > 0 && abs < 500) return locale === 'ar' ? 'أقل من ثانية' : 'under a second';
  let rest = Math.round(abs / 1000) * 1000;
  const parts: string[] = [];
  for (const [size, noun] of UNITS) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n === 0 || parts.length === 2) continue;
    parts.push(countText(n, noun, locale));
  }
  if (parts.length === 0) return countText(0, 'second', locale);
  return parts.join(locale === 'ar' ? ' و' : ' ');
}
