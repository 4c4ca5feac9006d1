/**
 * 7. Big mail. `tasaeed start` runs as shipped (with the README's heap cap) while 100 messages of 40 MB each (over
 * MAX_MESSAGE_BYTES, 25 MB by default) are APPENDed to the Core mailbox in a row, then one normal escalation. Each
 * big one must end quarantined as too large and the normal one must become a ticket, with the daemon's RSS
 * (sampled from /proc) bounded. A guard stops the daemon if its RSS passes 4 GB, so that a regression cannot
 * take the machine's memory from everything else running on it.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { Figure } from '../lib/results.ts';
import { startDaemon } from '../lib/daemon.ts';
import { BenchInstallation } from '../lib/installation.ts';
import { MailMix } from '../lib/mix.ts';
import { countOf } from '../lib/pipeline.ts';
import { RssSampler } from '../lib/rss.ts';
import { writeSamples } from '../lib/samples.ts';
import type { Scenario } from '../lib/scenario.ts';
import { now, waitUntil } from '../lib/timing.ts';

const MB = 1024 * 1024;
const GUARD_MB = 4096;

/** One multipart message of about `bytes` with a base64 attachment; the body is shared, the header is not. */
function bigMessages(from: string, to: string, bytes: number): (i: number) => Buffer {
  const line = `${randomBytes(57).toString('base64')}\r\n`;
  const body = Buffer.from([
    '--b', 'Content-Type: text/plain; charset=utf-8', '', 'مرفق كبير', '--b',
    'Content-Type: application/octet-stream; name="big.bin"', 'Content-Transfer-Encoding: base64',
    'Content-Disposition: attachment; filename="big.bin"', '', line.repeat(Math.ceil(bytes / line.length)), '--b--', '',
  ].join('\r\n'));
  return (i) => Buffer.concat([Buffer.from([
    `From: ${from}`, `To: ${to}`, `Subject: big ${i}`, `Message-ID: <big.${i}.${randomBytes(4).toString('hex')}@bench.test>`,
    `Date: ${new Date().toUTCString()}`, 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="b"', '', '',
  ].join('\r\n')), body]);
}

export const bigmail: Scenario = {
  name: 'bigmail',
  title: 'Big mail: RSS of `tasaeed start` while 100 messages of 40 MB arrive in a row',
  async run(ctx) {
    const n = ctx.quick ? 10 : 100;
    const size = 40 * MB;
    const inst = await BenchInstallation.create(ctx.services, ctx.cleanup, 'bigmail');
    const sender = inst.policy.people[0]?.email ?? inst.addr('nobody');
    const big = bigMessages(sender, inst.policy.core.mailbox, size);
    const daemon = startDaemon(inst, ctx.cleanup);
    const sampler = new RssSampler(daemon.pid, 250).start();
    ctx.cleanup.add('RSS sampler', () => { sampler.stop(); return Promise.resolve(); });
    const end: { why?: string; guarded?: boolean } = {};
    const guard = setInterval(() => {
      const last = sampler.samples.at(-1);
      if (last !== undefined && last.mb > GUARD_MB && daemon.exit() === undefined) { end.guarded = true; process.kill(daemon.pid, 'SIGKILL'); }
    }, 250);
    ctx.cleanup.add('RSS guard', () => { clearInterval(guard); return Promise.resolve(); });
    await waitUntil('tasaeed start to listen', () => {
      if (daemon.exit() !== undefined) throw new Error(`tasaeed start exited (${daemon.exit() ?? ''}); see ${inst.logFile}`);
      return Promise.resolve(existsSync(inst.logFile) && readFileSync(inst.logFile, 'utf8').includes('imap listening'));
    }, 60_000, 250);
    const idleMb = sampler.samples.at(-1)?.mb ?? 0;

    ctx.progress(`bigmail: APPENDing ${n} messages of ${size / MB} MB, then one normal email`);
    const client = inst.imap();
    await client.connect();
    const t0 = now();
    try {
      for (let i = 0; i < n && daemon.exit() === undefined; i += 1) await client.append('INBOX', big(i));
      const normal = new MailMix(inst.policy, inst.config.REPLY_SECRET, 'bigmail', 7).newEscalation(0, true);
      await client.append('INBOX', normal.raw);
    } finally {
      await client.logout().catch(() => undefined);
    }
    const appendMs = now() - t0;
    await waitUntil('every message to be taken in', async () => {
      const exit = daemon.exit();
      if (exit !== undefined) { end.why = `tasaeed start exited (${exit})`; return true; }
      return await countOf(inst.db('inbound_messages').whereIn('status', ['processed', 'quarantined'])) >= n + 1;
    }, 600_000, 500).catch((err: unknown) => { end.why = err instanceof Error ? err.message : String(err); });
    const doneMs = now() - t0;
    clearInterval(guard);
    const samples = sampler.stop();
    await daemon.stop();
    writeSamples('bigmail', { samples });

    const tooLarge = await countOf(inst.db('inbound_messages').where({ status: 'quarantined' }).where('reason', 'like', 'message is % bytes, over the limit%'));
    const realSize = await countOf(inst.db('inbound_messages').where({ status: 'quarantined' }).where('size', '>', size));
    const tickets = await countOf(inst.db('tickets'));
    const peak = Math.max(...samples.map((s) => s.mb));
    const figures: Figure[] = [
      { key: 'bigmail.peak_rss_mb', label: `peak RSS while ${n} × ${size / MB} MB messages arrive`, value: peak, unit: 'MB', goal: { op: '<=', value: 300 } },
      { key: 'bigmail.idle_rss_mb', label: 'RSS once listening, before the first message', value: idleMb, unit: 'MB', info: true },
      { key: 'bigmail.quarantined', label: 'big messages quarantined as too large', value: tooLarge, unit: 'emails', goal: { op: '>=', value: n } },
      { key: 'bigmail.real_size', label: 'of them recorded with their real size', value: realSize, unit: 'emails', goal: { op: '>=', value: n } },
      { key: 'bigmail.tickets', label: 'tickets from the normal email after them', value: tickets, unit: 'tickets', goal: { op: '>=', value: 1 } },
      { key: 'bigmail.seconds', label: 'first APPEND → all taken in', value: doneMs / 1000, unit: 's', info: true },
    ];
    return {
      params: { messages: n, message_mb: size / MB, max_message_bytes: inst.config.MAX_MESSAGE_BYTES, samples: samples.length },
      figures,
      notes: [
        `APPENDs took ${(appendMs / 1000).toFixed(1)} s over one IMAP connection`,
        ...(end.why === undefined ? [] : [`the daemon did not take everything in: ${end.guarded === true ? `stopped by the bench at ${GUARD_MB} MB RSS` : end.why}; see ${inst.logFile}`]),
      ],
    };
  },
};
