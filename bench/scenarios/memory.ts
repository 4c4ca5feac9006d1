/**
 * 4. Memory while a backlog drains. A backlog of realistic mail is stored as raw inbound rows (storeRaw, the same
 * call the listener makes — much faster to set up than APPENDing 100,000 messages), then `tasaeed start` runs as a
 * child process, exactly as shipped: it drains the backlog at start while its workers send the copies. Its RSS is
 * sampled from /proc every 250 ms until the backlog is empty.
 */
import { storeRaw } from '../../src/adapters/inbound-store.ts';
import { ingestRaw } from '../../src/app/ingest-message.ts';
import type { Figure } from '../lib/results.ts';
import { HEAP_MB, startDaemon } from '../lib/daemon.ts';
import { BenchInstallation } from '../lib/installation.ts';
import { MailMix, replyTargets } from '../lib/mix.ts';
import { countOf } from '../lib/pipeline.ts';
import { RssSampler } from '../lib/rss.ts';
import { writeSamples } from '../lib/samples.ts';
import type { Scenario } from '../lib/scenario.ts';
import { median, now, waitUntil } from '../lib/timing.ts';

const CHUNK = 1000;

export const memory: Scenario = {
  name: 'memory',
  title: 'Memory: RSS of `tasaeed start` while a backlog of stored mail drains',
  async run(ctx) {
    // 100,000 would take 6 to 30 minutes at today's drain rate (53–280/s), over the whole run's 10-minute budget.
    const n = ctx.quick ? 5000 : 20_000;
    const inst = await BenchInstallation.create(ctx.services, ctx.cleanup, 'memory');
    const app = await inst.open();
    const mix = new MailMix(inst.policy, inst.config.REPLY_SECRET, 'memory', 13);
    await ingestRaw(app.deps, Array.from({ length: 100 }, (_, i) => mix.newEscalation(i, true))
      .map((m) => ({ mailbox: 'seed', uidvalidity: null, uid: null, raw: m.raw })));
    const targets = await replyTargets(inst.db, 100);
    await app.close();

    ctx.progress(`memory: storing a backlog of ${n} emails as raw inbound rows`);
    const storeStart = now();
    for (let i = 0; i < n; i += CHUNK) {
      const batch = mix.batch(Math.min(CHUNK, n - i), targets, 0.3, 100 + i);
      await storeRaw(inst.db, batch.map((m) => ({ mailbox: 'backlog', uidvalidity: null, uid: null, raw: m.raw })));
    }
    const storeMs = now() - storeStart;

    ctx.progress('memory: `tasaeed start` drains it; sampling its RSS');
    const daemon = startDaemon(inst, ctx.cleanup);
    const sampler = new RssSampler(daemon.pid, 250).start();
    ctx.cleanup.add('RSS sampler', () => { sampler.stop(); return Promise.resolve(); });
    const t0 = now();
    await waitUntil('the backlog to drain', async () => {
      const exit = daemon.exit();
      if (exit !== undefined) throw new Error(`tasaeed start exited (${exit}) before the backlog drained; see ${inst.logFile}`);
      return await countOf(inst.db('inbound_messages').where({ status: 'pending' })) === 0;
    }, Math.max(120_000, n * 30), 250);
    const drainMs = now() - t0;
    const samples = sampler.stop();
    await daemon.stop();
    writeSamples('memory', { samples });

    const unchanged = await countOf(inst.db('inbound_messages').where({ mailbox: 'backlog' }).whereNot({ status: 'processed' }));
    const mbs = samples.map((s) => s.mb);
    const quarter = (q: number): number => median(mbs.slice(Math.floor((mbs.length * (q - 1)) / 4), Math.floor((mbs.length * q) / 4)));
    const growth = (quarter(4) / quarter(2) - 1) * 100;
    const figures: Figure[] = [
      { key: 'memory.peak_rss_mb', label: 'peak RSS while draining', value: Math.max(...mbs), unit: 'MB', goal: { op: '<=', value: 300 } },
      { key: 'memory.rss_growth_pct', label: 'RSS growth, 2nd → 4th quarter of the drain (median)', value: growth, unit: '%', goal: { op: '<=', value: 10 } },
      { key: 'memory.drain_per_s', label: 'drain rate with the workers sending copies', value: (n / drainMs) * 1000, unit: 'emails/s', info: true },
      { key: 'memory.not_processed', label: 'backlog messages not processed', value: unchanged, unit: 'emails', goal: { op: '<=', value: 0 } },
    ];
    return {
      params: { backlog: n, created_by: 'storeRaw (raw rows in PostgreSQL)', samples: samples.length },
      figures,
      notes: [
        `backlog stored in ${(storeMs / 1000).toFixed(1)} s; drained in ${(drainMs / 1000).toFixed(1)} s (including start: migrate, workers, reconcile)`,
        `RSS quartile medians: ${[1, 2, 3, 4].map((q) => `${quarter(q).toFixed(0)} MB`).join(', ')}`,
        `tasaeed start runs with --max-old-space-size=${HEAP_MB}, the README's recommended setting for the daemon`,
      ],
    };
  },
};
