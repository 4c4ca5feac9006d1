/**
 * Exactly once on the real services: the same message delivered twice, delivered again by another route (other
 * trace headers), or seen again after the mailbox's UIDVALIDITY changed never makes a second ticket or email.
 * Then, in-process with a controlled clock: reopening a resolved ticket or linking a follow-up, quarantine with
 * notices and `tasaeed quarantine`, stored attachments, and the pipeline over a few dozen damaged messages.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/adapters/db.ts';
import { mailauthVerifier } from '../../src/adapters/dmarc-check.ts';
import { staticResolver } from '../../src/adapters/dns-resolver.ts';
import { createLogger } from '../../src/adapters/logger.ts';
import type { AppDeps } from '../../src/app/deps.ts';
import { ingestRaw } from '../../src/app/ingest-message.ts';
import { fixedClock } from '../../src/domain/clock.ts';
import { replyAddress } from '../../src/domain/reply-token.ts';
import { openApp, type App } from '../../src/entry/main.ts';
import { arabicEmail, Installation, waitFor } from '../support/harness.ts';
import { fuzzCases } from '../support/mutate.ts';

const BOX = 'Escalations';
let inst: Installation;

const tickets = async () => await inst.db('tickets').orderBy('id').select('id', 'ref', 'status', 'subject', 'description', 'level') as
  { id: number; ref: string; status: string; subject: string; description: string; level: number }[];
const inboundStatuses = async () => (await inst.db('inbound_messages').where('mailbox', BOX).orderBy('id').select('status') as { status: string }[]).map((r) => r.status);
const acks = async () => (await inst.mailbox('clerk')).filter((m) => /استلمنا طلب التصعيد/.test(m.subject ?? '')).length;

async function uidValidity(client: ImapFlow): Promise<number> {
  const box = await client.mailboxOpen(BOX);
  const v = Number(box.uidValidity);
  await client.mailboxClose();
  return v;
}

beforeAll(async () => {
  inst = await Installation.create('once', [{ after: '1h', notify: ['general_manager'] }], { env: () => ({ IMAP_MAILBOX: BOX }) });
  await inst.withCoreImap(async (c) => { await c.mailboxCreate(BOX); });
  await inst.start();
});

afterAll(async () => {
  await inst.close();
});

describe('the same message, again', () => {
  let message = '';

  it('makes one ticket and one acknowledgement from a duplicate delivery and a copy by another route', async () => {
    message = arabicEmail({
      from: inst.addr('clerk'), to: `core+finance@${inst.domain}`, subject: 'فاتورة مكررة للعميل 17',
      body: 'صدرت فاتورة مكررة للعميل 17.', messageId: `<dup.17@${inst.domain}>`,
    });
    await inst.appendToCore(message, BOX);
    await waitFor('the ticket', async () => (await tickets()).length === 1);
    await inst.appendToCore(message, BOX);
    await inst.appendToCore(`Received: from relay2.${inst.domain} by mx.${inst.domain}; ${new Date().toUTCString()}\r\n${message}`, BOX);
    await waitFor('both copies recorded as duplicates', async () => (await inboundStatuses()).join() === 'processed,duplicate,duplicate');
    await inst.waitForMail('clerk', (m) => /استلمنا طلب التصعيد/.test(m.subject ?? ''), 'the acknowledgement');
    await sleep(1500);
    expect(await tickets()).toHaveLength(1);
    expect(await acks()).toBe(1);
  });

  it('ignores the messages seen again after UIDVALIDITY changed, and takes the new one', async () => {
    await inst.kill();
    const before = await inst.withCoreImap(uidValidity);
    let after = before;
    for (let i = 0; i < 5 && after === before; i += 1) {
      // Dovecot derives UIDVALIDITY from the clock: recreate until it differs, as a restored server would.
      await inst.withCoreImap(async (c) => { await c.mailboxDelete(BOX); await c.mailboxCreate(BOX); });
      after = await inst.withCoreImap(uidValidity);
      if (after === before) await sleep(1100);
    }
    expect(after).not.toBe(before);
    await inst.appendToCore(message, BOX);
    await inst.appendToCore(arabicEmail({ from: inst.addr('clerk'), to: `core+finance@${inst.domain}`, subject: 'دفعة معلقة 18', body: 'الدفعة 18 معلقة.' }), BOX);
    await inst.start();
    await waitFor('the new ticket', async () => (await tickets()).length === 2);
    await waitFor('two acknowledgements', async () => (await acks()) === 2);
    await sleep(1500);
    expect(await tickets()).toHaveLength(2);
    expect(await acks()).toBe(2);
    expect(await inboundStatuses()).toEqual(['processed', 'duplicate', 'duplicate', 'duplicate', 'processed']);
    const cursors = await inst.db('mailbox_state').where({ mailbox: BOX }).orderBy('uidvalidity').select('uidvalidity', 'last_uid') as { uidvalidity: number; last_uid: number }[];
    expect(cursors).toEqual(expect.arrayContaining([{ uidvalidity: before, last_uid: 3 }, { uidvalidity: after, last_uid: 2 }]));
  });
});

describe('in-process with a controlled clock', () => {
  const clock = fixedClock(new Date('2026-11-22T07:00:00Z'));
  let app: App;
  let deps: AppDeps;
  const ingest = async (raw: string | Buffer, d: AppDeps = deps) => await ingestRaw(d, [{ mailbox: 'file:test', uidvalidity: null, uid: null, raw: Buffer.from(raw) }]);
  /** A corpus fixture, moved to this installation's domain and people (bytes kept as they are). */
  const fixture = (name: string, edit = (s: string) => s) => Buffer.from(edit(readFileSync(`test/fixtures/mail/${name}`, 'latin1')
    .replaceAll('ufuq.test', inst.domain).replaceAll('head.finance@', 'head.fin@').replaceAll('clerk.ops@', 'clerk@')), 'latin1');

  beforeAll(async () => {
    await inst.kill();
    app = await openApp(inst.config, { clock, log: createLogger('silent') });
    deps = app.deps;
    await migrate(deps.db);
  });

  afterAll(async () => {
    await app.close();
  });

  it('reopens a resolved ticket on a reply within the window, and opens a linked follow-up after it', async () => {
    const [opened] = await ingest(arabicEmail({ from: inst.addr('clerk'), to: `core+finance@${inst.domain}`, subject: 'استرداد متأخر 31', body: 'لم يصل الاسترداد 31.' }));
    const id = opened!.ticketId!;
    const resolve = async (cause: string) => await ingest(arabicEmail({
      from: inst.addr('head.fin'), to: replyAddress(`core@${inst.domain}`, inst.config.REPLY_SECRET, id, inst.addr('head.fin')),
      subject: 'رد', body: `#حل\nالسبب: ${cause}\nالإجراء الوقائي: مراجعة يومية`,
    }));
    const ack = await inst.db('outbox').where({ ticket_id: id, template: 'ack' }).first('message_id') as { message_id: string };
    const followUp = (text: string) => [
      `From: ${inst.addr('clerk')}`, `To: core@${inst.domain}`, 'Subject: Re: استرداد متأخر 31', `In-Reply-To: ${ack.message_id}`,
      `Message-ID: <f${Date.now()}${Math.random()}@${inst.domain}>`, 'Content-Type: text/plain; charset=utf-8', '',
      text, '', 'On Sun, 22 Nov 2026 at 10:00, Core <core@x> wrote:', '> old text', '',
    ].join('\r\n');

    expect((await resolve('خطأ بنكي'))[0]?.reason).toBe('ticket resolved');
    clock.advance(86_400_000);
    const [reopened] = await ingest(followUp('المبلغ لم يصل حتى الآن.'));
    expect(reopened?.reason).toMatch(/reopened, escalation clock restarted/);
    const t = (await tickets()).find((x) => x.id === id)!;
    expect(t).toMatchObject({ status: 'open', level: 0 });
    // The old escalation was voided at resolution; the reopened ticket has a new one, an hour from now.
    const deadlines = await inst.db('deadlines').where({ ticket_id: id, kind: 'escalate', level: 1 }).orderBy('seq').select('status', 'due_at') as { status: string; due_at: Date }[];
    expect(deadlines.map((d) => d.status)).toEqual(['void', 'pending']);
    expect(deadlines[1]?.due_at).toEqual(new Date(clock.now().getTime() + 3_600_000));
    const events = await inst.db('ticket_events').where({ ticket_id: id }).orderBy('id').select('kind', 'data') as { kind: string; data: Record<string, unknown> }[];
    expect(events.find((e) => e.kind === 'reopened')?.data.text).toBe('المبلغ لم يصل حتى الآن.');
    expect(await inst.db('outbox').where({ ticket_id: id, template: 'reopened', to_email: inst.addr('head.fin') }).count<{ n: number }[]>({ n: '*' })).toEqual([{ n: 1 }]);

    await resolve('خطأ بنكي متكرر');
    clock.advance(8 * 86_400_000);
    const [linked] = await ingest(followUp('عاد الخطأ مرة ثالثة.'));
    const newId = linked!.ticketId!;
    expect(newId).not.toBe(id);
    const all = await tickets();
    expect(all.find((x) => x.id === id)?.status).toBe('resolved');
    expect(all.find((x) => x.id === newId)).toMatchObject({ subject: 'استرداد متأخر 31', description: 'عاد الخطأ مرة ثالثة.' });
    const created = await inst.db('ticket_events').where({ ticket_id: newId, kind: 'created' }).first('data') as { data: Record<string, unknown> };
    expect(created.data.linkedTo).toBe(t.ref);
    const link = await inst.db('ticket_events').where({ ticket_id: id, kind: 'linked' }).first('data') as { data: Record<string, unknown> };
    expect(link.data.followUp).toBe(all.find((x) => x.id === newId)?.ref);
  });

  it('with INBOUND_AUTH=monitor applies a command whose DMARC fails, and records the verdict on the timeline', async () => {
    const resolver = staticResolver({ zones: [inst.domain], records: { [`_dmarc.${inst.domain} TXT`]: ['v=DMARC1; p=reject'] } },
      (name) => Promise.reject(Object.assign(new Error(`no real DNS here (${name})`), { code: 'ENOTFOUND' })));
    const monitored = { ...deps, inbound: { authMode: 'monitor' as const, verifier: mailauthVerifier(resolver), maxAttachmentBytes: 1e6, maxAttachments: 5 } };
    const [opened] = await ingest(arabicEmail({ from: inst.addr('clerk'), to: `core+finance@${inst.domain}`, subject: 'عهدة لم تُسلَّم', body: 'لم تُسلَّم العهدة 5.' }));
    const id = opened!.ticketId!;
    const [resolved] = await ingest(arabicEmail({
      from: inst.addr('head.fin'), to: replyAddress(`core@${inst.domain}`, inst.config.REPLY_SECRET, id, inst.addr('head.fin')),
      subject: 'رد', body: '#حل\nالسبب: تأخر الاعتماد\nالإجراء الوقائي: معتمد بديل',
    }), monitored);
    expect(resolved?.reason).toBe('ticket resolved');
    const checked = await inst.db('ticket_events').where({ ticket_id: id, kind: 'sender_checked' }).first('data') as { data: Record<string, unknown> };
    expect(checked.data).toMatchObject({ mode: 'monitor', dmarc: 'fail', command: '#حل', domain: inst.domain });
    const auth = await inst.db('inbound_messages').where({ id: resolved!.inboundId }).first('auth') as { auth: Record<string, unknown> };
    expect(auth.auth).toMatchObject({ mode: 'monitor', dmarc: 'fail' });
  });

  it('quarantines bad input with a reason, tells a known sender once, and retries from the kept raw message', { timeout: 150_000 }, async () => {
    const [nul] = await ingest(fixture('nul-bytes.eml'));
    const [garbage] = await ingest(readFileSync('test/fixtures/mail/garbage-not-an-email.eml'));
    const [big] = await ingest(fixture('new-with-attachments.eml', (x) => x.replace('<attach.1@', '<attach.big@')), { ...deps, maxMessageBytes: 500 });
    expect([nul?.status, garbage?.status, big?.status]).toEqual(['quarantined', 'quarantined', 'quarantined']);
    expect(nul?.reason).toMatch(/NUL byte.*\(sender told\)$/);
    expect(garbage?.reason).toBe('no sender address (From)');
    expect(big?.reason).toMatch(/over the limit of 500 \(sender told\)$/);
    const notices = await inst.db('outbox').where({ template: 'quarantine-notice' }).orderBy('id').select('inbound_id', 'to_email', 'locale') as { inbound_id: number; to_email: string }[];
    expect(notices.map((n) => [n.inbound_id, n.to_email])).toEqual([[nul!.inboundId, inst.addr('clerk')], [big!.inboundId, inst.addr('head.fin')]]);

    const cli = (...args: string[]) => spawnSync(process.execPath, ['bin/tasaeed.mjs', 'quarantine', ...args], { env: { ...process.env, ...inst.environment }, encoding: 'utf8' });
    const listed = JSON.parse(cli('list', '--json').stdout) as { id: number; reason: string; from_email: string | null }[];
    expect(listed.map((r) => r.id)).toEqual(expect.arrayContaining([nul!.inboundId, garbage!.inboundId, big!.inboundId]));
    const shown = JSON.parse(cli('show', String(big!.inboundId), '--json').stdout) as { subject: string; attachments: { filename: string }[] };
    expect(shown.attachments.map((a) => a.filename)).toEqual(['statement-nov.pdf', 'كشف الاسترداد.xlsx']);

    const again = cli('retry', String(nul!.inboundId));
    expect(again.stdout).toMatch(/quarantined quarantine — contains 3 NUL byte/);
    const retried = cli('retry', String(big!.inboundId));
    expect(retried.stdout).toMatch(/processed new — a new escalation: T-\d+/);
    expect(await inst.db('outbox').where({ template: 'quarantine-notice' }).count<{ n: number }[]>({ n: '*' })).toEqual([{ n: 2 }]);
    expect(cli('retry', String(big!.inboundId)).stderr).toMatch(/is not in quarantine/);

    const stored = await inst.db('inbound_attachments').where({ inbound_id: big!.inboundId }).orderBy('position')
      .select('filename', 'size', 'sha256', 'skipped_reason', inst.db.raw('length(content) as bytes')) as { filename: string; size: number; sha256: string | null; bytes: number | null }[];
    expect(stored.map((a) => [a.filename, a.bytes === a.size, a.sha256?.length])).toEqual([['statement-nov.pdf', true, 64], ['كشف الاسترداد.xlsx', true, 64]]);
  });

  it('stores attachments within the limits and lists the rest; a winmail.dat is listed with the files inside', async () => {
    const limited = { ...deps, inbound: { authMode: 'off' as const, maxAttachmentBytes: 1_000_000, maxAttachments: 1 } };
    const [withTwo] = await ingest(fixture('new-with-attachments.eml', (x) => x.replace('<attach.1@', '<attach.two@')), limited);
    const [tnef] = await ingest(fixture('new-winmail-dat.eml'));
    const rows = await inst.db('inbound_attachments').whereIn('inbound_id', [withTwo!.inboundId, tnef!.inboundId]).orderBy(['inbound_id', 'position'])
      .select('filename', 'ticket_id', 'skipped_reason', 'contains', inst.db.raw('content is not null as stored')) as
      { filename: string; ticket_id: number; skipped_reason: string | null; contains: string[] | null; stored: boolean }[];
    expect(rows.map((r) => [r.filename, r.stored, r.skipped_reason, r.contains])).toEqual([
      ['statement-nov.pdf', true, null, null],
      ['كشف الاسترداد.xlsx', false, 'more than 1 attachments: listed, not stored', null],
      ['winmail.dat', true, null, ['تقرير الحادث.docx', 'photo1.jpg']],
    ]);
    expect(rows[0]?.ticket_id).toBe(withTwo?.ticketId);
  });

  it('gives every damaged message exactly one recorded outcome and keeps going', async () => {
    const cases = fuzzCases(0xf022, 40);
    const before = (await inst.db('inbound_messages').count<{ n: number }[]>({ n: '*' }))[0]?.n ?? 0;
    await ingestRaw(deps, cases.map((c) => ({ mailbox: `fuzz:${c.id}`, uidvalidity: null, uid: null, raw: c.raw })));
    const rows = await inst.db('inbound_messages').where('mailbox', 'like', 'fuzz:%').select('status', 'reason') as { status: string; reason: string | null }[];
    expect(rows).toHaveLength(40);
    expect(rows.filter((r) => r.status === 'pending' || r.reason === null || r.reason === '')).toEqual([]);
    expect((await inst.db('inbound_messages').count<{ n: number }[]>({ n: '*' }))[0]?.n).toBe(before + 40);
  });
});
