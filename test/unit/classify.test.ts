import { describe, expect, it } from 'vitest';
import { classify, type MailKind } from '../../src/domain/classify.ts';
import type { InboundMail } from '../../src/domain/mail.ts';

const CORE = 'core@ufuq.test';

function mail(over: Partial<InboundMail> & { hdr?: Record<string, string> } = {}): InboundMail {
  const { hdr = {}, ...rest } = over;
  return {
    messageId: '<m1@dept.test>', inReplyTo: null, references: [], from: { email: 'clerk@ufuq.test', name: 'Clerk' },
    recipients: [CORE], subject: 'تأخر شحنة العميل', text: 'نرجو المتابعة', headers: new Map(Object.entries(hdr)),
    contentType: 'text/plain; charset=utf-8', date: null, attachments: [], ...rest,
  };
}

const cases: [string, InboundMail, MailKind, RegExp, number?][] = [
  ['plain new escalation', mail(), 'new', /new escalation/],
  ['no From', mail({ from: null }), 'quarantine', /no sender/],
  ['our own header comes back', mail({ hdr: { 'x-tasaeed': 'T-000001' } }), 'loop', /x-tasaeed/],
  ['sent from the Core mailbox', mail({ from: { email: 'core+r-1-aaaaaaaaaaaaaaaaaaaa@ufuq.test', name: '' } }), 'loop', /Core mailbox/],
  ['DSN', mail({ contentType: 'multipart/report; report-type=delivery-status; boundary="x"' }), 'bounce', /delivery status/],
  ['MAILER-DAEMON', mail({ from: { email: 'MAILER-DAEMON@mx.test', name: '' } }), 'bounce', /MAILER-DAEMON/],
  ['Auto-Submitted: auto-replied', mail({ hdr: { 'auto-submitted': 'auto-replied' } }), 'auto_reply', /Auto-Submitted/],
  ['Auto-Submitted: no is a person', mail({ hdr: { 'auto-submitted': 'no' } }), 'new', /new/],
  ['X-Autoreply', mail({ hdr: { 'x-autoreply': 'yes' } }), 'auto_reply', /x-autoreply/],
  ['Precedence: bulk', mail({ hdr: { precedence: 'bulk' } }), 'auto_reply', /Precedence/],
  ['Precedence: first-class is not', mail({ hdr: { precedence: 'first-class' } }), 'new', /new/],
  ['Arabic out-of-office subject', mail({ subject: 'رد تلقائي: خارج المكتب' }), 'auto_reply', /out-of-office/],
  ['English out-of-office subject', mail({ subject: 'Automatic reply: [T-000007] ticket' }), 'auto_reply', /out-of-office/, 7],
  ['signed reply token', mail({ recipients: ['core+r-42-0123456789abcdef0123@ufuq.test'] }), 'reply', /reply_token/, 42],
  ['subject tag', mail({ subject: 'RE: [T-000012] تأخر شحنة' }), 'reply', /subject_tag/, 12],
  ['empty message', mail({ subject: ' ', text: '' }), 'quarantine', /nothing to escalate/],
];

describe('classify', () => {
  it.each(cases)('%s', (_name, m, kind, reason, ticketId) => {
    const c = classify(m, { coreMailbox: CORE, loopHeader: 'x-tasaeed' });
    expect(c.kind).toBe(kind);
    expect(c.reason).toMatch(reason);
    if (ticketId !== undefined) expect(c.ticketId).toBe(ticketId);
  });

  it('prefers our stored Message-IDs over the subject tag', () => {
    const c = classify(mail({ subject: 'Re: [T-000003]' }), { coreMailbox: CORE, loopHeader: 'x-tasaeed', threadTicketId: 9 });
    expect(c).toMatchObject({ kind: 'reply', ticketId: 9, via: 'references' });
  });
});
