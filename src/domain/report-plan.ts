/** Each report's cadence, schedule and audience, read from the policy's `reports` section. */
import { NO_TICKET, type Directory, type Recipient } from './directory.ts';
import type { Audience, Policy } from './policy.ts';
import type { Cadence, ReportKind, Schedule } from './report-period.ts';

export interface ReportPlan {
  kind: ReportKind;
  cadence: Cadence;
  schedule: Schedule;
  recipients: readonly Audience[];
}

export function reportPlan(policy: Policy, kind: ReportKind): ReportPlan {
  const r = policy.reports;
  switch (kind) {
    case 'daily': return { kind, cadence: 'day', schedule: { time: r.daily.time }, recipients: r.daily.recipients };
    case 'weekly': return { kind, cadence: 'week', schedule: { time: r.weekly.time, day: r.weekly.day }, recipients: r.weekly.recipients };
    case 'monthly': return { kind, cadence: 'month', schedule: { time: r.monthly.time, day: r.monthly.day }, recipients: r.monthly.recipients };
    case 'departments': return {
      kind, cadence: r.departments.every, schedule: { time: r.departments.time, day: r.departments.day },
      recipients: r.departments.recipients,
    };
  }
}

export interface ReportRecipient extends Recipient {
  /** The departments this person heads, when the report reaches them as a head (their own detail). */
  heads: string[];
}

/**
 * The people a report goes to. In a report, `department_head` means the head of every department (policy 000,
 * item 10: the monthly report goes to the heads of departments), and each head is told which departments are theirs.
 */
export function reportRecipients(policy: Policy, directory: Directory, audiences: readonly Audience[]): ReportRecipient[] {
  const out = new Map<string, ReportRecipient>();
  const add = (email: string, heads: string[]): void => {
    const known = out.get(email);
    if (known === undefined) out.set(email, { ...directory.recipient(email), heads });
    else known.heads.push(...heads.filter((h) => !known.heads.includes(h)));
  };
  for (const a of audiences) {
    if (a === 'department_head') for (const d of policy.departments) add(d.head, [d.key]);
    else for (const email of directory.audience(a, NO_TICKET)) add(email, []);
  }
  return [...out.values()];
}
