/**
 * 8. A long SMTP outage. `tasaeed start` runs as shipped with the default backoff (SEND_RETRY_MIN 2 s, capped at
 * SEND_RETRY_MAX 5 min) behind a real SMTP server (smtp-server, relaying to Dovecot over LMTP). The server goes
 * away for 30 minutes (nothing listens on its port: ECONNREFUSED) while ~50 escalations arrive, spread over the
 * outage; then it comes back. Measured: time from the server's return to the last email it accepts. Checked: no
 * email failed for good during the outage, and every outbox row is in its recipient's mailbox exactly once (by
 * Message-ID, read back over IMAP).
 */
import { existsSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { readMailbox } from '../../scripts/read-mailbox.ts';
import { SmtpRelay } from '../../test/support/smtp-relay.ts';
import { startDaemon } from '../lib/daemon.ts';
import { BenchInstallation, MAIL_PASSWORD } from '../lib/installation.ts';
import { MailMix } from '../lib/mix.ts';
import { countOf } from '../lib/pipeline.ts';
import type { Figure } from '../lib/results.ts';
import type { Scenario } from '../lib/scenario.ts';
import { now, waitUntil } from '../lib/timing.ts';

interface OutboxRow { id: number; to_email: string; message_id: string; status: string; attempts: number; sent_at: Date | null }

export const smtpOutage: Scenario = {
  name: 'smtp-outage',
  title: 'SMTP outage: the mail server away for 30 minutes while escalations arrive, then back',
  namedOnly: true,
  async run(ctx) {
    const outageMs = ctx.quick ? 30_000 : 30 * 60_000;
    const n = ctx.quick ? 5 : 50;
    // The shipped defaults, except in a quick run, where a 5-minute cap would outlast the whole outage.
    const retryMax = ctx.quick ? '5s' : '5m';
    const inst = await BenchInstallation.create(ctx.services, ctx.cleanup, 'outage');
    const relay = await SmtpRelay.create(Number(ctx.services.env.LMTP_PORT));
    ctx.cleanup.add('SMTP relay', () => relay.down());
    await relay.up();
    Object.assign(inst.env, { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(relay.port), SMTP_LMTP: 'false', SMTP_ALLOW_PLAINTEXT: 'true', SEND_RETRY_MAX: retryMax });
    const daemon = startDaemon(inst, ctx.cleanup);
    await waitUntil('tasaeed start to listen', () => {
      if (daemon.exit() !== undefined) throw new Error(`tasaeed start exited (${daemon.exit() ?? ''}); see ${inst.logFile}`);
      return Promise.resolve(existsSync(inst.logFile) && readFileSync(inst.logFile, 'utf8').includes('imap listening'));
    }, 60_000, 250);

    await relay.down();
    const outageStart = now();
    ctx.progress(`smtp-outage: mail server down for ${String(outageMs / 60_000)} min; ${String(n)} escalations arrive during it`);
    const mix = new MailMix(inst.policy, inst.config.REPLY_SECRET, 'outage', 11);
    const client = inst.imap();
    await client.connect();
    try {
      // Spread over the first 90 % of the outage: early ones reach the backoff cap, late ones are still short of it.
      const every = (outageMs * 0.9) / n;
      for (let i = 0; i < n; i += 1) {
        const due = outageStart + i * every;
        if (due > now()) await sleep(due - now());
        await client.append('INBOX', mix.newEscalation(i, true).raw);
        if (i % 10 === 9) ctx.progress(`smtp-outage: ${String(i + 1)} of ${String(n)} escalations in, ${String(Math.round((now() - outageStart) / 60_000))} min into the outage`);
      }
    } finally {
      await client.logout().catch(() => undefined);
    }
    await waitUntil('every escalation to be a ticket', async () => await countOf(inst.db('tickets')) >= n, 120_000, 500);
    const left = outageStart + outageMs - now();
    if (left > 0) await sleep(left);
    const duringOutage = await inst.db('outbox').select('status').count('* as n').groupBy('status') as { status: string; n: string }[];
    const failedDuring = Number(duringOutage.find((s) => s.status === 'failed')?.n ?? 0);
    const sentDuring = Number(duringOutage.find((s) => s.status === 'sent')?.n ?? 0);
    const maxAttempts = (await inst.db('outbox').max('attempts as m').first() as { m: number | null } | undefined)?.m ?? 0;

    const expected = await countOf(inst.db('outbox'));
    await relay.up();
    const back = now();
    const backAt = new Date();
    ctx.progress(`smtp-outage: mail server back; ${String(expected)} emails to deliver`);
    await waitUntil('every email to be accepted by the mail server', () => Promise.resolve(relay.accepted >= expected), 20 * 60_000, 100);
    const lastAcceptedMs = now() - back;
    await waitUntil('the outbox to settle', async () => await countOf(inst.db('outbox').whereNot({ status: 'sent' })) === 0, 120_000, 250);
    await daemon.stop();

    const rows = await inst.db('outbox').select('id', 'to_email', 'message_id', 'status', 'attempts', 'sent_at') as OutboxRow[];
    const firstSentMs = Math.min(...rows.map((r) => (r.sent_at?.getTime() ?? Number.POSITIVE_INFINITY) - backAt.getTime()));
    // Every recipient's mailbox, read back over IMAP: each row's Message-ID exactly once.
    const seen = new Map<string, number>();
    for (const to of new Set(rows.map((r) => r.to_email))) {
      const mails = await readMailbox({ host: inst.config.IMAP_HOST, port: inst.config.IMAP_PORT, user: to, password: MAIL_PASSWORD });
      for (const m of mails) if (m.messageId !== undefined) seen.set(`${to} ${m.messageId}`, (seen.get(`${to} ${m.messageId}`) ?? 0) + 1);
    }
    const copies = rows.map((r) => seen.get(`${r.to_email} ${r.message_id}`) ?? 0);
    const missing = copies.filter((c) => c === 0).length;
    const twice = copies.filter((c) => c > 1).length;
    const figures: Figure[] = [
      { key: 'smtp_outage.recovery_s', label: `mail server back → last of ${String(expected)} emails accepted`, value: lastAcceptedMs / 1000, unit: 's', goal: { op: '<=', value: 60 } },
      { key: 'smtp_outage.first_sent_s', label: 'mail server back → first email marked sent', value: firstSentMs / 1000, unit: 's', info: true },
      { key: 'smtp_outage.failed_during', label: 'emails failed for good during the outage', value: failedDuring, unit: 'emails', goal: { op: '<=', value: 0 } },
      { key: 'smtp_outage.missing', label: 'emails not in their recipient\'s mailbox', value: missing, unit: 'emails', goal: { op: '<=', value: 0 } },
      { key: 'smtp_outage.twice', label: 'emails in a mailbox more than once', value: twice, unit: 'emails', goal: { op: '<=', value: 0 } },
      { key: 'smtp_outage.accepted', label: 'emails the server accepted (outbox rows: same number)', value: relay.accepted, unit: 'emails', goal: { op: '<=', value: expected } },
      { key: 'smtp_outage.max_attempts', label: 'most send attempts of one email during the outage', value: maxAttempts, unit: 'attempts', info: true },
    ];
    return {
      params: { outage_min: outageMs / 60_000, escalations: n, emails: expected, send_retry_min: '2s', send_retry_max: retryMax },
      figures,
      notes: [
        `the server is away (nothing listens on its port) from before the first escalation to ${String(outageMs / 60_000)} min later; ${String(sentDuring)} emails were sent during it`,
        'while the server is away the daemon probes it every min(15 s, SEND_RETRY_MAX); when a probe succeeds every retrying email is sent at once instead of at its next backoff step',
      ],
    };
  },
};
