/**
 * SIGTERM while a large backlog drains: tasaeed stops fetching at once, finishes the message in its transaction
 * and the emails being handed to the server, and exits within SHUTDOWN_TIMEOUT; the rest is taken up at the next
 * start — every email one ticket, every copy and acknowledgement once in its recipient's mailbox.
 */
import type { ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arabicEmail, Installation, waitFor } from '../support/harness.ts';

const BACKLOG = 1000;
const SHUTDOWN_MS = 4000;
/** A loaded CI machine: process start-up to signal handling, and the exit itself. */
const SLACK_MS = 3000;
let inst: Installation;

const ticketCount = async () => Number((await inst.db('tickets').count({ n: '*' }).first() as { n: string | number } | undefined)?.n ?? 0);
const byRef = (mails: ParsedMail[], word: RegExp) => {
  const refs = new Map<string, number>();
  for (const m of mails) {
    const ref = /\[(T-\d+)\]/.exec(m.subject ?? '')?.[1];
    if (ref !== undefined && word.test(m.subject ?? '')) refs.set(ref, (refs.get(ref) ?? 0) + 1);
  }
  return refs;
};

beforeAll(async () => {
  inst = await Installation.create('backlog', [{ after: '1h', notify: ['general_manager'] }], {
    policy: (p) => { p.inbound = { rate_limit: { max: 100_000, per: '10m' } }; },
    env: () => ({ SHUTDOWN_TIMEOUT: `${String(SHUTDOWN_MS / 1000)}s` }),
  });
  await inst.cli(['migrate']);
});

afterAll(async () => {
  await inst.close();
});

describe('SIGTERM during a large backlog', () => {
  it(`exits within SHUTDOWN_TIMEOUT with ${String(BACKLOG)} emails in front of it, and the restart tickets each once`, { timeout: 600_000 }, async () => {
    const raws = Array.from({ length: BACKLOG }, (_, i) => arabicEmail({
      from: inst.addr('clerk'), to: `core+finance@${inst.domain}`, subject: `فاتورة متأخرة رقم ${String(i)}`, body: `الفاتورة ${String(i)} لم تُدفع.`,
    }));
    // Four sessions APPEND in parallel, as a busy mail server delivers.
    let next = 0;
    await Promise.all(Array.from({ length: 4 }, () => inst.withCoreImap(async (client) => {
      for (let raw = raws[next++]; raw !== undefined; raw = raws[next++]) await client.append('INBOX', raw);
    })));
    await inst.start();
    await waitFor('the drain to be under way', async () => (await ticketCount()) >= 50 || undefined, 60_000);
    const exit = await inst.terminate();
    const done = await ticketCount();
    console.log(`SIGTERM with ${String(BACKLOG - done)} of ${String(BACKLOG)} emails still to process: exited in ${String(exit.ms)} ms (${exit.signal ?? `code ${String(exit.code)}`})`);
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(exit.ms).toBeLessThanOrEqual(SHUTDOWN_MS + SLACK_MS);
    expect(done).toBeLessThan(BACKLOG); // it really stopped with work left

    const t0 = Date.now();
    await inst.start();
    await waitFor(`all ${String(BACKLOG)} tickets`, async () => (await ticketCount()) >= BACKLOG || undefined, 300_000);
    await waitFor('the outbox to settle', async () => (await inst.db('outbox').whereNot({ status: 'sent' }).first('id')) === undefined || undefined, 300_000);
    console.log(`restart → the rest ticketed and every email sent: ${String(Date.now() - t0)} ms`);
    expect(await ticketCount()).toBe(BACKLOG);
    const statuses = await inst.db('inbound_messages').select('status').count({ n: '*' }).groupBy('status') as { status: string; n: string }[];
    expect(statuses.map((s) => [s.status, Number(s.n)])).toEqual([['processed', BACKLOG]]);
    const subjects = await inst.db('tickets').countDistinct({ n: 'subject' }).first() as { n: string };
    expect(Number(subjects.n)).toBe(BACKLOG);
    const copies = byRef(await inst.mailbox('head.fin'), /تذكرة مصعّدة/);
    const acks = byRef(await inst.mailbox('clerk'), /استلمنا/);
    expect(copies.size).toBe(BACKLOG);
    expect([...copies.values()].every((n) => n === 1)).toBe(true);
    expect(acks.size).toBe(BACKLOG);
    expect([...acks.values()].every((n) => n === 1)).toBe(true);
  });
});
