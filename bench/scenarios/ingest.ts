/**
 * 1–2. Ingest throughput against its floors. N realistic ~5 KB Arabic emails (70 % new escalations, 30 % replies
 * from heads through the signed reply address, some with #ملاحظة or #حل) are APPENDed to the Core mailbox; the
 * IMAP listener then turns them into committed ticket changes with every copy and deadline queued in BullMQ
 * (workers are not running, so the queues only fill). The floors run in the same process on the same services.
 */
import { imapConnector } from '../../src/adapters/mail-connection.ts';
import { ingestRaw } from '../../src/app/ingest-message.ts';
import { createImapListener } from '../../src/entry/imap-listener.ts';
import type { Figure } from '../lib/results.ts';
import { BenchInstallation } from '../lib/installation.ts';
import { appendAll } from '../lib/mailbox.ts';
import { MailMix, replyTargets } from '../lib/mix.ts';
import { effectsQueued, inboundProgress, outcomes, rowCount } from '../lib/pipeline.ts';
import { bullmqAddBulk, fetchAndParse, postgresInsertLoop } from '../lib/floors.ts';
import { profiled } from '../lib/profile.ts';
import type { Scenario } from '../lib/scenario.ts';
import { now, waitUntil } from '../lib/timing.ts';

export const ingest: Scenario = {
  name: 'ingest',
  title: 'Ingest throughput: APPENDed mail → committed ticket changes with copies queued, against its floors',
  async run(ctx) {
    const n = ctx.quick ? 2000 : 20_000;
    const seedCount = Math.max(50, Math.round(n / 40));
    const inst = await BenchInstallation.create(ctx.services, ctx.cleanup, 'ingest');
    const app = await inst.open();
    const closeApp = ctx.cleanup.add('ingest app', () => app.close());

    ctx.progress(`ingest: seeding ${seedCount} tickets for heads to reply to`);
    const mix = new MailMix(inst.policy, inst.config.REPLY_SECRET, 'ingest', 7);
    const seeds = Array.from({ length: seedCount }, (_, i) => mix.newEscalation(i, true));
    await ingestRaw(app.deps, seeds.map((m) => ({ mailbox: 'seed', uidvalidity: null, uid: null, raw: m.raw })));
    const messages = mix.batch(n, await replyTargets(inst.db, seedCount), 0.3, seedCount);
    const kinds = messages.reduce<Record<string, number>>((acc, m) => ({ ...acc, [m.kind]: (acc[m.kind] ?? 0) + 1 }), {});
    const avgBytes = messages.reduce((a, m) => a + m.raw.length, 0) / n;

    ctx.progress(`ingest: APPENDing ${n} messages (avg ${Math.round(avgBytes)} B) to the Core mailbox`);
    const appendMs = await appendAll(() => inst.imap(), messages.map((m) => m.raw), 4);

    ctx.progress('ingest: listener on, draining the mailbox');
    const listener = createImapListener(app.deps, { connection: imapConnector(inst.config, undefined), mailbox: 'INBOX' });
    const stopListener = ctx.cleanup.add('ingest listener', () => listener.stop());
    const outboxBefore = await rowCount(inst.db, 'outbox');
    const t0 = now();
    await profiled('ingest', async () => {
      await listener.start();
      await waitUntil('every message to be committed', async () => {
        const p = await inboundProgress(inst.db);
        return p.lastUid >= n && p.pending === 0;
      }, Math.max(120_000, n * 20), 20);
      await waitUntil('every copy and deadline to be queued', () => effectsQueued(inst.db, app), 30_000, 10);
    });
    const ingestMs = now() - t0;
    await stopListener();

    const result = await outcomes(inst.db);
    const changed = (result['processed/new'] ?? 0) + (result['processed/reply'] ?? 0);
    const outbox = await rowCount(inst.db, 'outbox') - outboxBefore;

    ctx.progress('ingest: floors (fetch+parse, BullMQ addBulk, PostgreSQL insert loop)');
    const fetchParseMs = await fetchAndParse(inst.imap(), n);
    const addBulkMs = await bullmqAddBulk(inst.config.REDIS_URL, inst.config.QUEUE_PREFIX, n);
    const insertMs = await postgresInsertLoop(inst.config.DATABASE_URL, messages.map((m) => m.raw));
    await closeApp();

    const rate = (ms: number): number => (n / ms) * 1000;
    const figures: Figure[] = [
      {
        key: 'ingest.emails_per_s', label: 'ingest: APPENDed → committed + queued', value: rate(ingestMs), unit: 'emails/s',
        goal: { op: '>=', value: 1000 }, floor: { label: 'IMAP fetch + mailparser', value: rate(fetchParseMs) },
        ratioGoal: { op: '>=', value: 0.5 },
      },
      { key: 'ingest.not_changed', label: 'messages not turned into a ticket change', value: n - changed, unit: 'emails', goal: { op: '<=', value: 0 } },
      { key: 'floor.fetch_parse_per_s', label: 'floor: IMAP fetch + mailparser parse', value: rate(fetchParseMs), unit: 'emails/s', info: true },
      { key: 'floor.bullmq_addbulk_per_s', label: 'floor: BullMQ addBulk (1,000 per call)', value: rate(addBulkMs), unit: 'jobs/s', info: true },
      { key: 'floor.pg_insert_loop_per_s', label: 'floor: PostgreSQL insert loop (1 row per statement)', value: rate(insertMs), unit: 'rows/s', info: true },
      { key: 'ingest.append_per_s', label: 'APPEND over 4 IMAP connections (setup)', value: rate(appendMs), unit: 'emails/s', info: true },
    ];
    return {
      params: { emails: n, avg_bytes: Math.round(avgBytes), ...kinds, seeded_tickets: seedCount },
      figures,
      notes: [
        `outcomes: ${Object.entries(result).map(([k, v]) => `${k} ${v}`).join(', ')}; ${outbox} outbox rows queued`,
        'the backlog is APPENDed first, then the listener starts (connect, SELECT, SEARCH, FETCH in chunks, store, process); workers are off so the queues only fill',
      ],
    };
  },
};
