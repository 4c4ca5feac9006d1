/**
 * 5. Timers. (a) Pending escalation deadlines are BullMQ delayed jobs: how many bytes of Redis does one cost?
 * 1,000,000 are added through the production scheduler (`Queues.schedule`, as ingest and the reconciler do) on a
 * Redis database of their own, and INFO memory's used_memory delta is divided by the count.
 * (b) 10,000 deadlines fall due at the same instant: how long until every one has fired — ticket escalated,
 * escalation emails queued — with the real workers (`startWorkers`: deadlines and outbound) running?
 */
import type { Redis } from 'ioredis';
import { Queues } from '../../src/adapters/queue.ts';
import { toTimer, type TimerRow } from '../../src/adapters/timer-store.ts';
import { systemClock } from '../../src/domain/clock.ts';
import { startWorkers } from '../../src/entry/workers.ts';
import type { Figure } from '../lib/results.ts';
import { BenchInstallation } from '../lib/installation.ts';
import { countOf } from '../lib/pipeline.ts';
import type { BenchContext, Scenario } from '../lib/scenario.ts';
import { profiled } from '../lib/profile.ts';
import { now, waitUntil } from '../lib/timing.ts';

const DAY = 24 * 3600 * 1000;
const CHUNK = 5000;

async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/^used_memory:(\d+)/m.exec(info)?.[1] ?? Number.NaN);
}

async function bytesPerTimer(ctx: BenchContext, count: number): Promise<{ bytes: number; addMs: number }> {
  // Database 1 of the bench's Redis holds only these timers, and is flushed afterwards.
  const queues = new Queues(`${ctx.services.env.REDIS_URL}/1`, 'timers', systemClock);
  const close = ctx.cleanup.add('timer queues', async () => {
    await queues.connection.flushdb('ASYNC');
    await queues.close();
  });
  await queues.deadlines.waitUntilReady();
  const before = await usedMemory(queues.connection);
  const start = Date.now();
  const t0 = now();
  for (let i = 0; i < count; i += CHUNK) {
    await queues.schedule({
      outboxIds: [],
      timers: Array.from({ length: Math.min(CHUNK, count - i) }, (_, k) => ({
        kind: 'escalate' as const, ticketId: i + k + 1, level: 1, seq: 0, dueAt: new Date(start + DAY + ((i + k) % 3600) * 1000),
      })),
    });
    if (i % 200_000 === 0 && i > 0) ctx.progress(`timers: ${i} delayed jobs added`);
  }
  const addMs = now() - t0;
  const delayed = await queues.deadlines.getDelayedCount();
  if (delayed !== count) throw new Error(`expected ${count} delayed jobs, found ${delayed}`);
  const bytes = (await usedMemory(queues.connection) - before) / count;
  await close();
  return { bytes, addMs };
}

