/**
 * Sends a report once per (kind, period). The report_runs row is inserted first, in the same transaction as the
 * outbox rows: a scheduler firing twice, a catch-up racing the scheduler, or two tasaeed instances all end at the
 * unique (kind, period) index, and only the first one queues emails. A run more than LATE_AFTER_MS past its
 * scheduled time (after downtime) is marked late, and the email says so.
 */
import { claimReportRun, reportRunExists } from '../adapters/report-run-store.ts';
import { anyTicketBefore } from '../adapters/ticket-store.ts';
import { TasaeedError } from '../errors.ts';
import { queueEmails } from './queue-email.ts';
import type { Templates } from '../adapters/templates.ts';
import { reportPlan, reportRecipients } from '../domain/report-plan.ts';
import {
  dueAt, latestDuePeriod, periodInstants, REPORT_KINDS, type Period, type ReportKind,
} from '../domain/report-period.ts';
import { loadReport, renderReport, reportTemplate } from './build-report.ts';
import type { AppDeps } from './deps.ts';

export const LATE_AFTER_MS = 15 * 60_000;

export interface ReportSendDeps extends AppDeps {
  templates: Templates;
}

export type ReportSendResult =
  | { sent: true; runId: number; outboxIds: number[]; late: boolean }
  | { sent: false; reason: string };

export class ReportPeriodError extends TasaeedError {
  constructor(message: string) { super('REPORT_PERIOD_NOT_OVER', message); }
}

/** Queues the report of `period` to its recipients, once; later calls for the same period do nothing. */
export async function sendReport(deps: ReportSendDeps, kind: ReportKind, period: Period): Promise<ReportSendResult> {
  const tz = deps.policy.timezone;
  const now = deps.clock.now();
  if (periodInstants(period, tz).to.getTime() > now.getTime()) {
    throw new ReportPeriodError(`the ${kind} report for ${period.key} cannot be sent before the period is over (preview it with --out)`);
  }
  const plan = reportPlan(deps.policy, kind);
  const late = now.getTime() - dueAt(period, plan.schedule, tz).getTime() > LATE_AFTER_MS;
  const recipients = reportRecipients(deps.policy, deps.directory, plan.recipients);
  const result = await deps.db.transaction(async (tx): Promise<ReportSendResult> => {
    const runId = await claimReportRun(tx, { kind, period: period.key, late, at: now });
    if (runId === undefined) return { sent: false, reason: `the ${kind} report for ${period.key} was already sent` };
    const view = await loadReport(deps, kind, period, now);
    const rows = recipients.map((r) => {
      const model = { ...view({ locale: r.locale, heads: r.heads, late }), recipient: r.name };
      renderReport(deps, kind, model, r.locale); // a template error stops the run here, before anything is queued
      return { ticketId: null, eventId: null, reportRunId: runId, template: reportTemplate(kind), locale: r.locale, to: r.email, data: model };
    });
    const outboxIds = await queueEmails(tx, deps, now, rows);
    return { sent: true, runId, outboxIds, late };
  });
  if (result.sent) {
    deps.log.info({ kind, period: period.key, late: result.late, recipients: result.outboxIds.length }, 'report queued');
    await deps.scheduler.schedule({ outboxIds: result.outboxIds, timers: [] });
  }
  return result;
}

/** True when some ticket existed before the period ended: a new installation does not report on its past. */
async function hasHistory(deps: AppDeps, period: Period): Promise<boolean> {
  return await anyTicketBefore(deps.db, periodInstants(period, deps.policy.timezone).to);
}

/**
 * What a job scheduler run does at `firedAt` (its scheduled time): the most recent period that is due. Also what
 * the catch-up at start does for every kind, so a period missed while tasaeed was down is sent (late) when it starts.
 */
export async function runDueReport(deps: ReportSendDeps, kind: ReportKind, firedAt: Date): Promise<ReportSendResult> {
  const plan = reportPlan(deps.policy, kind);
  const period = latestDuePeriod(plan.cadence, plan.schedule, firedAt, deps.policy.timezone);
  if (await reportRunExists(deps.db, kind, period.key)) return { sent: false, reason: `the ${kind} report for ${period.key} was already sent` };
  if (!await hasHistory(deps, period)) return { sent: false, reason: `no tickets before the end of ${period.key}: nothing to report` };
  return await sendReport(deps, kind, period);
}

/** At start: sends every report whose latest due period has no run yet. */
export async function catchUpReports(deps: ReportSendDeps): Promise<ReportSendResult[]> {
  const results: ReportSendResult[] = [];
  for (const kind of REPORT_KINDS) {
    try {
      results.push(await runDueReport(deps, kind, deps.clock.now()));
    } catch (err) {
      deps.log.error({ err, kind }, 'report catch-up failed; the next scheduled run or `tasaeed report --send` will retry');
    }
  }
  return results;
}
