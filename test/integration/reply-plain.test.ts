/**
 * REPLY_ADDRESS=plain against a Dovecot without plus addressing (an Exchange tenant that turned it off): the copy's
 * Reply-To is the Core address itself, core+…@ does not even exist, and the whole loop still works — copy, a #حل
 * reply that answers our Message-ID, resolution — while a forged reply (no token, or another person's token) is
 * refused.
 */
import nodemailer, { type SendMailOptions } from 'nodemailer';
import type { ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arabicEmail, Installation, PASSWORD, waitFor } from '../support/harness.ts';
import { makePrivateCa, type PrivateCa } from '../support/mail-servers/private-ca.ts';
import { startPrivateDovecot, type PrivateDovecot } from '../support/mail-servers/private-dovecot.ts';

let ca: PrivateCa;
let dovecot: PrivateDovecot;
let inst: Installation;

beforeAll(async () => {
  ca = makePrivateCa();
  dovecot = await startPrivateDovecot({ ca, password: PASSWORD, plusAddressing: false });
  inst = await Installation.create('plain', [{ after: '1h', notify: ['general_manager'] }], {
    env: () => ({
      REPLY_ADDRESS: 'plain',
      IMAP_HOST: '127.0.0.1', IMAP_PORT: String(dovecot.imapsPort), IMAP_SECURE: 'true', IMAP_TLS_CA: ca.caFile,
      SMTP_HOST: '127.0.0.1', SMTP_PORT: String(dovecot.lmtpPort), SMTP_LMTP: 'true',
    }),
  });
  await inst.start();
});

afterAll(async () => {
  await inst.close();
  await dovecot.stop();
});

/** Delivers over this Dovecot's LMTP, as the mail system delivers a person's reply. */
async function deliver(mail: SendMailOptions): Promise<void> {
  const t = nodemailer.createTransport({ host: '127.0.0.1', port: dovecot.lmtpPort, lmtp: true, ignoreTLS: true });
  try { await t.sendMail(mail); } finally { t.close(); }
}

const ticket = async (): Promise<{ id: number; ref: string; status: string }> =>
  await waitFor('the ticket', async () => await inst.db('tickets').first('id', 'ref', 'status') as { id: number; ref: string; status: string } | undefined);
const mailOf = (local: string, match: (m: ParsedMail) => boolean, what: string): Promise<ParsedMail> =>
  waitFor(`${what} in ${local}'s mailbox`, async () => (await dovecot.mailbox(inst.addr(local))).find(match));

describe('REPLY_ADDRESS=plain on a mail system without plus addressing', () => {
  it('sends the copy with the Core address as Reply-To; core+…@ would bounce here', async () => {
    await dovecot.append(inst.addr('core'), arabicEmail({ from: inst.addr('clerk'), to: inst.addr('core'), subject: 'فاتورة مكررة للعميل 77', body: 'صدرت فاتورة مكررة للعميل 77.' }));
    const t = await ticket();
    const copy = await mailOf('head.fin', (m) => (m.subject ?? '').includes(t.ref), 'the finance copy');
    expect(copy.replyTo?.value.map((a) => a.address)).toEqual([inst.addr('core')]);
    expect(copy.messageId).toMatch(new RegExp(`^<r-${String(t.id)}-[0-9a-f]{20}\\.`));
    await expect(deliver({ from: inst.addr('head.fin'), to: `core+r-${String(t.id)}-0@${inst.domain}`, subject: 'x', text: 'x' })).rejects.toThrow(/550/);
  });

  it('refuses a forged #حل: no token, or the token of a message sent to someone else', async () => {
    const t = await ticket();
    const ack = await mailOf('clerk', (m) => (m.subject ?? '').includes(t.ref), 'the acknowledgement');
    const resolveText = '#حل\nالسبب: لا شيء\nالإجراء الوقائي: لا شيء';
    // From: the head, but answering nothing we sent them; then answering the clerk's acknowledgement
    await deliver({ from: inst.addr('head.fin'), to: inst.addr('core'), subject: `RE: [${t.ref}] forged`, text: resolveText });
    await deliver({ from: inst.addr('head.fin'), to: inst.addr('core'), subject: `RE: ${ack.subject ?? ''}`, inReplyTo: ack.messageId, references: [ack.messageId ?? ''], text: resolveText });
    await waitFor('both refusals', async () => (await dovecot.mailbox(inst.addr('head.fin'))).filter((m) => (m.subject ?? '').includes(t.ref) && /لم يُنفَّذ/.test(m.subject ?? '')).length === 2);
    const refused = await inst.db('ticket_events').where({ ticket_id: t.id, kind: 'command_refused' }).select('data') as { data: { reason: string } }[];
    expect(refused.map((e) => e.data.reason)).toEqual([expect.stringMatching(/signed reply address/), expect.stringMatching(/signed reply address/)]);
    expect((await ticket()).status).toBe('open');
  });

  it('resolves on the head\'s reply to the Core address that answers our Message-ID', async () => {
    const t = await ticket();
    const copy = await mailOf('head.fin', (m) => (m.subject ?? '').includes(t.ref) && !/لم يُنفَّذ/.test(m.subject ?? ''), 'the finance copy');
    await deliver({
      from: inst.addr('head.fin'), to: copy.replyTo?.value[0]?.address ?? '', subject: `RE: ${copy.subject ?? ''}`,
      inReplyTo: copy.messageId, references: [copy.messageId ?? ''],
      text: '#حل\nالسبب: خطأ في ربط نظام الفوترة\nالإجراء الوقائي: قيد فريد على رقم الطلب\n\n-----Original Message-----\nFrom: core',
    });
    await waitFor('the resolution', async () => (await ticket()).status === 'resolved');
    await mailOf('clerk', (m) => (m.subject ?? '').includes(t.ref) && /تم حل/.test(m.subject ?? ''), 'the resolution notice');
  });
});
