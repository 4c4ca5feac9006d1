/** BullMQ workers: send outbound email, fire escalation deadlines, run scheduled reports. */
import { DelayedError, Worker, type Job } from 'bullmq';
import { QUEUE_NAMES, redisConnection, type DeadlineJob, type OutboundJob, type Queues, type ReportJob, type ReviewJob } from '../adapters/queue.ts';
import { openPolicyReview } from '../app/policy-review.ts';
import { reviewCron } from '../domain/review-period.ts';
import { fireTimer } from '../app/fire-timer.ts';
import { parseTimerJobId } from '../domain/timer.ts';
import { recordSendFailure, sendOutbound, type SendDeps } from '../app/send-outbound.ts';
import { runReportJob, scheduleReports } from './report-schedules.ts';

export interface RunningWorkers {
  close(): Promise<void>;
}

export async function startWorkers(deps: SendDeps, queues: Queues, redisUrl: string): Promise<RunningWorkers> {
  const connection = redisConnection(redisUrl);
  const opts = { connection, prefix: queues.prefix };

  const outbound = new Worker<OutboundJob>(QUEUE_NAMES.outbound, async (job: Job<OutboundJob>) => {
    try {
      return await sendOutbound(deps, job.data.outboxId);
    } catch (err) {
      const final = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      await recordSendFailure(deps, job.data.outboxId, err, final);
      throw err;
    }
  }, { ...opts, concurrency: 8 });

  const deadlines = new Worker<DeadlineJob>(QUEUE_NAMES.deadlines, async (job: Job<DeadlineJob>, token?: string) => {
    const timer = parseTimerJobId(job.id);
    if (timer === undefined) throw new Error(`not a timer job id: ${job.id ?? '(none)'}`);
    const r = await fireTimer(deps, timer);
    if (r.result === 'not_due' && r.dueAt !== undefined && token !== undefined) {
      await job.moveToDelayed(r.dueAt.getTime(), token);
      throw new DelayedError();
    }
    return r.result;
  }, { ...opts, concurrency: 16 });

  const reports = new Worker<ReportJob>(QUEUE_NAMES.reports, async (job: Job<ReportJob>) => await runReportJob(deps, job), { ...opts, concurrency: 1 });

  const reviews = new Worker<ReviewJob>(QUEUE_NAMES.reviews, async () => await openPolicyReview(deps), { ...opts, concurrency: 1 });
  await queues.reviews.upsertJobScheduler('policy-review',
    { pattern: reviewCron(deps.policy.review.every, deps.policy.review.time), tz: deps.policy.timezone },
    { name: 'policy-review', data: {} });

  for (const w of [outbound, deadlines, reports, reviews]) {
    w.on('failed', (job, err) => { deps.log.warn({ queue: w.name, jobId: job?.id, err: err.message }, 'job failed'); });
    w.on('error', (err) => { deps.log.error({ queue: w.name, err: err.message }, 'worker error'); });
  }

  await scheduleReports(deps, queues);

  await Promise.all([outbound.waitUntilReady(), deadlines.waitUntilReady(), reports.waitUntilReady(), reviews.waitUntilReady()]);
  return {
    async close() {
      await Promise.all([outbound.close(), deadlines.close(), reports.close(), reviews.close()]);
      connection.disconnect();
    },
  };
}
