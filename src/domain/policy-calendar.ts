/** The policy's `calendar:` section as the business clock reads it (built once per policy). */
import type { BusinessCalendar } from './business-calendar.ts';
import { dayIndex, holidayDates } from './policy-escalation.ts';
import type { Policy } from './policy.ts';

const calendars = new WeakMap<Policy, BusinessCalendar>();

export function businessCalendar(policy: Policy): BusinessCalendar {
  let cal = calendars.get(policy);
  if (cal === undefined) {
    const [sh = 0, sm = 0] = policy.calendar.hours.start.split(':').map(Number);
    const [eh = 0, em = 0] = policy.calendar.hours.end.split(':').map(Number);
    cal = {
      timezone: policy.timezone,
      workdays: policy.calendar.workdays.map(dayIndex),
      opensAt: sh * 60 + sm,
      closesAt: eh * 60 + em,
      holidays: holidayDates(policy.calendar.holidays),
      hijriHolidays: policy.calendar.hijri_holidays,
    };
    calendars.set(policy, cal);
  }
  return cal;
}
