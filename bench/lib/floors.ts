/**
 * The limits of tasaeed's own parts, measured in the same run on the same services: what IMAP fetch + MIME parse,
 * a BullMQ addBulk and a PostgreSQL insert loop can do alone, with nothing of tasaeed around them.
 */
import type { ImapFlow } from 'imapflow';
import { simpleParser } from 'mailparser';
import { Queue } from 'bullmq';
import nodemailer from 'nodemailer';
import pg from 'pg';
import { redisConnection } from '../../src/adapters/queue.ts';
import { now } from './timing.ts';

/** Fetches every message of INBOX (BODY.PEEK[], one FETCH) and parses each with mailparser; returns ms. */
export async function fetchAndParse(client: ImapFlow, expected: number): Promise<number> {
  const t0 = now();
  await client.connect();
  const lock = await client.getMailboxLock('INBOX', { readOnly: true });
  let parsed = 0;
  try {
    const inFlight = new Set<Promise<void>>();
    for await (const msg of client.fetch('1:*', { uid: true, source: true })) {
      if (msg.source === undefined) continue;
      const p = simpleParser(msg.source, { skipImageLinks: true, skipTextToHtml: true }).then(() => { parsed += 1; inFlight.delete(p); });
      inFlight.add(p);
      if (inFlight.size >= 64) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  } finally {
    lock.release();
    await client.logout();
  }
  if (parsed !== expected) throw new Error(`fetch+parse floor parsed ${parsed} messages, expected ${expected}`);
  return now() - t0;
}

/** addBulk of `count` jobs shaped like outbound jobs, 1,000 per call; returns ms. */
export async function bullmqAddBulk(redisUrl: string, prefix: string, count: number): Promise<number> {
  const connection = redisConnection(redisUrl);
  const queue = new Queue('floor-outbound', { connection, prefix });
  try {
    await queue.waitUntilReady();
    const t0 = now();
    for (let i = 0; i < count; i += 1000) {
      await queue.addBulk(Array.from({ length: Math.min(1000, count - i) }, (_, k) => ({
        name: 'send', data: { outboxId: i + k + 1 },
        opts: { jobId: `outbox-${i + k + 1}`, attempts: 8, backoff: { type: 'exponential', delay: 2000 }, removeOnComplete: { count: 1000 }, removeOnFail: { count: 5000 } },
      })));
    }
    return now() - t0;
  } finally {
    await queue.obliterate({ force: true });
    await queue.close();
    connection.disconnect();
  }
}

/** One INSERT per row, each its own transaction, over one connection (pg, no query builder); returns ms. */
export async function postgresInsertLoop(databaseUrl: string, raws: readonly Buffer[]): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('create table bench_floor (id bigserial primary key, message_id text not null, raw bytea not null)');
    const t0 = now();
    for (let i = 0; i < raws.length; i += 1) {
      await client.query('insert into bench_floor (message_id, raw) values ($1, $2)', [`<floor-${i}@bench>`, raws[i]]);
    }
    const ms = now() - t0;
    await client.query('drop table bench_floor');
    return ms;
  } finally {
    await client.end();
  }
}

/**
 * Sends one email of about `bytes` to each recipient in turn over a nodemailer pool shaped like the daemon's
 * (SMTP_MAX_CONNECTIONS / SMTP_MAX_MESSAGES defaults) to the same LMTP server, nothing of tasaeed around it; returns ms.
 */
export async function nodemailerSend(lmtpPort: number, from: string, recipients: readonly string[], bytes: number): Promise<number> {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1', port: lmtpPort, lmtp: true, ignoreTLS: true, pool: true, maxConnections: 5, maxMessages: 100,
  });
  const paragraph = 'نرجو متابعة طلب العميل بشكل عاجل وإفادتنا بما تم. ';
  const text = paragraph.repeat(Math.max(1, Math.round(bytes / 2 / Buffer.byteLength(paragraph))));
  try {
    const t0 = now();
    const inFlight = new Set<Promise<unknown>>();
    for (const [i, to] of recipients.entries()) {
      const p = transport.sendMail({
        from, to, subject: `نسخة ${String(i)}`, text, html: `<div dir="rtl" lang="ar"><p>${text}</p></div>`,
        messageId: `<floor-${String(i)}-${String(lmtpPort)}@bench>`,
      }).finally(() => { inFlight.delete(p); });
      inFlight.add(p);
      if (inFlight.size >= 64) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    return now() - t0;
  } finally {
    transport.close();
  }
}
