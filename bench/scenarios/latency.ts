/**
 * 3. Latency while IDLE. Emails are APPENDed at a steady rate while `tasaeed start` (listener, workers) runs;
 * each one's APPEND → committed ticket change is compared with the floor measured on the same messages at the same
 * time: a bare imapflow client IDLEing on the same mailbox, APPEND → `exists` (Dovecot holds IDLE notifications
 * back ~0.5 s). Then ticket commit → copy accepted by the LMTP server, from outbox.created_at to outbox.sent_at.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Figure } from '../lib/results.ts';
import { BenchInstallation } from '../lib/installation.ts';
import { MailMix, replyTargets } from '../lib/mix.ts';
import { ingestRaw } from '../../src/app/ingest-message.ts';
import { countOf } from '../lib/pipeline.ts';
import { writeSamples } from '../lib/samples.ts';
import { profiled } from '../lib/profile.ts';
import type { Scenario } from '../lib/scenario.ts';
import { now, percentile, waitUntil } from '../lib/timing.ts';

const RATE = 50;

export const latency: Scenario = {
  name: 'latency',
  title: 'Latency at a steady 50 emails/s while IDLE: APPEND → committed, and commit → copy accepted by LMTP',
  async run(ctx) {
    const seconds = ctx.quick ? 6 : 30;
    const count = RATE * seconds;
    const inst = await BenchInstallation.create(ctx.services, ctx.cleanup, 'latency');
    const app = await inst.start();
    const closeApp = ctx.cleanup.add('latency app', () => app.close());
    const mix = new MailMix(inst.policy, inst.config.REPLY_SECRET, 'latency', 11);
    await ingestRaw(app.deps, Array.from({ length: 40 }, (_, i) => mix.newEscalation(i, true))
      .map((m) => ({ mailbox: 'seed', uidvalidity: null, uid: null, raw: m.raw })));
    const messages = mix.batch(count, await replyTargets(inst.db, 40), 0.3, 40);
    const index = new Map(messages.map((m, k) => [m.messageId, k]));
    await waitUntil('the seed copies to be sent', async () => await countOf(inst.db('outbox').where({ status: 'pending' })) === 0, 60_000, 100);

    // The floor: a bare IDLE client on the same mailbox, same messages, same moment.
    const bare = inst.imap(inst.policy.core.mailbox, { autoIdleDelay: 20 });
    await bare.connect();
    const box = await bare.mailboxOpen('INBOX', { readOnly: true });
    const base = box.exists;
    const existsAt: number[] = [];
    bare.on('exists', (d: { count: number; prevCount: number }) => {
      const t = now();
      for (let seq = d.prevCount + 1; seq <= d.count; seq += 1) existsAt[seq - base - 1] = t;
    });
    const closeBare = ctx.cleanup.add('bare IDLE client', () => bare.logout().catch(() => undefined));

    // Commits, observed every 5 ms (an observation is an upper bound: the commit happened before the poll began).
    const committedAt: number[] = [];
    let watermark = (await inst.db('inbound_messages').max('id as m').first() as { m: number | null } | undefined)?.m ?? 0;
    const watch = { on: true };
    const watcher = (async () => {
      while (watch.on) {
        const polledAt = now();
        const rows = await inst.db('inbound_messages').where('id', '>', watermark).whereNot({ status: 'pending' })
          .orderBy('id').select('id', 'message_id') as { id: number; message_id: string | null }[];
        for (const r of rows) {
          const k = index.get(r.message_id ?? '');
          if (k !== undefined) committedAt[k] = polledAt;
          watermark = Math.max(watermark, r.id);
        }
        await sleep(5);
      }
    })();

    ctx.progress(`latency: APPENDing ${count} emails at ${RATE}/s`);
    const appendedAt: number[] = [];
    const appender = inst.imap();
    await appender.connect();
    const runStart = new Date();
    await profiled('latency', async () => {
      const t0 = now();
      for (let k = 0; k < count; k += 1) {
        const wait = t0 + (k * 1000) / RATE - now();
        if (wait > 0) await sleep(wait);
        await appender.append('INBOX', messages[k]?.raw ?? Buffer.alloc(0));
        appendedAt[k] = now();
      }
      await appender.logout();
      await waitUntil('every appended email to be committed and seen by the bare client', () =>
        Promise.resolve(messages.every((_, k) => committedAt[k] !== undefined && existsAt[k] !== undefined)), 60_000, 20);
    });
    watch.on = false;
    await watcher;
    await closeBare();

    ctx.progress('latency: waiting for every copy to be accepted by LMTP');
    await waitUntil('every email of the run to be sent', async () =>
      await countOf(inst.db('outbox').where('created_at', '>=', runStart).where({ status: 'pending' })) === 0, 120_000, 100);
    const sends = await inst.db('outbox').where('created_at', '>=', runStart).where({ status: 'sent' })
      .select(inst.db.raw('extract(epoch from (sent_at - created_at)) * 1000 as ms')) as { ms: string }[];
    const failed = await countOf(inst.db('outbox').where('created_at', '>=', runStart).where({ status: 'failed' }));
    await closeApp();

    const pipeline = messages.map((_, k) => (committedAt[k] ?? Number.NaN) - (appendedAt[k] ?? Number.NaN));
    const floor = messages.map((_, k) => (existsAt[k] ?? Number.NaN) - (appendedAt[k] ?? Number.NaN));
    const sendMs = sends.map((s) => Number(s.ms));
    writeSamples('latency', { appendedAt, existsAt, committedAt, sendMs });
    const figures: Figure[] = [
      { key: 'latency.commit_p50_ms', label: 'APPEND → ticket committed, p50', value: percentile(pipeline, 50), unit: 'ms',
        floor: { label: 'bare IDLE client: APPEND → exists, p50', value: percentile(floor, 50) }, goal: { op: '<=', value: 100, overFloor: true } },
      { key: 'latency.commit_p99_ms', label: 'APPEND → ticket committed, p99', value: percentile(pipeline, 99), unit: 'ms',
        floor: { label: 'bare IDLE client: APPEND → exists, p99', value: percentile(floor, 99) }, goal: { op: '<=', value: 500, overFloor: true } },
      { key: 'latency.send_p99_ms', label: 'ticket commit → copy accepted by LMTP, p99', value: percentile(sendMs, 99), unit: 'ms', goal: { op: '<=', value: 2000 } },
      { key: 'latency.send_p50_ms', label: 'ticket commit → copy accepted by LMTP, p50', value: percentile(sendMs, 50), unit: 'ms', info: true },
      { key: 'latency.excess_p50_ms', label: 'excess over the IDLE floor, p50', value: percentile(pipeline, 50) - percentile(floor, 50), unit: 'ms', info: true },
    ];
    return {
      params: { emails: count, rate_per_s: RATE, seconds, copies_sent: sendMs.length },
      figures,
      notes: [
        `APPEND times are when the server acknowledged the APPEND; commits are observed by polling every 5 ms (upper bound); ${failed} emails failed to send`,
        'the listener and the workers run together (`startApp`): copies are sent while new mail arrives',
      ],
    };
  },
};
