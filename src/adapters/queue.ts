/** BullMQ queues: outbound email, escalation deadlines, reports. Job ids are deterministic, so adding twice is harmless. */
import { Queue, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { backoffDelay } from '../domain/backoff.ts';
import type { Clock } from '../domain/clock.ts';
import type { ReportKind } from '../domain/report-period.ts';
import type { Effects, Scheduler } from '../ports/scheduler.ts';
import { timerJobId, type DeadlineJob, type DeadlineJobName } from './timer-jobs.ts';

export type { DeadlineJob, DeadlineJobName, DeadlineJobs } from './timer-jobs.ts';

export const QUEUE_NAMES = { outbound: 'outbound', deadlines: 'deadlines', reports: 'reports', reviews: 'reviews' } as const;

export interface OutboundJob { outboxId: number }
export interface ReportJob { kind: ReportKind; period?: string }
export type ReviewJob = Record<string, never>;

export function redisConnection(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true });
}

/**
 * Jobs are retried while their failure is transient (a worker throws UnrecoverableError for a permanent one), so
 * an outage of any length never fails a job; the delay grows to a cap set by the workers' backoff strategy.
 */
export const RETRY_FOR_EVER: JobsOptions = { attempts: 1_000_000, backoff: { type: 'capped' } };
const KEEP: JobsOptions = { removeOnComplete: { count: 1000 }, removeOnFail: { count: 5000 }, ...RETRY_FOR_EVER };
// Fired timers are settled in PostgreSQL, so their jobs need not be kept: this keeps Redis small per timer.
const TIMER: JobsOptions = { removeOnComplete: true, removeOnFail: 5000, ...RETRY_FOR_EVER };

/** The delay before retry `attempt` (1, 2, …): what BullMQ waits, and what the outbox row says as its next attempt. */
export function retryDelay(attempt: number, minMs: number, maxMs: number): number {
  return backoffDelay(attempt, minMs, maxMs, () => 0.5);
}

export class Queues implements Scheduler {
  readonly connection: Redis;
  readonly outbound: Queue<OutboundJob>;
  readonly deadlines: Queue<DeadlineJob, unknown, DeadlineJobName>;
  readonly reports: Queue<ReportJob>;
  readonly reviews: Queue<ReviewJob>;

  constructor(redisUrl: string, readonly prefix: string, private readonly clock: Clock) {
    this.connection = redisConnection(redisUrl);
    const opts = { connection: this.connection, prefix };
    this.outbound = new Queue<OutboundJob>(QUEUE_NAMES.outbound, opts);
    this.deadlines = new Queue<DeadlineJob, unknown, DeadlineJobName>(QUEUE_NAMES.deadlines, opts);
    this.reports = new Queue<ReportJob>(QUEUE_NAMES.reports, opts);
    this.reviews = new Queue<ReviewJob>(QUEUE_NAMES.reviews, opts);
  }

  async schedule(effects: Effects): Promise<void> {
    const now = this.clock.now().getTime();
    await Promise.all([
      effects.outboxIds.length === 0 ? undefined : this.outbound.addBulk(effects.outboxIds.map((id) => ({
        name: 'send', data: { outboxId: id },
        opts: { ...KEEP, jobId: `outbox-${id}` },
      }))),
      effects.timers.length === 0 ? undefined : this.deadlines.addBulk(effects.timers.map((t) => ({
        name: t.kind, data: {},
        opts: { ...TIMER, jobId: timerJobId(t), delay: Math.max(0, t.dueAt.getTime() - now) },
      }))),
    ]);
    // A job running right now is locked and stays (remove answers 0): it finds its row settled and ends.
    await Promise.all((effects.settled ?? []).map(async (t) => await this.deadlines.remove(timerJobId(t), { removeChildren: false })));
  }

  private get epochKey(): string {
    return `${this.prefix}:tasaeed:rebuilt`;
  }

  async intact(): Promise<boolean> {
    return (await this.connection.exists(this.epochKey)) === 1;
  }

  async markRebuilt(): Promise<void> {
    await this.connection.set(this.epochKey, new Date().toISOString());
  }

  /** Queues emails again whose earlier jobs ended (failed or sent): a finished job would make the new one a no-op. */
  async resend(outboxIds: readonly number[]): Promise<void> {
    for (const id of outboxIds) {
      const job = await this.outbound.getJob(`outbox-${String(id)}`);
      if (job !== undefined && (await job.isFailed() || await job.isCompleted())) await job.remove();
    }
    await this.schedule({ outboxIds: [...outboxIds], timers: [] });
  }

  /** Sends every email waiting for its next retry now (the mail server is back). */
  async retryOutboundNow(): Promise<void> {
    await this.outbound.promoteJobs({ count: 1000 });
  }

  async close(): Promise<void> {
    await Promise.all([this.outbound.close(), this.deadlines.close(), this.reports.close(), this.reviews.close()]);
    this.connection.disconnect();
  }
}
