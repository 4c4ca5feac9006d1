/**
 * The checks `tasaeed doctor` makes beyond the start-up probes: Redis's eviction policy, a round trip of a test
 * message through SMTP into the Core mailbox and back out over IMAP (then removed), and the Core domain's DMARC and
 * SPF records. Each failure is a TasaeedError naming the setting to change; nothing secret is put in a message.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ImapFlow } from 'imapflow';
import { Redis } from 'ioredis';
import { messageOf, TasaeedError } from '../errors.ts';
import type { DnsResolver } from './dns-resolver.ts';
import type { ImapConnector } from './mail-connection.ts';
import { createMailer, type MailerOptions } from './mailer.ts';

/** Redis's `maxmemory-policy`: BullMQ loses jobs under any policy that evicts keys. */
export async function redisEvictionPolicy(url: string, timeoutMs: number): Promise<string> {
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  redis.on('error', () => undefined); // the rejected promise reports it
  try {
    await redis.connect();
    const info = await redis.info('memory');
    return /maxmemory_policy:([^\r\n]+)/.exec(info)?.[1] ?? 'unknown';
  } finally {
    redis.disconnect();
  }
}

export interface RoundTrip {
  smtp: MailerOptions;
  imap: ImapConnector;
  mailbox: string;
  /** The Core mailbox: the sender, and the recipient unless `to` says otherwise. */
  core: string;
  /** Where the test message goes: a plus address of the Core mailbox (REPLY_ADDRESS=plus) or the Core address. */
  to: string;
  /** The setting to look at when the message does not arrive. */
  setting: string;
  timeoutMs: number;
}

/** Sends a test message, waits until it is in the mailbox, removes it; returns how long delivery took. */
export async function mailRoundTrip(o: RoundTrip): Promise<number> {
  const domain = o.core.split('@')[1] ?? 'localhost';
  const messageId = `<doctor-${randomUUID()}@${domain}>`;
  const mailer = createMailer(o.smtp);
  const t0 = Date.now();
  try {
    await mailer.send({
      from: { name: 'tasaeed doctor', address: o.core }, to: o.to, replyTo: o.core, messageId,
      subject: 'tasaeed doctor — فحص الاتصال', text: 'فحص آلي من tasaeed doctor، يُحذف تلقائياً.\nAn automatic check by tasaeed doctor; it is removed automatically.',
      html: '<p dir="rtl">فحص آلي من tasaeed doctor، يُحذف تلقائياً.</p><p dir="ltr">An automatic check by tasaeed doctor; it is removed automatically.</p>',
      // our loop header: a running tasaeed records it as its own mail and never answers it
      headers: { 'X-Tasaeed': 'doctor', 'Auto-Submitted': 'auto-generated' },
    });
  } catch (err) {
    // refused for good at the address: the mail system does not know it (no plus addressing, a rule)
    if (err instanceof TasaeedError && err.code === 'SMTP_REJECTED') {
      throw new TasaeedError('MAIL_ROUND_TRIP_FAILED', `${o.setting}: ${err.message}`, { setting: o.setting, cause: err });
    }
    throw err;
  } finally {
    mailer.close();
  }
  const client = new ImapFlow({ ...await o.imap(), logger: false, emitLogs: false });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.mailboxOpen(o.mailbox);
    for (;;) {
      const found = await client.search({ header: { 'message-id': messageId } }, { uid: true });
      if (Array.isArray(found) && found.length > 0) {
        const ms = Date.now() - t0;
        await client.messageDelete(found.join(','), { uid: true });
        return ms;
      }
      if (Date.now() - t0 > o.timeoutMs) break;
      await sleep(300);
    }
  } finally {
    await client.logout().catch(() => undefined);
  }
  throw new TasaeedError('MAIL_ROUND_TRIP_FAILED', `${o.setting}: a test message to ${o.to} was accepted but did not reach ${o.mailbox} within ${String(Math.round(o.timeoutMs / 1000))} s`, { setting: o.setting });
}

/** The TXT records of a name joined per record; none when the name has no TXT records. */
async function txt(resolve: DnsResolver, name: string): Promise<string[]> {
  try {
    const answer = await resolve(name, 'TXT');
    return answer.map((r) => (Array.isArray(r) ? r.join('') : r));
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === 'ENOTFOUND' || code === 'ENODATA') return [];
    throw new TasaeedError('CONFIG_INVALID', `INBOUND_AUTH: cannot look up ${name} TXT (${messageOf(err)})`, { setting: 'INBOUND_AUTH_DNS_FILE', cause: err });
  }
}

/** The Core domain publishes DMARC and SPF (what sender authentication checks of our own mail, and peers of ours). */
export async function domainAuthRecords(resolve: DnsResolver, domain: string): Promise<string> {
  const [dmarc, spf] = await Promise.all([txt(resolve, `_dmarc.${domain}`), txt(resolve, domain)]);
  const missing = [
    ...(dmarc.some((r) => /^v=DMARC1\b/i.test(r)) ? [] : [`_dmarc.${domain} (DMARC)`]),
    ...(spf.some((r) => /^v=spf1\b/i.test(r)) ? [] : [`${domain} (SPF)`]),
  ];
  if (missing.length > 0) {
    throw new TasaeedError('DNS_RECORDS_MISSING', `INBOUND_AUTH: no TXT record for ${missing.join(' or ')}`, { setting: 'INBOUND_AUTH' });
  }
  return `DMARC and SPF published for ${domain}`;
}