/** Time until `count` deadlines due together have all fired; when they have not within two minutes, the time they would take at the rate reached. */
async function dueTogether(ctx: BenchContext, count: number): Promise<{ ms: number; emails: number; fired: number }> {
  const inst = await BenchInstallation.create(ctx.services, ctx.cleanup, 'timers');
  const domain = inst.domain;
  await inst.db.raw(`
    insert into tickets (subject, description, department_key, routed_via, status, originator_email, originator_name,
                         thread_message_id, created_at, updated_at)
    select 'تأخر شحنة العميل ' || g, 'شحنة العميل رقم ' || g || ' متأخرة منذ ثلاثة أيام والعميل يطلب التصعيد.',
           (array['finance','operations','it','hr','customer-service'])[1 + g % 5], 'subject', 'open',
           'clerk.ops@${domain}', 'تركي البقمي', '<t' || g || '@${domain}>', now() - interval '1 day', now() - interval '1 day'
    from generate_series(1, ?) g`, [count]);
  await inst.db.raw(`
    insert into ticket_events (ticket_id, kind, actor, data, created_at)
    select id, 'created', originator_email, jsonb_build_object('departmentKey', department_key), created_at from tickets`);
  const app = await inst.open();
  ctx.cleanup.add('timers app', () => app.close());
  if (process.env.BENCH_PAUSE_OUTBOUND === '1') await app.queues.outbound.pause();
  const workers = await startWorkers(app.deps, app.queues, inst.config.REDIS_URL);
  const closeWorkers = ctx.cleanup.add('timers workers', () => workers.close());
  const due = new Date(Date.now() + (ctx.quick ? 3000 : 5000));
  await inst.db.raw(`insert into deadlines (ticket_id, kind, level, seq, due_at) select id, 'escalate', 1, 0, ? from tickets`, [due]);
  const rows = await inst.db('deadlines').select('*') as TimerRow[];
  for (let i = 0; i < rows.length; i += CHUNK) {
    await app.queues.schedule({ outboxIds: [], timers: rows.slice(i, i + CHUNK).map(toTimer) });
  }
  const lead = due.getTime() - Date.now();
  if (lead < 500) throw new Error(`scheduling took too long: the deadlines fell due ${-lead} ms before it finished`);
  ctx.progress(`timers: ${count} deadlines due together in ${lead} ms`);
  await waitUntil('the due instant', () => Promise.resolve(Date.now() >= due.getTime()), 10_000, 5);
  const t0 = now();
  let fired = 0;
  // Counted in PostgreSQL: BullMQ trims completed jobs (removeOnComplete), so job counts fall behind the work done.
  // An email is queued when its row is sent (or failed), or when its job still waits in Redis; Redis is read after
  // PostgreSQL, so a job finishing between the two reads is missed (counted later), never counted twice.
  await profiled('timers-fire', async () => await waitUntil('every deadline to fire with its emails queued', async () => {
    fired = await countOf(inst.db('deadlines').where({ kind: 'escalate', level: 1 }).whereIn('status', ['fired', 'void']));
    if (fired < count) return false;
    const [rows, done] = await Promise.all([countOf(inst.db('outbox')), countOf(inst.db('outbox').whereNotIn('status', ['pending', 'retrying']))]);
    const waiting = await app.queues.outbound.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    return done + Object.values(waiting).reduce((a, b) => a + b, 0) >= rows;
  }, 120_000, 50).catch(() => undefined));
  const ms = now() - t0;
  const emails = await countOf(inst.db('outbox').where({ template: 'escalation' }));
  await closeWorkers();
  return { ms: fired < count ? (ms * count) / Math.max(1, fired) : ms, emails, fired };
}

export const timers: Scenario = {
  name: 'timers',
  title: 'Timers: Redis bytes per pending deadline, and many deadlines falling due at once',
  async run(ctx) {
    // BENCH_TIMERS_PENDING: fewer pending timers for the memory figure, to iterate on the firing one.
    const pending = Number(process.env.BENCH_TIMERS_PENDING ?? (ctx.quick ? 5_000 : 1_000_000));
    const together = ctx.quick ? 2000 : 10_000;
    ctx.progress(`timers: adding ${pending} delayed escalation jobs`);
    const memory = await bytesPerTimer(ctx, pending);
    const fired = await dueTogether(ctx, together);
    const figures: Figure[] = [
      { key: 'timers.redis_bytes_per_timer', label: 'Redis memory per pending deadline', value: memory.bytes, unit: 'B', goal: { op: '<=', value: 1024 } },
      { key: 'timers.due_together_s', label: `${together.toLocaleString('en-US')} deadlines due at once: all fired, emails queued`, value: fired.ms / 1000, unit: 's', goal: { op: '<=', value: 10 } },
      { key: 'timers.fire_per_s', label: 'deadlines fired per second', value: (together / fired.ms) * 1000, unit: 'fires/s', info: true },
      { key: 'timers.add_per_s', label: 'delayed jobs added per second (Queues.schedule, 5,000 per call)', value: (pending / memory.addMs) * 1000, unit: 'jobs/s', info: true },
    ];
    return {
      params: { pending_timers: pending, due_together: together, fired_within_limit: fired.fired, escalation_emails: fired.emails },
      figures,
      notes: [
        'all deadlines fall due at the same instant (harder than spread over a minute); the outbound workers send while deadlines fire',
        ...(fired.fired < together ? [`only ${fired.fired} of ${together} fired within 120 s: the figure is the time at the rate reached`] : []),
        'used_memory delta includes BullMQ\'s job hash, the delayed sorted-set entry and the job id; Redis runs with appendonly yes',
      ],
    };
  },
};
