/**
 * Inbound mail as real clients and servers send it, on the real Dovecot, PostgreSQL and Redis, with
 * INBOUND_AUTH=enforce and a DNS table for the test domain (DMARC p=reject, a DKIM key, SPF -all): an Outlook
 * Arabic reply with quoted history resolves its ticket with only the new text; a forged #حل through a leaked reply
 * address is refused; a bounce of the head's copy alerts the Core group; auto-replies are recorded and an
 * auto-reply storm stops itself.
 */
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ParsedMail } from 'mailparser';
import type { SendMailOptions } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arabicEmail, Installation, waitFor } from '../support/harness.ts';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const DKIM_KEY = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

let inst: Installation;

interface TicketRow { id: number; ref: string; status: string; root_cause: string | null; preventive_measure: string | null; originator_email: string }
const ticketsOf = async (local: string) => await inst.db('tickets').where({ originator_email: inst.addr(local) }).orderBy('id')
  .select('id', 'ref', 'status', 'root_cause', 'preventive_measure', 'originator_email') as TicketRow[];
const eventsOf = async (id: number) => await inst.db('ticket_events').where({ ticket_id: id }).orderBy('id').select('kind', 'actor', 'data') as
  { kind: string; actor: string | null; data: Record<string, unknown> }[];
const about = (ref: string) => (m: ParsedMail) => (m.subject ?? '').includes(ref);

/** A person's reply, sent by their organisation's server: DKIM-signed for the test domain. */
async function replyAs(local: string, mail: SendMailOptions, signed = true): Promise<void> {
  await inst.deliver({
    from: { name: local, address: inst.addr(local) }, ...mail,
    ...(signed ? { dkim: { domainName: inst.domain, keySelector: 'it', privateKey: DKIM_KEY } } : {}),
  });
}

/** A new escalation APPENDed to the Core mailbox; resolves with its ticket and the head's copy. */
async function escalate(subject: string, body: string, from = 'clerk'): Promise<{ ticket: TicketRow; copy: ParsedMail }> {
  const known = new Set((await ticketsOf(from)).map((t) => t.id));
  await inst.appendToCore(arabicEmail({ from: inst.addr(from), to: `core+finance@${inst.domain}`, subject, body }));
  const ticket = await waitFor(`the ticket "${subject}"`, async () => (await ticketsOf(from)).find((t) => !known.has(t.id)));
  const copy = await inst.waitForMail('head.fin', about(ticket.ref), 'the copy to the finance head');
  return { ticket, copy };
}

function outlookReply(copy: ParsedMail, fresh: string): { text: string; html: string } {
  const quoted = [
    '________________________________',
    `من: ${copy.from?.text ?? ''}`,
    'تاريخ الإرسال: الأحد، 22 نوفمبر 2026 10:04 ص',
    `إلى: محمد الغامدي <${inst.addr('head.fin')}>`,
    `الموضوع: ${copy.subject ?? ''}`,
    '',
    copy.text ?? '',
  ].join('\n');
  const text = `${fresh}\n\nمع التحية،\nمحمد الغامدي\nمدير الإدارة المالية\nهاتف: 011 234 5678\n\n${quoted}`;
  const html = `<html dir="rtl"><body lang="AR-SA"><div class="WordSection1"><p class="MsoNormal" dir="RTL">${fresh.replace(/\n/g, '<br>')}</p>`
    + '<p class="MsoNormal" dir="RTL">مع التحية،<br>محمد الغامدي</p><div style="border:none;border-top:solid #E1E1E1 1.0pt">'
    + `<p class="MsoNormal"><b>من:</b> الكور<br><b>تاريخ الإرسال:</b> الأحد<br><b>الموضوع:</b> ${copy.subject ?? ''}</p></div>${copy.html === false ? '' : copy.html}</div></body></html>`;
  return { text, html };
}

beforeAll(async () => {
  inst = await Installation.create('inbound', [{ after: '1h', notify: ['general_manager'] }], {
    policy: (p, domain) => {
      p.inbound = { rate_limit: { max: 3, per: '10m' } };
      (p.people as Record<string, unknown>[])[5]!.aliases = [`m.ghamdi@${domain}`];
    },
    env: (i) => {
      const file = join(i.dir, 'dns.json');
      const pub = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
      writeFileSync(file, JSON.stringify({
        zones: [i.domain],
        records: {
          [`_dmarc.${i.domain} TXT`]: ['v=DMARC1; p=reject'],
          [`${i.domain} TXT`]: ['v=spf1 -all'],
          [`it._domainkey.${i.domain} TXT`]: [`v=DKIM1; k=rsa; p=${pub}`],
        },
      }));
      return { INBOUND_AUTH: 'enforce', INBOUND_AUTH_DNS_FILE: file };
    },
  });
  await inst.start();
});

afterAll(async () => {
  await inst.close();
});

