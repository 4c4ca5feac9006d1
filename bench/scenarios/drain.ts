/**
 * 4. Draining a backlog. A backlog of realistic mail is stored as raw inbound rows (storeRaw, the same call the
 * listener makes — much faster to set up than APPENDing 20,000 messages), then `tasaeed start` runs as a child
 * process, exactly as shipped: it drains the backlog at start while its workers send every copy and
 * acknowledgement over LMTP to the private Dovecot. An email is done when its outcome is committed and every email
 * it caused has been accepted by the server. The floor: the same number of emails, of the same size, to the same
 * recipients, sent by nodemailer alone to the same server. The daemon's RSS is sampled from /proc meanwhile.
 */
import { storeRaw } from '../../src/adapters/inbound-store.ts';
import { ingestRaw } from '../../src/app/ingest-message.ts';
import type { Figure } from '../lib/results.ts';
import { HEAP_MB, startDaemon } from '../lib/daemon.ts';
import { nodemailerSend } from '../lib/floors.ts';
import { BenchInstallation } from '../lib/installation.ts';
import { MailMix, replyTargets } from '../lib/mix.ts';
import { countOf } from '../lib/pipeline.ts';
import { RssSampler } from '../lib/rss.ts';
import { writeSamples } from '../lib/samples.ts';
import type { Scenario } from '../lib/scenario.ts';
import { median, now, waitUntil } from '../lib/timing.ts';

const CHUNK = 1000;

/** The mean size of the emails tasaeed delivered to `mailbox` (the first 200), as the server stored them. */
async function deliveredSize(inst: BenchInstallation, mailbox: string): Promise<number> {
  const client = inst.imap(mailbox);
  await client.connect();
  try {
    const lock = await client.getMailboxLock('INBOX', { readOnly: true });
    const sizes: number[] = [];
    try {
      for await (const m of client.fetch('1:200', { size: true })) if (m.size !== undefined) sizes.push(m.size);
    } finally {
      lock.release();
    }
    return sizes.length === 0 ? 8000 : sizes.reduce((a, b) => a + b, 0) / sizes.length;
  } finally {
    await client.logout();
  }
}

