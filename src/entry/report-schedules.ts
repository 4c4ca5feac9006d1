/**
 * One BullMQ job scheduler per report (cron in the policy's timezone), and what a report job does. The job only
 * says "the report is due"; report_runs decides whether it is sent (report-run.ts).
 */
import type { Job } from 'bullmq';
import { RETRY_FOR_EVER, type Queues, type ReportJob } from '../adapters/queue.ts';
import { runDueReport, sendReport, type ReportSendDeps, type ReportSendResult } from '../app/report-run.ts';
import { reportPlan } from '../domain/report-plan.ts';
import { cronPattern, periodFromKey, REPORT_KINDS } from '../domain/report-period.ts';

export const schedulerId = (kind: string): string => `${kind}-report`;

export async function scheduleReports(deps: ReportSendDeps, queues: Queues): Promise<void> {
  for (const kind of REPORT_KINDS) {
    const plan = reportPlan(deps.policy, kind);
    await queues.reports.upsertJobScheduler(schedulerId(kind),
      { pattern: cronPattern(plan.cadence, plan.schedule), tz: deps.policy.timezone },
      { name: kind, data: { kind }, opts: RETRY_FOR_EVER });
  }
}

export async function runReportJob(deps: ReportSendDeps, job: Job<ReportJob>): Promise<ReportSendResult> {
  const { kind, period } = job.data;
  if (period !== undefined) return await sendReport(deps, kind, periodFromKey(kind, period));
  // A scheduler's job carries the time it was scheduled for; a job run late still reports its own period.
  const scheduled = (job.opts as { prevMillis?: number }).prevMillis ?? job.timestamp;
  return await runDueReport(deps, kind, new Date(scheduled));
}
