/**
 * Numbers with the words they count, in the reader's language. Arabic has six plural categories
 * (Intl.PluralRules('ar')): دقيقة واحدة، دقيقتان، 3 دقائق، 11 دقيقة، 100 دقيقة — the one and two forms carry no digit.
 */
import type { Locale } from './dates.ts';

export type Noun = 'day' | 'hour' | 'minute' | 'second' | 'ticket' | 'reminder' | 'message' | 'week' | 'month' | 'file';

interface ArabicForms {
  /** 1: the noun with واحد/واحدة. */
  one: string;
  /** 2: the dual, no digit. */
  two: string;
  /** 3–10 (and 103–110 …): the plural. */
  few: string;
  /** 11–99: the singular as a tamyeez (accusative: يومًا). */
  many: string;
  /** 0, 100–102 …: the singular. */
  other: string;
}

const AR: Readonly<Record<Noun, ArabicForms>> = {
  day: { one: 'يوم واحد', two: 'يومان', few: 'أيام', many: 'يومًا', other: 'يوم' },
  hour: { one: 'ساعة واحدة', two: 'ساعتان', few: 'ساعات', many: 'ساعة', other: 'ساعة' },
  minute: { one: 'دقيقة واحدة', two: 'دقيقتان', few: 'دقائق', many: 'دقيقة', other: 'دقيقة' },
  second: { one: 'ثانية واحدة', two: 'ثانيتان', few: 'ثوانٍ', many: 'ثانية', other: 'ثانية' },
  ticket: { one: 'تذكرة واحدة', two: 'تذكرتان', few: 'تذاكر', many: 'تذكرة', other: 'تذكرة' },
  reminder: { one: 'تذكير واحد', two: 'تذكيران', few: 'تذكيرات', many: 'تذكيرًا', other: 'تذكير' },
  message: { one: 'رسالة واحدة', two: 'رسالتان', few: 'رسائل', many: 'رسالة', other: 'رسالة' },
  week: { one: 'أسبوع واحد', two: 'أسبوعان', few: 'أسابيع', many: 'أسبوعًا', other: 'أسبوع' },
  month: { one: 'شهر واحد', two: 'شهران', few: 'أشهر', many: 'شهرًا', other: 'شهر' },
  file: { one: 'ملف واحد', two: 'ملفان', few: 'ملفات', many: 'ملفًا', other: 'ملف' },
};

const EN: Readonly<Record<Noun, readonly [string, string]>> = {
  day: ['day', 'days'], hour: ['hour', 'hours'], minute: ['minute', 'minutes'], second: ['second', 'seconds'],
  ticket: ['ticket', 'tickets'], reminder: ['reminder', 'reminders'], message: ['message', 'messages'],
  week: ['week', 'weeks'], month: ['month', 'months'], file: ['file', 'files'],
};

const arabicRules = new Intl.PluralRules('ar');
const englishRules = new Intl.PluralRules('en');

export const NOUNS = Object.keys(EN) as Noun[];

/** "3 دقائق", "دقيقتان", "11 يومًا", "1 ticket", "2 tickets". */
export function countText(n: number, noun: Noun, locale: Locale): string {
  if (locale === 'en') return `${n} ${EN[noun][englishRules.select(n) === 'one' ? 0 : 1]}`;
  const forms = AR[noun];
  switch (arabicRules.select(n)) {
    case 'one': return forms.one;
    case 'two': return forms.two;
    case 'few': return `${n} ${forms.few}`;
    case 'many': return `${n} ${forms.many}`;
    default: return `${n} ${forms.other}`;
  }
}

export function isNoun(word: unknown): word is Noun {
  return typeof word === 'string' && (NOUNS as string[]).includes(word);
}
