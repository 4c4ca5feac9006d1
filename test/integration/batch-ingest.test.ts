/**
 * Pending mail is processed in batches (one transaction, deferred multi-row inserts). These are the cases where a
 * batch could differ from one message at a time, checked on the real database: a reply to a ticket created earlier
 * in the same batch, a resolution in the same batch as the ticket, the same message twice, ticket numbers that do
 * not skip, and a message the database refuses, which must be quarantined alone while the rest go through.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestRaw, type Outcome } from '../../src/app/ingest-message.ts';
import { replyAddress } from '../../src/domain/reply-token.ts';
import { openApp, type App } from '../../src/entry/main.ts';
import { createLogger } from '../../src/adapters/logger.ts';
import { arabicEmail, Installation } from '../support/harness.ts';

let inst: Installation;
let app: App | undefined;
let mailbox = 0;

/** Stores the messages and processes them: all of them land in the same batch. */
async function ingest(raws: readonly string[]): Promise<Outcome[]> {
  mailbox += 1;
  return await ingestRaw(app!.deps, raws.map((raw, i) => ({ mailbox: `batch-${mailbox}`, uidvalidity: 1, uid: i + 1, raw: Buffer.from(raw) })));
}

const tickets = async () => await inst.db('tickets').orderBy('id').select('id', 'ref', 'status', 'subject') as
  { id: number; ref: string; status: string; subject: string }[];
const events = async (ticketId: number) => (await inst.db('ticket_events').where({ ticket_id: ticketId }).orderBy('id').select('kind') as { kind: string }[]).map((e) => e.kind);

beforeAll(async () => {
  inst = await Installation.create('batch', [{ after: '24h', notify: ['general_manager'] }]);
  // Migrations are TypeScript files that knex imports itself: run them the way an operator does.
  const migrated = spawnSync(process.execPath, ['bin/tasaeed.mjs', 'migrate'], {
    env: { ...process.env, ...(inst as unknown as { env: Record<string, string> }).env }, encoding: 'utf8',
  });
  expect(migrated.status, migrated.stderr).toBe(0);
  app = await openApp(inst.config, { log: createLogger('silent') });
});

afterAll(async () => {
  await app?.close();
  await inst?.close();
});

describe('batched ingest', () => {
  it('threads a follow-up to a message that opened a ticket earlier in the same batch', async () => {
    const outcomes = await ingest([
      arabicEmail({ from: inst.addr('clerk'), to: inst.addr('core'), subject: '[العمليات] تأخر شحنة 501', body: 'الشحنة متأخرة.', messageId: '<first-501@dept.test>' }),
      arabicEmail({ from: inst.addr('clerk'), to: inst.addr('core'), subject: 'RE: [العمليات] تأخر شحنة 501', body: 'ما زالت متأخرة.', messageId: '<second-501@dept.test>' })
        .replace('MIME-Version', 'In-Reply-To: <first-501@dept.test>\r\nMIME-Version'),
    ]);
    expect(outcomes.map((o) => `${o.status}/${o.kind}`)).toEqual(['processed/new', 'processed/reply']);
    const [t] = await tickets();
    expect(outcomes[1]?.ticketId).toBe(t?.id);
    expect(await events(t!.id)).toEqual(['created', 'reply']);
  });

  it('resolves, in the same batch, a ticket the batch opened, and voids its deadline', async () => {
    const id = (await tickets()).length + 1;
    const head = inst.addr('head.fin');
    const outcomes = await ingest([
      arabicEmail({ from: inst.addr('clerk'), to: `core+finance@${inst.domain}`, subject: 'فاتورة مكررة 77', body: 'فاتورة مكررة للعميل 77.' }),
      arabicEmail({ from: head, to: replyAddress(inst.addr('core'), inst.config.REPLY_SECRET, id, head), subject: 'RE: فاتورة مكررة 77',
        body: '#حل\nالسبب: خطأ في الترحيل.\nالإجراء الوقائي: مراجعة يومية للفواتير المكررة.' }),
    ]);
    expect(outcomes.map((o) => o.reason)).toEqual([`a new escalation: T-${String(id).padStart(6, '0')}`, 'ticket resolved']);
    expect((await tickets()).find((t) => t.id === id)?.status).toBe('resolved');
    expect(await inst.db('deadlines').where({ ticket_id: id }).select('status')).toEqual([{ status: 'void' }]);
    expect(await events(id)).toEqual(['created', 'resolved']);
  });

  it('records the same message twice in one batch as one ticket and one duplicate', async () => {
    const before = (await tickets()).length;
    const raw = arabicEmail({ from: inst.addr('clerk'), to: inst.addr('core'), subject: 'شحنة ناقصة 9', body: 'وصلت الشحنة ناقصة.', messageId: '<dup-9@dept.test>' });
    const outcomes = await ingest([raw, raw]);
    expect(outcomes.map((o) => o.status)).toEqual(['processed', 'duplicate']);
    expect(await tickets()).toHaveLength(before + 1);
  });

  it('numbers the tickets of a large batch without gaps, in the order the mail arrived', async () => {
    const before = await tickets();
    const outcomes = await ingest(Array.from({ length: 150 }, (_, i) => arabicEmail({
      from: inst.addr('clerk'), to: inst.addr('core'), subject: `تأخر شحنة رقم ${i}`, body: `الشحنة ${i} متأخرة.`,
    })));
    expect(outcomes.every((o) => o.status === 'processed' && o.kind === 'new')).toBe(true);
    const added = (await tickets()).slice(before.length);
    expect(added.map((t) => t.subject)).toEqual(Array.from({ length: 150 }, (_, i) => `تأخر شحنة رقم ${i}`));
    const last = before.at(-1)?.id ?? 0;
    expect(added.map((t) => t.id)).toEqual(Array.from({ length: 150 }, (_, i) => last + i + 1));
    expect(await inst.db('outbox').whereIn('ticket_id', added.map((t) => t.id)).count('* as n').first()).toEqual({ n: 300 });
  });

  it('quarantines alone a message the database refuses, and turns the rest of its batch into tickets', async () => {
    const before = (await tickets()).length;
    const nul = Buffer.from('طلب \u0000 معطوب').toString('base64');
    const outcomes = await ingest([
      arabicEmail({ from: inst.addr('clerk'), to: inst.addr('core'), subject: 'قبل الرسالة المعطوبة', body: 'نص سليم.' }),
      arabicEmail({ from: inst.addr('clerk'), to: inst.addr('core'), subject: 'x', body: 'نص.' }).replace(/^Subject: .*$/m, `Subject: =?UTF-8?B?${nul}?=`),
      arabicEmail({ from: inst.addr('clerk'), to: inst.addr('core'), subject: 'بعد الرسالة المعطوبة', body: 'نص سليم.' }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['processed', 'quarantined', 'processed']);
    expect(outcomes[1]?.reason).toMatch(/^processing failed: /);
    expect((await tickets()).slice(before).map((t) => t.subject)).toEqual(['قبل الرسالة المعطوبة', 'بعد الرسالة المعطوبة']);
    const stored = await inst.db('inbound_messages').where({ mailbox: `batch-${mailbox}` }).orderBy('id').select('status');
    expect(stored.map((r: { status: string }) => r.status)).toEqual(['processed', 'quarantined', 'processed']);
  });
});