export const drain: Scenario = {
  name: 'drain',
  title: 'Drain: `tasaeed start` works off a stored backlog and sends every copy and acknowledgement',
  async run(ctx) {
    const n = ctx.quick ? 2000 : 20_000;
    const inst = await BenchInstallation.create(ctx.services, ctx.cleanup, 'drain');
    const app = await inst.open();
    const mix = new MailMix(inst.policy, inst.config.REPLY_SECRET, 'drain', 13);
    await ingestRaw(app.deps, Array.from({ length: 100 }, (_, i) => mix.newEscalation(i, true))
      .map((m) => ({ mailbox: 'seed', uidvalidity: null, uid: null, raw: m.raw })));
    const targets = await replyTargets(inst.db, 100);
    await app.close();
    // The seed's own emails are not part of the drain: they are marked sent, as if long delivered.
    await inst.db('outbox').update({ status: 'sent', sent_at: new Date() });
    const seedOutbox = Number((await inst.db('outbox').max('id as m').first() as { m: string | number | null } | undefined)?.m ?? 0);

    ctx.progress(`drain: storing a backlog of ${n} emails as raw inbound rows`);
    const storeStart = now();
    for (let i = 0; i < n; i += CHUNK) {
      const batch = mix.batch(Math.min(CHUNK, n - i), targets, 0.3, 100 + i);
      await storeRaw(inst.db, batch.map((m) => ({ mailbox: 'backlog', uidvalidity: null, uid: null, raw: m.raw })));
    }
    const storeMs = now() - storeStart;

    ctx.progress('drain: `tasaeed start` works it off; sampling its RSS');
    const daemon = startDaemon(inst, ctx.cleanup);
    const sampler = new RssSampler(daemon.pid, 250).start();
    ctx.cleanup.add('RSS sampler', () => { sampler.stop(); return Promise.resolve(); });
    const t0 = now();
    let ingestMs = 0;
    await waitUntil('the backlog to drain and every email to be sent', async () => {
      const exit = daemon.exit();
      if (exit !== undefined) throw new Error(`tasaeed start exited (${exit}) before the backlog drained; see ${inst.logFile}`);
      if (ingestMs === 0) {
        if (await countOf(inst.db('inbound_messages').where({ status: 'pending' })) > 0) return false;
        ingestMs = now() - t0;
      }
      return await countOf(inst.db('outbox').whereNot({ status: 'sent' })) === 0;
    }, Math.max(180_000, n * 60), 250);
    const drainMs = now() - t0;
    const samples = sampler.stop();
    await daemon.stop();
    writeSamples('drain', { samples });

    const unchanged = await countOf(inst.db('inbound_messages').where({ mailbox: 'backlog' }).whereNot({ status: 'processed' }));
    const recipients = (await inst.db('outbox').where('id', '>', seedOutbox).orderBy('id').select('to_email') as { to_email: string }[])
      .map((r) => r.to_email);
    const busiest = mostCommon(recipients);
    const bytes = await deliveredSize(inst, busiest);
    ctx.progress(`drain: floor — ${recipients.length} emails of ~${Math.round(bytes)} bytes by nodemailer alone`);
    const floorMs = await nodemailerSend(inst.config.SMTP_PORT, inst.policy.core.mailbox, recipients, bytes);

    const mbs = samples.map((s) => s.mb);
    const quarter = (q: number): number => median(mbs.slice(Math.floor((mbs.length * (q - 1)) / 4), Math.floor((mbs.length * q) / 4)));
    const growth = (quarter(4) / quarter(2) - 1) * 100;
    const perSecond = (ms: number): number => (n / ms) * 1000;
    const figures: Figure[] = [
      {
        key: 'drain.emails_per_s', label: 'backlog emails fully done (outcome committed, every email it caused sent)', value: perSecond(drainMs), unit: 'emails/s',
        floor: { label: `the same ${recipients.length.toLocaleString('en-US')} emails sent by nodemailer alone`, value: perSecond(floorMs) }, ratioGoal: { op: '>=', value: 0.5 },
      },
      { key: 'drain.ingest_per_s', label: 'backlog emails committed (ingest alone, while the workers send)', value: perSecond(ingestMs), unit: 'emails/s', info: true },
      { key: 'drain.peak_rss_mb', label: 'peak RSS of tasaeed start while draining', value: Math.max(...mbs), unit: 'MB', goal: { op: '<=', value: 250 } },
      { key: 'drain.rss_growth_pct', label: 'RSS growth, 2nd → 4th quarter of the drain (median)', value: growth, unit: '%', goal: { op: '<=', value: 10 } },
      { key: 'drain.not_processed', label: 'backlog messages not processed', value: unchanged, unit: 'emails', goal: { op: '<=', value: 0 } },
    ];
    return {
      params: { backlog: n, emails_sent: recipients.length, created_by: 'storeRaw (raw rows in PostgreSQL)', samples: samples.length },
      figures,
      notes: [
        `backlog stored in ${(storeMs / 1000).toFixed(1)} s; committed after ${(ingestMs / 1000).toFixed(1)} s, every email sent after ${(drainMs / 1000).toFixed(1)} s (including start: migrate, workers, reconcile)`,
        `floor: ${recipients.length} emails of ${Math.round(bytes)} bytes (the mean size of those delivered to ${busiest}) in ${(floorMs / 1000).toFixed(1)} s over a pool of 5 LMTP connections`,
        `RSS quartile medians: ${[1, 2, 3, 4].map((q) => `${quarter(q).toFixed(0)} MB`).join(', ')}`,
        `tasaeed start runs with --max-old-space-size=${HEAP_MB}, the README's recommended setting for the daemon`,
      ],
    };
  },
};

function mostCommon(values: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
}
