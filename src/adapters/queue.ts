/** BullMQ queues: outbound email, escalation deadlines, reports. Job ids are deterministic, so adding twice is harmless. */
import { Queue, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import type { Clock } from '../domain/clock.ts';
import { escalationJobId } from '../domain/escalation-ladder.ts';
import type { ReportKind } from '../domain/report-period.ts';
import type { Effects, Scheduler } from '../app/effects.ts';

export const QUEUE_NAMES = { outbound: 'outbound', deadlines: 'deadlines', reports: 'reports' } as const;

export interface OutboundJob { outboxId: number }
export interface DeadlineJob { ticketId: number; level: number }
export interface ReportJob { kind: ReportKind; period?: string }

export function redisConnection(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true });
}

const KEEP: JobsOptions = { removeOnComplete: { count: 1000 }, removeOnFail: { count: 5000 } };

export class Queues implements Scheduler {
  readonly connection: Redis;
  readonly outbound: Queue<OutboundJob>;
  readonly deadlines: Queue<DeadlineJob>;
  readonly reports: Queue<ReportJob>;

  constructor(redisUrl: string, readonly prefix: string, private readonly clock: Clock) {
    this.connection = redisConnection(redisUrl);
    const opts = { connection: this.connection, prefix };
    this.outbound = new Queue<OutboundJob>(QUEUE_NAMES.outbound, opts);
    this.deadlines = new Queue<DeadlineJob>(QUEUE_NAMES.deadlines, opts);
    this.reports = new Queue<ReportJob>(QUEUE_NAMES.reports, opts);
  }

  async schedule(effects: Effects): Promise<void> {
    const now = this.clock.now().getTime();
    await Promise.all([
      effects.outboxIds.length === 0 ? undefined : this.outbound.addBulk(effects.outboxIds.map((id) => ({
        name: 'send', data: { outboxId: id },
        opts: { ...KEEP, jobId: `outbox-${id}`, attempts: 8, backoff: { type: 'exponential', delay: 2000 } },
      }))),
      effects.deadlines.length === 0 ? undefined : this.deadlines.addBulk(effects.deadlines.map((d) => ({
        name: 'escalate', data: { ticketId: d.ticketId, level: d.level },
        opts: { ...KEEP, jobId: escalationJobId(d.ticketId, d.level), delay: Math.max(0, d.dueAt.getTime() - now), attempts: 5, backoff: { type: 'exponential', delay: 1000 } },
      }))),
    ]);
  }

  async close(): Promise<void> {
    await Promise.all([this.outbound.close(), this.deadlines.close(), this.reports.close()]);
    this.connection.disconnect();
  }
}