describe('inbound mail on the real services', () => {
  it('resolves a ticket from an Outlook Arabic reply with quoted history, recording only the new text', async () => {
    const { ticket, copy } = await escalate('فاتورة مكررة للعميل 88', 'صدرت فاتورة مكررة للعميل 88 ونحتاج إلغاءها.');
    const replyTo = copy.replyTo!.value[0]!.address!;
    const thread = { to: replyTo, subject: `رد: ${copy.subject ?? ''}`, inReplyTo: copy.messageId, references: [copy.messageId ?? ''],
      headers: { 'Thread-Topic': copy.subject ?? '', 'Content-Language': 'ar-SA', 'X-MS-Has-Attach': '' } };

    // A note first, from the head's second address (an alias in the policy), with the whole history quoted.
    await replyAs('m.ghamdi', { ...thread, ...outlookReply(copy, '#ملاحظة تواصلنا مع العميل وسنلغي الفاتورة اليوم.') });
    await waitFor('the note', async () => (await eventsOf(ticket.id)).find((e) => e.kind === 'note'));

    await replyAs('head.fin', { ...thread, ...outlookReply(copy, '#حل\nالسبب: خطأ في ربط نظام الفوترة أنشأ الفاتورة مرتين\nالإجراء الوقائي: قيد فريد على رقم الطلب في نظام الفوترة') });
    await waitFor('the resolution', async () => (await ticketsOf('clerk')).find((t) => t.id === ticket.id && t.status === 'resolved'));

    const row = (await ticketsOf('clerk')).find((t) => t.id === ticket.id)!;
    expect(row.root_cause).toBe('خطأ في ربط نظام الفوترة أنشأ الفاتورة مرتين');
    expect(row.preventive_measure).toBe('قيد فريد على رقم الطلب في نظام الفوترة');
    const events = await eventsOf(ticket.id);
    expect(events.find((e) => e.kind === 'note')).toMatchObject({ actor: inst.addr('head.fin'), data: { text: 'تواصلنا مع العميل وسنلغي الفاتورة اليوم.' } });
    expect(events.find((e) => e.kind === 'resolved')?.data.comment).toBe('');
    expect(events.filter((e) => e.kind === 'sender_checked').map((e) => [e.data.mode, e.data.dmarc])).toEqual([['enforce', 'pass'], ['enforce', 'pass']]);
    const told = await inst.waitForMail('clerk', (m) => about(ticket.ref)(m) && /تم حل/.test(m.subject ?? ''), 'the resolution notice');
    expect(told.text).toContain('قيد فريد على رقم الطلب');
    expect(told.text).not.toContain('مدير الإدارة المالية');
  });

  it('refuses a #حل with a forged From through a leaked reply address (DMARC fails) and keeps the ticket open', async () => {
    const { ticket, copy } = await escalate('دفعة مورد معلقة 301', 'دفعة المورد رقم 301 معلقة منذ أسبوعين.');
    await replyAs('head.fin', {
      to: copy.replyTo!.value[0]!.address!, subject: `RE: ${copy.subject ?? ''}`, inReplyTo: copy.messageId,
      text: '#حل\nالسبب: لا شيء\nالإجراء الوقائي: لا شيء',
    }, false);
    const refused = await waitFor('the refusal', async () => (await eventsOf(ticket.id)).find((e) => e.kind === 'command_refused'));
    expect(String(refused.data.reason)).toMatch(/DMARC result: fail/);
    expect((await eventsOf(ticket.id)).find((e) => e.kind === 'sender_checked')?.data).toMatchObject({ dmarc: 'fail', mode: 'enforce' });
    const notice = await inst.waitForMail('head.fin', (m) => about(ticket.ref)(m) && /لم يُنفَّذ/.test(m.subject ?? ''), 'the refusal email');
    expect(notice.text).toContain('DMARC');
    expect((await ticketsOf('clerk')).find((t) => t.id === ticket.id)?.status).toBe('open');
  });

  it('records a bounce of the head\'s copy on the ticket, marks that email bounced and alerts the Core group', async () => {
    const { ticket } = await escalate('استرداد لم يصل للعميل 5521', 'لم يصل المبلغ المسترد للعميل 5521.');
    const out = await inst.db('outbox').where({ ticket_id: ticket.id, template: 'ticket-copy' }).first('id', 'message_id') as { id: number; message_id: string };
    const dsn = [
      `From: Mail Delivery System <MAILER-DAEMON@${inst.domain}>`, `To: core@${inst.domain}`, 'Subject: Undelivered Mail Returned to Sender',
      `Message-ID: <dsn.${ticket.id}@mx.${inst.domain}>`, `Date: ${new Date().toUTCString()}`, 'Auto-Submitted: auto-replied', 'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="B"', '', '--B', 'Content-Type: text/plain', '',
      'Your message could not be delivered.', '', '--B', 'Content-Type: message/delivery-status', '', `Reporting-MTA: dns; mx.${inst.domain}`, '',
      `Final-Recipient: rfc822; ${inst.addr('head.fin')}`, 'Action: failed', 'Status: 5.2.2', 'Diagnostic-Code: smtp; 552 5.2.2 Mailbox full', '',
      '--B', 'Content-Type: text/rfc822-headers', '', `From: core@${inst.domain}`, `Message-ID: ${out.message_id}`, `X-Tasaeed: ${ticket.ref}`, '', '--B--', '',
    ].join('\r\n');
    await inst.deliver({ envelope: { from: '', to: `core@${inst.domain}` }, raw: dsn });

    const bounce = await waitFor('the bounce event', async () => (await eventsOf(ticket.id)).find((e) => e.kind === 'bounce'));
    expect(bounce.data).toMatchObject({ recipient: inst.addr('head.fin'), status: '5.2.2', diagnostic: '552 5.2.2 Mailbox full', outboxId: out.id });
    expect((await inst.db('outbox').where({ id: out.id }).first('status') as { status: string }).status).toBe('bounced');
    const alert = await inst.waitForMail('desk', (m) => about(ticket.ref)(m) && /تعذّر تسليم/.test(m.subject ?? ''), 'the bounce alert to Core');
    expect(alert.text).toContain(inst.addr('head.fin'));
    expect(alert.text).toContain('552 5.2.2 Mailbox full');
    expect(alert.html).toContain('dir="rtl"');
    const toDaemon = await inst.db('outbox').whereILike('to_email', 'mailer-daemon%').count<{ n: number }[]>({ n: '*' });
    expect(toDaemon[0]?.n).toBe(0);
  });

  it('records an out-of-office answer on the ticket and never answers it', async () => {
    // From another sender: the clerk has used up this test policy's rate limit (3 new messages in 10 minutes).
    const { ticket, copy } = await escalate('تأخر صرف دفعة النقل', 'دفعة شركة النقل متأخرة.', 'csm');
    const before = await inst.db('outbox').count<{ n: number }[]>({ n: '*' });
    await replyAs('head.fin', {
      to: `core@${inst.domain}`, subject: `رد تلقائي: ${copy.subject ?? ''}`, inReplyTo: copy.messageId,
      headers: { 'Auto-Submitted': 'auto-replied' }, text: 'أنا خارج المكتب حتى الأحد.',
    });
    const auto = await waitFor('the auto-reply event', async () => (await eventsOf(ticket.id)).find((e) => e.kind === 'auto_reply'));
    expect(auto.data.reason).toBe('Auto-Submitted: auto-replied');
    await sleep(1500);
    expect(await inst.db('outbox').count<{ n: number }[]>({ n: '*' })).toEqual(before);
    expect(await inst.db('deadlines').where({ ticket_id: ticket.id, kind: 'escalate' }).select('status')).toEqual([{ status: 'pending' }]);
  });

  it('stops an auto-reply storm with a responder that answers every email and sets no header', async () => {
    const seen = new Set<string>();
    let responses = 0;
    let running = true;
    // The worst responder: it answers each of our emails to our envelope sender (core@), with a fixed subject.
    const responder = (async () => {
      while (running && responses < 12) {
        for (const m of await inst.mailbox('stranger')) {
          if (m.messageId === undefined || seen.has(m.messageId)) continue;
          seen.add(m.messageId);
          responses += 1;
          await inst.deliver({ from: inst.addr('stranger'), to: `core@${inst.domain}`, subject: 'شكراً لتواصلك معنا', text: 'استلمنا رسالتك وسنرد قريباً.' });
        }
        await sleep(200);
      }
    })();
    await inst.deliver({ from: inst.addr('stranger'), to: `core@${inst.domain}`, subject: 'طلب تعويض عن شحنة تالفة', text: 'وصلت الشحنة تالفة.' });
    const loop = await waitFor('the rate limit to stop the storm', async () =>
      await inst.db('inbound_messages').where({ from_email: inst.addr('stranger'), kind: 'loop' }).first('reason') as { reason: string } | undefined, 60_000);
    expect(loop.reason).toMatch(/rate limit: 3 earlier messages .* \(limit 3\); recorded, not answered/);
    await sleep(3000);
    running = false;
    await responder;
    expect(await ticketsOf('stranger')).toHaveLength(3);
    expect((await inst.mailbox('stranger')).filter((m) => /استلمنا طلب التصعيد/.test(m.subject ?? ''))).toHaveLength(3);
    expect(responses).toBe(3);
    const rows = await inst.db('inbound_messages').where({ from_email: inst.addr('stranger') }).orderBy('id').select('kind') as { kind: string }[];
    expect(rows.map((r) => r.kind)).toEqual(['new', 'new', 'new', 'loop']);
  });
});
