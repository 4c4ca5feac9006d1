/** BullMQ workers: send outbound email, fire escalation deadlines, run scheduled reports. */
import { DelayedError, UnrecoverableError, Worker, type Job, type WorkerOptions } from 'bullmq';
import { QUEUE_NAMES, redisConnection, RETRY_FOR_EVER, retryDelay, type DeadlineJob, type DeadlineJobName, type OutboundJob, type Queues, type ReportJob, type ReviewJob } from '../adapters/queue.ts';
import { ServiceHealth } from '../adapters/service-health.ts';
import { openPolicyReview } from '../app/policy-review.ts';
import { reviewCron } from '../domain/review-period.ts';
import { fireTimerBatch } from '../app/fire-timer-batch.ts';
import { parseTimerJobId } from '../adapters/timer-jobs.ts';
import { isPermanentSendFailure, recordSendFailure } from '../app/outbound-failure.ts';
import { sendOutbound, type SendDeps } from '../app/send-outbound.ts';
import { isTransient, TasaeedError } from '../errors.ts';
import { runReportJob, scheduleReports } from './report-schedules.ts';

export interface RunningWorkers {
  /** Puts the report and review schedules back (after Redis lost them). */
  reschedule(): Promise<void>;
  close(): Promise<void>;
}

export interface WorkerSettings {
  health: ServiceHealth;
  sendRetryMinMs: number;
  sendRetryMaxMs: number;
  sendRetryForMs: number;
}

/** A job's failure: a transient one is retried by the queue; anything else fails the job for good at once. */
function rethrow(err: unknown, service: 'postgres' | 'smtp' | undefined, health: ServiceHealth, blocked: string): never {
  if (isTransient(err)) {
    if (service !== undefined) health.failed(service, err, blocked);
    throw err instanceof Error ? err : new Error(String(err));
  }
  throw new UnrecoverableError(err instanceof Error ? err.message : String(err));
}

/** Each deadlines job may fire a batch of up to 200 timers: more at once only contend for the same cores. */
const DEADLINE_JOBS_AT_ONCE = 8;
/**
 * How soon a timer whose row another transaction holds is looked at again. Usually that is a batch firing it, which
 * drops this job when it commits; any batch takes the row if it is still due, so this is only the backstop.
 */
const BUSY_RETRY_MS = 5000;

const SMTP_CODES = new Set(['SMTP_UNAVAILABLE', 'SMTP_TEMPORARY', 'SMTP_LOGIN_REFUSED', 'SMTP_REJECTED']);

