/**
 * The seed's core loop on the real services: an Arabic email APPENDed to the Core mailbox becomes a ticket, the
 * department head gets an RTL copy with a signed Reply-To, the General Manager gets the escalation when the
 * deadline passes, a real reply resolves the other ticket and stops its escalation — and killing the processor
 * between steps never duplicates a ticket or an email. Emails go out through a real SMTP server (relaying to
 * Dovecot) that the kill test makes hold what it receives, so the daemon dies with a ticket committed and its
 * copy handed over but not accepted.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ParsedMail } from 'mailparser';
import { arabicEmail, Installation, waitFor } from '../support/harness.ts';
import { SmtpRelay } from '../support/smtp-relay.ts';

// Long enough for ticket two to be resolved first on a loaded machine (after the kill test, whose restart waits
// ~10–15 s for the dead worker's jobs to be taken over), short enough to watch ticket one escalate.
const LADDER = [{ after: '50s', notify: ['general_manager'] }];
let inst: Installation;
let relay: SmtpRelay;

const tickets = async () => await inst.db('tickets').orderBy('id').select('id', 'ref', 'status', 'level', 'department_key', 'subject') as
  { id: number; ref: string; status: string; level: number; department_key: string | null; subject: string }[];
const about = (ref: string) => (m: ParsedMail) => (m.subject ?? '').includes(ref);
const count = async (local: string, ref: string, word: RegExp) =>
  (await inst.mailbox(local)).filter((m) => about(ref)(m) && word.test(m.subject ?? '')).length;

const outbox = async () => await inst.db('outbox').orderBy('id').select('ticket_id', 'template', 'status', 'attempts') as
  { ticket_id: number | null; template: string; status: string; attempts: number }[];
const settled = async () => (await outbox()).every((r) => r.status === 'sent') || undefined;

beforeAll(async () => {
  relay = await SmtpRelay.create(Number(inject('services').LMTP_PORT));
  await relay.up();
  inst = await Installation.create('loop', LADDER, {
    env: () => ({ SMTP_HOST: '127.0.0.1', SMTP_PORT: String(relay.port), SMTP_LMTP: 'false', SMTP_ALLOW_PLAINTEXT: 'true', SEND_RETRY_MIN: '1s', SEND_RETRY_MAX: '2s' }),
  });
  await inst.start();
});

afterAll(async () => {
  await inst.close();
  await relay.down();
});

describe('core loop', () => {
  let first: { id: number; ref: string };

  it('turns an APPENDed Arabic email into a ticket and sends the head an RTL copy with a signed Reply-To', async () => {
    const appended = Date.now();
    await inst.appendToCore(arabicEmail({
      from: inst.addr('clerk'), to: inst.addr('core'), subject: '[العمليات] تأخر شحنة العميل 4471',
      body: 'السلام عليكم،\nشحنة العميل رقم 4471 متأخرة منذ ثلاثة أيام والعميل يطلب التصعيد.\nمع الشكر',
    }));
    const [t] = await waitFor('the ticket', async () => { const all = await tickets(); return all.length > 0 ? all : undefined; }, 10_000);
    console.log(`APPEND → ticket committed: ${Date.now() - appended} ms`);
    expect(t).toMatchObject({ status: 'open', level: 0, department_key: 'operations', subject: '[العمليات] تأخر شحنة العميل 4471' });
    first = t!;

    const copy = await inst.waitForMail('head.ops', about(first.ref), 'the copy of the ticket');
    expect(copy.subject).toBe(`[${first.ref}] تذكرة مصعّدة إلى إدارتكم: \u2068[العمليات] تأخر شحنة العميل 4471\u2069`);
    expect(copy.html).toContain('dir="rtl"');
    expect(copy.html).toContain('lang="ar"');
    expect(copy.html).toContain('شحنة العميل رقم 4471 متأخرة');
    expect(copy.text).toMatch(/هـ/); // the Hijri date is there
    expect(copy.replyTo?.value[0]?.address).toMatch(new RegExp(`^core\\+r-${first.id}-[0-9a-f]{20}@${inst.domain}$`));
    expect(copy.headers.get('auto-submitted')).toBe('auto-generated');

    const ack = await inst.waitForMail('clerk', about(first.ref), 'the acknowledgement');
    expect(ack.subject).toContain('استلمنا طلب التصعيد');
  });

  it('survives kill -9 between the ticket commit and the send without a second ticket or email', async () => {
    await inst.kill();
    // A message arrives while tasaeed is down; it is picked up at start, exactly once.
    await inst.appendToCore(arabicEmail({
      from: inst.addr('clerk'), to: `core+finance@${inst.domain}`, subject: 'فاتورة مكررة للعميل 88',
      body: 'صدرت فاتورة مكررة للعميل 88 ونحتاج إلغاءها.',
    }));
    relay.hold(); // the ticket commits; its copy and acknowledgement reach the server, which does not answer yet
    await inst.start();
    const all = await waitFor('the second ticket', async () => { const a = await tickets(); return a.length === 2 ? a : undefined; });
    expect(all[1]).toMatchObject({ department_key: 'finance', status: 'open' });
    const second = all[1]!;
    await waitFor('the copy and the acknowledgement held by the server', () => Promise.resolve(relay.held === 2 || undefined));
    // Between the commit and the send: the ticket and its outbox rows are in PostgreSQL, nobody has an email yet.
    await inst.kill();
    expect((await outbox()).filter((r) => r.ticket_id === second.id).map((r) => r.status)).toEqual(['pending', 'pending']);
    relay.release();
    await waitFor('the server to drop what the dead client handed over', () => Promise.resolve(relay.discarded === 2 || undefined));
    expect(await count('head.fin', second.ref, /تذكرة مصعّدة/)).toBe(0);
    await inst.start();
    await inst.waitForMail('head.fin', about(second.ref), 'the finance copy');
    await waitFor('the outbox to settle', settled);
    // Kill again once everything is sent, and restart: nothing is processed or sent twice.
    await inst.kill();
    await inst.start();
    await waitFor('the outbox to settle after the restart', settled);
    expect(await tickets()).toHaveLength(2);
    expect(await count('head.ops', first.ref, /تذكرة مصعّدة/)).toBe(1);
    expect(await count('head.fin', second.ref, /تذكرة مصعّدة/)).toBe(1);
    expect(await count('clerk', first.ref, /استلمنا/)).toBe(1);
    expect(await count('clerk', second.ref, /استلمنا/)).toBe(1);
    const inbound = await inst.db('inbound_messages').select('status') as { status: string }[];
    expect(inbound.map((r) => r.status)).toEqual(['processed', 'processed']);
  });

  it('refuses #حل without a root cause, then resolves on a proper reply and never escalates that ticket', async () => {
    const [, second] = await tickets();
    const copy = (await inst.mailbox('head.fin')).find(about(second!.ref))!;
    const replyTo = copy.replyTo!.value[0]!.address!;
    await inst.deliver({
      from: inst.addr('head.fin'), to: replyTo, subject: `RE: ${copy.subject ?? ''}`,
      inReplyTo: copy.messageId, references: [copy.messageId ?? ''], text: '#حل\nتم الإلغاء\n\n-----Original Message-----\nFrom: core',
    });
    const refusal = await inst.waitForMail('head.fin', (m) => about(second!.ref)(m) && /لم يُنفَّذ/.test(m.subject ?? ''), 'the refusal');
    expect(refusal.text).toContain('السبب الجذري');
    expect((await tickets())[1]!.status).toBe('open');

    await inst.deliver({
      from: inst.addr('head.fin'), to: replyTo, subject: `RE: ${copy.subject ?? ''}`,
      inReplyTo: copy.messageId, references: [copy.messageId ?? ''],
      text: '#حل\nالسبب: خطأ في ربط نظام الفوترة أنشأ الفاتورة مرتين\nالإجراء الوقائي: قيد فريد على رقم الطلب في نظام الفوترة\n\nمن: الكور\nالموضوع: قديم',
    });
    await waitFor('the resolution', async () => (await tickets())[1]!.status === 'resolved');
    const row = await inst.db('tickets').where({ id: second!.id }).first() as { root_cause: string; preventive_measure: string };
    expect(row.root_cause).toBe('خطأ في ربط نظام الفوترة أنشأ الفاتورة مرتين');
    expect(row.preventive_measure).toBe('قيد فريد على رقم الطلب في نظام الفوترة');
    const told = await inst.waitForMail('clerk', (m) => about(second!.ref)(m) && /تم حل/.test(m.subject ?? ''), 'the resolution notice');
    expect(told.text).toContain('قيد فريد على رقم الطلب');
  });

  it('escalates the unresolved ticket to the General Manager once, and not the resolved one', { timeout: 90_000 }, async () => {
    const [one, two] = await tickets();
    const escalation = await inst.waitForMail('gm', about(one!.ref), 'the escalation', 60_000);
    expect(escalation.subject).toContain('تصعيد (المستوى 1)');
    expect(escalation.html).toContain('سجل التذكرة');
    expect((await tickets())[0]!.level).toBe(1);
    // Give the resolved ticket's timer every chance to fire, across another restart.
    await inst.kill();
    await inst.start();
    await new Promise((r) => setTimeout(r, 3000));
    const gm = await inst.mailbox('gm');
    expect(gm.filter(about(one!.ref))).toHaveLength(1);
    expect(gm.filter(about(two!.ref)).map((m) => m.subject)).toEqual([]);
    const deadlines = await inst.db('deadlines').where({ kind: 'escalate' }).orderBy('ticket_id').select('ticket_id', 'status') as { ticket_id: number; status: string }[];
    expect(deadlines).toEqual([{ ticket_id: one!.id, status: 'fired' }, { ticket_id: two!.id, status: 'void' }]);
  });

  it('refuses a #حل with a forged From header that did not come through the signed reply address', async () => {
    const [one] = await tickets();
    await inst.deliver({
      from: inst.addr('head.ops'), to: inst.addr('core'), subject: `RE: [${one!.ref}] forged`,
      text: '#حل\nالسبب: لا شيء\nالإجراء الوقائي: لا شيء',
    });
    await inst.waitForMail('head.ops', (m) => about(one!.ref)(m) && /لم يُنفَّذ/.test(m.subject ?? ''), 'the refusal of the forged command');
    expect((await tickets())[0]!.status).toBe('open');
  });

  it('quarantines a broken message with its reason and keeps processing the next one', async () => {
    await inst.appendToCore('this is not an email at all\r\n\r\n\u0000\u0001garbage');
    await inst.appendToCore(arabicEmail({ from: inst.addr('clerk'), to: inst.addr('core'), subject: 'استفسار عام عن الدوام', body: 'هل الدوام غداً؟' }));
    const q = await waitFor('the quarantine row', async () =>
      await inst.db('inbound_messages').where({ status: 'quarantined' }).first() as { reason: string; raw: Buffer } | undefined);
    expect(q.reason).toBe('no sender address (From)');
    expect(q.raw.toString()).toContain('garbage');
    const triage = await waitFor('the triage ticket', async () => (await tickets()).find((t) => t.status === 'triage'));
    expect(triage.department_key).toBeNull();
    await inst.waitForMail('desk', about(triage.ref), 'the routing request to the Core group');
  });

  it('sends the daily report to the Core group once, even when it is triggered twice', async () => {
    const { spawnSync } = await import('node:child_process');
    const run = () => spawnSync(process.execPath, ['bin/tasaeed.mjs', 'report', 'daily', '--send'], {
      env: { ...process.env, ...inst.env }, encoding: 'utf8',
    });
    const a = run();
    const b = run();
    expect(a.stdout).toContain('queued to 1 recipient');
    expect(b.stdout).toContain('was already sent');
    const report = await inst.waitForMail('desk', (m) => /التقرير اليومي/.test(m.subject ?? ''), 'the daily report');
    expect(report.html).toContain('dir="rtl"');
    // Two tickets are still open: the escalated one and the one waiting in triage (each counted once).
    expect(report.subject).toMatch(/: 2 مفتوحة،/);
    expect(report.attachments.map((x) => x.filename)).toEqual([expect.stringMatching(/^daily-.*\.csv$/)]);
    await new Promise((r) => setTimeout(r, 1500));
    expect((await inst.mailbox('desk')).filter((m) => /التقرير اليومي/.test(m.subject ?? ''))).toHaveLength(1);
  });
});
