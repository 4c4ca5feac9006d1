/** The period a policy review covers: the month, quarter or year that ended before the review runs. */
import { startOfLocalDay } from './dates.ts';

export type ReviewEvery = 'monthly' | 'quarterly' | 'yearly';

export interface ReviewPeriod {
  key: string;
  from: Date;
  to: Date;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** The last complete period before the local date `today` (YYYY-MM-DD). */
export function previousPeriod(every: ReviewEvery, today: string, timeZone: string): ReviewPeriod {
  const [y = 0, m = 1] = today.split('-').map(Number);
  const months = every === 'monthly' ? 1 : every === 'quarterly' ? 3 : 12;
  const startIndex = Math.floor(((y * 12) + (m - 1)) / months) * months - months; // months since year 0
  const endIndex = startIndex + months;
  const at = (index: number): Date => startOfLocalDay(`${Math.floor(index / 12)}-${pad((index % 12) + 1)}-01`, timeZone);
  const sy = Math.floor(startIndex / 12);
  const key = every === 'monthly' ? `${sy}-${pad((startIndex % 12) + 1)}`
    : every === 'quarterly' ? `${sy}-Q${Math.floor((startIndex % 12) / 3) + 1}` : `${sy}`;
  return { key, from: at(startIndex), to: at(endIndex) };
}

/** The cron pattern (minute hour day month weekday) that runs a review at the start of each period. */
export function reviewCron(every: ReviewEvery, time: string): string {
  const [hh = '9', mm = '0'] = time.split(':');
  const months = every === 'monthly' ? '*' : every === 'quarterly' ? '1,4,7,10' : '1';
  return `${Number(mm)} ${Number(hh)} 1 ${months} *`;
}
