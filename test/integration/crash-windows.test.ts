/**
 * kill -9 at the two moments that matter most, held there with PostgreSQL's own locks instead of timing: inside
 * the ticket transaction, and between the mail server's acceptance of an email and its "sent" mark. Private
 * services and a real SMTP server (smtp-server relaying to Dovecot); tickets are counted in PostgreSQL and emails
 * in the recipients' mailboxes over IMAP.
 */
import type { ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServices, type RunningServices } from '../../scripts/services.ts';
import { arabicEmail, Installation, waitFor } from '../support/harness.ts';
import { holdLock, lockWaiters, terminateSessions } from '../support/pg-locks.ts';
import { SmtpRelay } from '../support/smtp-relay.ts';

let services: RunningServices;
let relay: SmtpRelay;
let inst: Installation;

const escalation = (i: number) => arabicEmail({
  from: inst.addr('clerk'), to: `core+finance@${inst.domain}`, subject: `فاتورة معلقة رقم ${String(i)}`, body: `الفاتورة ${String(i)} معلقة منذ أسبوع.`,
});
const ticketOf = async (i: number) => await inst.db('tickets').where('subject', `فاتورة معلقة رقم ${String(i)}`).select('id', 'ref') as { id: number; ref: string }[];
interface OutboxRow { id: number; template: string; status: string; message_id: string }
const outboxOf = async (ticketId: number) =>
  await inst.db('outbox').where({ ticket_id: ticketId }).orderBy('id').select('id', 'template', 'status', 'message_id') as OutboxRow[];
const about = (ref: string, word: RegExp) => (mails: ParsedMail[]) => mails.filter((m) => (m.subject ?? '').includes(ref) && word.test(m.subject ?? ''));
const copiesOf = (ref: string) => about(ref, /تذكرة مصعّدة/);
const acksOf = (ref: string) => about(ref, /استلمنا/);
const settled = async () => (await inst.db('outbox').whereIn('status', ['pending', 'retrying']).first('id')) === undefined || undefined;

/** Waits for the ticket of escalation i, its copy at the head and its acknowledgement at the clerk. */
async function delivered(i: number): Promise<{ ref: string; copies: ParsedMail[]; acks: ParsedMail[] }> {
  const [t] = await waitFor(`the ticket of escalation ${String(i)}`, async () => { const r = await ticketOf(i); return r.length > 0 ? r : undefined; }, 30_000);
  const ref = t?.ref ?? '';
  const copies = await waitFor('the copy', async () => { const c = copiesOf(ref)(await inst.mailbox('head.fin')); return c.length > 0 ? c : undefined; }, 30_000);
  const acks = await waitFor('the acknowledgement', async () => { const a = acksOf(ref)(await inst.mailbox('clerk')); return a.length > 0 ? a : undefined; }, 30_000);
  await waitFor('outbox settled', settled, 30_000);
  return { ref, copies, acks };
}

beforeAll(async () => {
  services = await startServices({ name: `crash-${String(process.pid)}`, mailboxes: [], password: 'pw' });
  relay = await SmtpRelay.create(Number(services.env.LMTP_PORT));
  inst = await Installation.create('crash', [{ after: '1h', notify: ['general_manager'] }], {
    services: { name: services.name, env: services.env },
    policy: (p) => { p.inbound = { rate_limit: { max: 1000, per: '10m' } }; },
    env: () => ({ SMTP_HOST: '127.0.0.1', SMTP_PORT: String(relay.port), SMTP_LMTP: 'false', SMTP_ALLOW_PLAINTEXT: 'true', SEND_RETRY_MIN: '1s', SEND_RETRY_MAX: '2s' }),
  });
  await relay.up();
  await inst.cli(['migrate']);
  await inst.start();
}, 180_000);

afterAll(async () => {
  // Each was set only if the step before it worked.
  relay?.release();
  await inst?.close();
  await relay?.down();
  await services?.stop();
});

describe('kill -9 inside the ticket transaction', () => {
  it('leaves nothing behind; after the restart the email is one ticket with one copy and one acknowledgement', { timeout: 90_000 }, async () => {
    const lock = await holdLock(inst.db, 'lock table tickets in share row exclusive mode');
    try {
      await inst.appendToCore(escalation(1));
      const waiting = await waitFor('the ticket transaction to wait on the lock', async () => {
        const w = await lockWaiters(inst.db);
        return w.some((x) => /insert into "tickets"/i.test(x.query)) ? w : undefined;
      }, 30_000);
      expect(waiting).toHaveLength(1);
      await inst.kill();
    } finally {
      await lock.release();
    }
    // The transaction never committed: no ticket, no email, and the stored message is still to be processed.
    expect(await ticketOf(1)).toEqual([]);
    expect(await inst.db('outbox').select('id')).toEqual([]);
    expect(await inst.db('inbound_messages').select('status')).toEqual([{ status: 'pending' }]);

    await inst.start();
    const { copies, acks } = await delivered(1);
    expect(await ticketOf(1)).toHaveLength(1);
    expect(copies).toHaveLength(1);
    expect(acks).toHaveLength(1);
  });
});

