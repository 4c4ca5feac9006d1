/** Reads the argument of `#موعد` / `#deadline`: a duration from now ("48h", "3 أيام") or a local date/time. */
import { parseDuration } from './duration.ts';
import { localInstant } from './dates.ts';

const ARABIC_UNITS: readonly [RegExp, string][] = [
  [/(\d+)\s*(أيام|ايام|يوم|يومًا|يوما)/g, '$1d'],
  [/(\d+)\s*(ساعات|ساعة|ساعه)/g, '$1h'],
  [/(\d+)\s*(دقائق|دقيقة|دقيقه)/g, '$1m'],
];
const ARABIC_DIGITS = /[٠-٩]/g;

export type DeadlineArg = { kind: 'duration'; ms: number } | { kind: 'instant'; at: Date };

/** `endOfDay`: the closing time (minutes after local midnight) a bare date means, fixed or of that date (Ramadan hours). */
export function parseDeadlineArg(text: string, timeZone: string, endOfDay: number | ((date: string) => number)): DeadlineArg | undefined {
  let t = text.trim().replace(ARABIC_DIGITS, (d) => String(d.charCodeAt(0) - 0x0660));
  const m = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}):(\d{2}))?$/.exec(t);
  if (m?.[1] !== undefined) {
    if (Number.isNaN(new Date(`${m[1]}T00:00:00Z`).getTime())) return undefined;
    const closing = typeof endOfDay === 'number' ? endOfDay : endOfDay(m[1]);
    const minutes = m[2] === undefined ? closing : Number(m[2]) * 60 + Number(m[3]);
    return { kind: 'instant', at: localInstant(m[1], minutes, timeZone) };
  }
  for (const [re, unit] of ARABIC_UNITS) t = t.replace(re, unit);
  const ms = parseDuration(t.replace(/\s+و\s*/g, ' '));
  return ms === undefined ? undefined : { kind: 'duration', ms };
}