export async function startWorkers(deps: SendDeps, queues: Queues, redisUrl: string, s: WorkerSettings = {
  health: new ServiceHealth(deps.log), sendRetryMinMs: 2000, sendRetryMaxMs: 300_000, sendRetryForMs: 86_400_000,
}): Promise<RunningWorkers> {
  const connection = redisConnection(redisUrl);
  const opts: WorkerOptions = {
    connection, prefix: queues.prefix,
    // A worker killed mid-job has its jobs taken over within seconds (lock lapses after 10 s, checked every 2 s),
    // and a crash never fails a job for having stalled.
    lockDuration: 10_000, stalledInterval: 2_000, maxStalledCount: 1_000_000,
    settings: { backoffStrategy: (attemptsMade: number) => retryDelay(attemptsMade, s.sendRetryMinMs, s.sendRetryMaxMs) },
  };

  const outbound = new Worker<OutboundJob>(QUEUE_NAMES.outbound, async (job: Job<OutboundJob>, token?: string) => {
    const { outboxId } = job.data;
    try {
      const r = await sendOutbound(deps, outboxId);
      if (r.result === 'waiting') {
        if (token !== undefined) await job.moveToDelayed(r.until.getTime(), token);
        throw new DelayedError();
      }
      if (r.result === 'sent') s.health.ok('smtp');
      return r.result;
    } catch (err) {
      if (err instanceof DelayedError) throw err;
      const smtp = err instanceof TasaeedError && SMTP_CODES.has(err.code);
      if (!smtp && isTransient(err)) rethrow(err, 'postgres', s.health, 'outgoing email');
      if (smtp && !isPermanentSendFailure(err)) s.health.failed('smtp', err, 'outgoing email');
      const nextAttemptAt = new Date(deps.clock.now().getTime() + retryDelay(job.attemptsMade + 1, s.sendRetryMinMs, s.sendRetryMaxMs));
      const became = await recordSendFailure(deps, { outboxId, err, nextAttemptAt, policy: { retryForMs: s.sendRetryForMs } });
      if (became === 'failed') throw new UnrecoverableError(err instanceof Error ? err.message : String(err));
      throw err instanceof Error ? err : new Error(String(err));
    }
  }, { ...opts, concurrency: 8 });

  const deadlines = new Worker<DeadlineJob, unknown, DeadlineJobName>(QUEUE_NAMES.deadlines, async (job: Job<DeadlineJob, unknown, DeadlineJobName>, token?: string) => {
    const timer = parseTimerJobId(job.id);
    if (timer === undefined || timer.kind !== job.name) throw new UnrecoverableError(`not a timer job id: ${job.id ?? '(none)'}`);
    let r: Awaited<ReturnType<typeof fireTimerBatch>>;
    try {
      r = await fireTimerBatch(deps, timer);
    } catch (err) {
      rethrow(err, 'postgres', s.health, 'deadlines');
    }
    // Not due yet, or held by another transaction (a batch firing it): look again then.
    const again = r.result === 'not_due' ? r.dueAt : r.result === 'busy' ? new Date(deps.clock.now().getTime() + BUSY_RETRY_MS) : undefined;
    if (again !== undefined && token !== undefined) {
      await job.moveToDelayed(again.getTime(), token);
      throw new DelayedError();
    }
    return r.result;
  }, { ...opts, concurrency: DEADLINE_JOBS_AT_ONCE });

  const reports = new Worker<ReportJob>(QUEUE_NAMES.reports, async (job: Job<ReportJob>) => {
    try {
      return await runReportJob(deps, job);
    } catch (err) {
      rethrow(err, 'postgres', s.health, 'reports');
    }
  }, { ...opts, concurrency: 1 });

  const reviews = new Worker<ReviewJob>(QUEUE_NAMES.reviews, async () => {
    try {
      return await openPolicyReview(deps);
    } catch (err) {
      rethrow(err, 'postgres', s.health, 'the policy review');
    }
  }, { ...opts, concurrency: 1 });
  const reschedule = async (): Promise<void> => {
    await queues.reviews.upsertJobScheduler('policy-review',
      { pattern: reviewCron(deps.policy.review.every, deps.policy.review.time), tz: deps.policy.timezone },
      { name: 'policy-review', data: {}, opts: RETRY_FOR_EVER });
    await scheduleReports(deps, queues);
  };
  await reschedule();

  for (const w of [outbound, deadlines, reports, reviews]) {
    w.on('failed', (job, err) => {
      if (job !== undefined && job.attemptsMade >= (job.opts.attempts ?? 1)) deps.log.warn({ queue: w.name, jobId: job.id, err }, 'job failed');
      else if (err instanceof UnrecoverableError) deps.log.warn({ queue: w.name, jobId: job?.id, err: err.message }, 'job failed for good');
    });
    // Connection trouble: one warning per outage (ServiceHealth), not a stack trace a second.
    w.on('error', (err) => { s.health.failed('redis', err, 'queues'); });
  }

  await Promise.all([outbound.waitUntilReady(), deadlines.waitUntilReady(), reports.waitUntilReady(), reviews.waitUntilReady()]);
  return {
    reschedule,
    async close() {
      await Promise.all([outbound.close(), deadlines.close(), reports.close(), reviews.close()]);
      connection.disconnect();
    },
  };
}