describe('kill -9 between the mail server\'s acceptance and the "sent" mark', () => {
  /**
   * Holds both emails of escalation i at the server, locks their outbox rows, lets the server accept them and
   * returns once both "sent" UPDATEs wait on the lock (the server has the emails, PostgreSQL does not know).
   */
  async function acceptedButNotMarked(i: number) {
    relay.hold();
    await inst.appendToCore(escalation(i));
    const [t] = await waitFor('the ticket', async () => { const r = await ticketOf(i); return r.length > 0 ? r : undefined; }, 30_000);
    const rows = await waitFor('both emails handed to the server', async () => {
      const r = await outboxOf(t?.id ?? 0);
      return r.length === 2 && relay.held === 2 ? r : undefined;
    }, 30_000);
    const lock = await holdLock(inst.db, 'select id from outbox where ticket_id = ? for update', [t?.id ?? 0]);
    try {
      const before = relay.accepted;
      relay.release();
      const waiting = await waitFor('both "sent" marks to wait on the row lock', async () => {
        const w = (await lockWaiters(inst.db)).filter((x) => /update "outbox"/i.test(x.query));
        return w.length === 2 && relay.accepted === before + 2 ? w : undefined;
      }, 30_000);
      expect(relay.acceptedIds.slice(-2).sort()).toEqual(rows.map((r) => r.message_id).sort());
      return { rows, lock, waiting, ticketId: t?.id ?? 0, ref: t?.ref ?? '' };
    } catch (err) {
      await lock.release(); // a failed test must not leave the daemon and the pool waiting on it
      throw err;
    }
  }

  it('sends nothing twice when the daemon dies with its UPDATE already at PostgreSQL (it still commits)', { timeout: 90_000 }, async () => {
    const { ticketId, lock, ref } = await acceptedButNotMarked(2);
    await inst.kill();
    await lock.release();
    // PostgreSQL runs a statement it has received to the end even though its client is gone.
    await waitFor('the marks to commit after the lock is released', async () =>
      (await outboxOf(ticketId)).every((r) => r.status === 'sent') || undefined, 10_000);
    await inst.start();
    // The next email's copy arriving shows the restarted daemon is through its queue.
    await inst.appendToCore(escalation(3));
    await delivered(3);
    // The width of the window in normal running: the server's 250 → the daemon's "sent" mark (its clock, then the UPDATE).
    const marks = await outboxOf((await ticketOf(3))[0]?.id ?? 0);
    const sentAt = await inst.db('outbox').whereIn('id', marks.map((r) => r.id)).select('message_id', 'sent_at') as { message_id: string; sent_at: Date }[];
    console.log(`server's 250 → sent_at: ${sentAt.map((r) => `${String(r.sent_at.getTime() - (relay.acceptedAt.get(r.message_id) ?? 0))} ms`).join(', ')}`);
    expect(copiesOf(ref)(await inst.mailbox('head.fin'))).toHaveLength(1);
    expect(acksOf(ref)(await inst.mailbox('clerk'))).toHaveLength(1);
  });

  it('sends each email once more with the same Message-ID when the UPDATE is lost with the daemon (the documented window)', { timeout: 90_000 }, async () => {
    const { rows, lock, waiting, ticketId, ref } = await acceptedButNotMarked(4);
    await inst.kill();
    // As when the daemon's machine dies or its connection drops: the UPDATE never commits.
    await terminateSessions(inst.db, waiting.map((w) => w.pid));
    await lock.release();
    expect((await outboxOf(ticketId)).map((r) => r.status)).toEqual(['pending', 'pending']);
    const t0 = Date.now();
    await inst.start();
    await waitFor('both emails sent again', () => {
      const ids = relay.acceptedIds;
      return Promise.resolve(rows.every((r) => ids.filter((id) => id === r.message_id).length === 2) || undefined);
    }, 30_000);
    console.log(`restart → both emails of the lost mark re-sent: ${String(Date.now() - t0)} ms`);
    await waitFor('outbox settled', settled, 30_000);
    const copies = await waitFor('the second copy', async () => { const c = copiesOf(ref)(await inst.mailbox('head.fin')); return c.length === 2 ? c : undefined; }, 30_000);
    const acks = await waitFor('the second acknowledgement', async () => { const a = acksOf(ref)(await inst.mailbox('clerk')); return a.length === 2 ? a : undefined; }, 30_000);
    // Twice on the wire, but one email to the reader: the same Message-ID both times, which mail clients merge.
    expect(new Set(copies.map((m) => m.messageId))).toEqual(new Set([rows.find((r) => r.template === 'ticket-copy')?.message_id]));
    expect(new Set(acks.map((m) => m.messageId)).size).toBe(1);
    expect(await ticketOf(4)).toHaveLength(1);
  });
});
