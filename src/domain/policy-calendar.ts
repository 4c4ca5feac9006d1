/** The policy's `calendar:` section as the business clock reads it (built once per policy). */
import type { BusinessCalendar } from './business-calendar.ts';
import { dayIndex, holidayDates, minutesOf } from './calendar-policy.ts';
import type { Policy } from './policy.ts';

const calendars = new WeakMap<Policy, BusinessCalendar>();

export function businessCalendar(policy: Policy): BusinessCalendar {
  let cal = calendars.get(policy);
  if (cal === undefined) {
    const c = policy.calendar;
    cal = {
      timezone: policy.timezone,
      workdays: c.workdays.map(dayIndex),
      opensAt: minutesOf(c.hours.start),
      closesAt: minutesOf(c.hours.end),
      holidays: holidayDates(c.holidays),
      hijriHolidays: c.hijri_holidays,
      periods: c.periods.map((p) => ({
        from: p.from, to: p.to, hijriMonth: p.hijri_month, opensAt: minutesOf(p.hours.start), closesAt: minutesOf(p.hours.end),
        // A period's announced dates always carry `to` (the schema says so).
        announced: p.announced.map((a) => ({ year: a.year, from: a.from, to: a.to ?? a.from })),
      })),
    };
    calendars.set(policy, cal);
  }
  return cal;
}
