/**
 * Customer updates (escalation policy, step 10): while the ticket is open the customer hears from us every
 * `customer_updates.every`; on the business clock the update lands inside business hours, on the calendar clock exactly.
 */
import { addTime } from './business-calendar.ts';
import { businessCalendar } from './policy-calendar.ts';
import type { Policy } from './policy.ts';

export function customerUpdateDue(policy: Policy, from: Date): Date {
  return addTime(businessCalendar(policy), policy.customer_updates.clock, from, policy.customer_updates.every);
}
