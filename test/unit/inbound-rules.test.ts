import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { staticResolver } from '../../src/adapters/dns-resolver.ts';
import { arrivalTime } from '../../src/domain/arrival-time.ts';
import { outOfOfficeSubject } from '../../src/domain/auto-reply.ts';
import { classify, isForwardSubject, withoutForwardPrefix } from '../../src/domain/classify.ts';
import { Directory } from '../../src/domain/directory.ts';
import { describeEvent } from '../../src/domain/event-text.ts';
import type { InboundMail } from '../../src/domain/mail.ts';
import { rawProblems } from '../../src/domain/mail-sanity.ts';
import { validatePolicy } from '../../src/domain/policy.ts';
import { stripQuoted } from '../../src/domain/quote-strip.ts';
import { tnefAttachmentNames } from '../../src/domain/tnef.ts';

describe('out-of-office subjects', () => {
  it.each([
    'رد تلقائي: [T-000012] تذكرة', 'الرد التلقائي', 'رد آلي - خارج الدوام', 'خارج المكتب حتى 30 نوفمبر', 'أنا في إجازة حتى الأحد',
    'إشعار غياب', 'في إجازة', '[T-000001] في إجازة: عودة يوم الأحد', 'Automatic reply: Escalated ticket', 'Auto-Reply: hello',
    'Out of Office: [T-000012]', 'OUT OF OFFICE', 'OOO', 'On vacation!', 'Réponse automatique : absent', 'Abwesenheitsnotiz: Re: x',
  ])('%s is an automatic answer', (s) => { expect(outOfOfficeSubject(s)).toBe(true); });

  it.each([
    'طلب إجازة لم يعتمد', 'إجازة سنوية لم تُحتسب', 'في إجازة الموظف محمد تأخرت المعاملة', 'الرد على العميل تأخر',
    'رد: [T-000012] تذكرة', 'Automatically generated invoices are wrong', 'On leave requests: HR portal down', 'Re: out-of-stock items',
  ])('%s is written by a person', (s) => { expect(outOfOfficeSubject(s)).toBe(false); });
});

describe('stripQuoted keeps what the person wrote', () => {
  it.each([
    ['a "من:" line that is not a header block', 'التحويل من: الحساب الجاري\nإلى الحساب الادخاري', 'التحويل من: الحساب الجاري\nإلى الحساب الادخاري'],
    ['thanks on the first line', 'شكراً\nتم تحويل المبلغ اليوم.', 'شكراً\nتم تحويل المبلغ اليوم.'],
    ['sign-off followed by a long paragraph is not a signature', 'تم.\nمع التحية\n' + 'نص طويل جداً '.repeat(10), 'تم.\nمع التحية\n' + 'نص طويل جداً '.repeat(10).trim()],
    ['English sign-off and signature', '#note done\n\nBest regards,\nOmar Haddad\nHead of IT\n+966 11 000 0000', '#note done'],
    ['interleaved answer after a quote', '> old question?\nnew answer\n> more old', 'new answer'],
    ['Outlook English block', 'OK\nFrom: Core <core@ufuq.test>\nSent: Sunday\nTo: x\nSubject: y\n\nold', 'OK'],
    ['forwarded marker', 'see below\n---------- Forwarded message ---------\nFrom: x', 'see below'],
    ['Arabic Original Message', 'تم\n-----الرسالة الأصلية-----\nمن: الكور', 'تم'],
    ['bidi marks around the Gmail attribution', 'موافق\n\u200Fفي الأحد، 22 نوفمبر 2026، الكور <core@ufuq.test> كتب:\u200F\n> قديم', 'موافق'],
  ])('%s', (_n, input, expected) => { expect(stripQuoted(input)).toBe(expected); });
});

describe('raw message checks', () => {
  const ok = Buffer.from('From: a@b.test\r\nSubject: x\r\n\r\nbody');
  it.each([
    ['a plain message', ok, []],
    ['NUL bytes', Buffer.concat([ok, Buffer.from([0, 0])]), ['nul_bytes']],
    ['no header', Buffer.from('hello there\r\n\r\nbody'), ['no_header']],
    ['header over the limit', Buffer.from(`X-A: ${'a'.repeat(200)}\r\n\r\nb`), ['header_too_large']],
    ['multipart without its boundary', Buffer.from('From: a@b.test\r\nContent-Type: multipart/mixed; boundary=zz\r\n\r\nno parts'), ['broken_mime']],
    ['multipart without a boundary parameter', Buffer.from('From: a@b.test\r\nContent-Type: multipart/mixed\r\n\r\n--x'), ['broken_mime']],
  ] as const)('%s', (_n, raw, codes) => {
    expect(rawProblems(raw, 100).map((p) => p.code)).toEqual(codes);
  });
});

describe('winmail.dat (TNEF) names', () => {
  it('returns nothing for data that is not TNEF, or cut short', () => {
    expect(tnefAttachmentNames(Buffer.from('PK\x03\x04'))).toEqual([]);
    const fixture = readFileSync('test/fixtures/mail/new-winmail-dat.eml', 'latin1');
    const b64 = /winmail\.dat"\r\nContent-Transfer-Encoding: base64\r\n\r\n([\s\S]+?)\r\n--/.exec(fixture)?.[1] ?? '';
    const tnef = Buffer.from(b64.replace(/\s+/g, ''), 'base64');
    expect(tnefAttachmentNames(tnef)).toEqual(['تقرير الحادث.docx', 'photo1.jpg']);
    expect(tnefAttachmentNames(tnef.subarray(0, 110))).toEqual(['تقرير الحادث.docx']);
  });
});

describe('arrival time', () => {
  const stored = new Date('2026-11-22T10:00:00Z');
  it.each([
    ['our server\'s Received date', 'from x by mx.test; Sun, 22 Nov 2026 12:58:00 +0300 (AST)', '2026-11-22T09:58:00.000Z'],
    ['no Received header', undefined, stored.toISOString()],
    ['a date from last year', 'from x; Sun, 22 Nov 2025 12:58:00 +0300', stored.toISOString()],
    ['garbage', 'from x; not a date', stored.toISOString()],
  ])('%s', (_n, header, iso) => { expect(arrivalTime(header, stored).toISOString()).toBe(iso); });
});

describe('static DNS table', () => {
  const resolve = staticResolver({ zones: ['ufuq.test'], records: { '_dmarc.ufuq.test TXT': ['v=DMARC1; p=reject'] } },
    (name) => Promise.resolve([[`fallback:${name}`]]));
  it('answers its records, is authoritative for its zones and passes other names on', async () => {
    expect(await resolve('_DMARC.ufuq.test.', 'txt')).toEqual([['v=DMARC1; p=reject']]);
    await expect(resolve('sel._domainkey.ufuq.test', 'TXT')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    expect(await resolve('example.org', 'TXT')).toEqual([['fallback:example.org']]);
  });
});

const example = (): Record<string, unknown> => parse(readFileSync('examples/policy.yaml', 'utf8')) as Record<string, unknown>;

describe('policy: inbound section and aliases', () => {
  it('defaults the reopen window and the rate limit', () => {
    expect(validatePolicy(example()).inbound).toEqual({ reopen_within: 7 * 86_400_000, rate_limit: { max: 30, per: 600_000 } });
  });
  it('finds a person by an alias and refuses an alias used twice', () => {
    const p = example();
    const people = p.people as Record<string, unknown>[];
    people[5]!.aliases = ['M.Ghamdi@Personal.example'];
    const dir = new Directory(validatePolicy(p));
    expect(dir.canonical('m.ghamdi@personal.example')).toBe('head.finance@ufuq.test');
    expect(dir.canonical('Stranger@x.test')).toBe('stranger@x.test');
    people[6]!.aliases = ['head.finance@ufuq.test'];
    expect(() => validatePolicy(p)).toThrow('people[6].aliases[0]: head.finance@ufuq.test is already used by someone in people');
  });
});

function mail(over: Partial<InboundMail> & { hdr?: Record<string, string> } = {}): InboundMail {
  const { hdr = {}, ...rest } = over;
  return {
    messageId: '<m@x.test>', inReplyTo: null, references: [], from: { email: 'clerk@ufuq.test', name: '' }, recipients: ['core@ufuq.test'],
    subject: 'شحنة متأخرة', text: 'نص', headers: new Map(Object.entries(hdr)), contentType: 'text/plain', date: null, attachments: [], ...rest,
  };
}

describe('classification rules added for real mail', () => {
  const ctx = { coreMailbox: 'core@ufuq.test', loopHeader: 'x-tasaeed', rateLimit: { max: 3, perMs: 600_000 } };
  it.each([
    ['under the rate limit', mail(), 2, 'new', /new escalation/],
    ['over the rate limit', mail(), 3, 'loop', /rate limit: 3 earlier messages from clerk@ufuq.test within 10 min \(limit 3\)/],
    ['a reply is never rate limited', mail({ subject: 'Re: [T-000004]' }), 50, 'reply', /subject_tag/],
    ['a list message with Precedence: list', mail({ hdr: { 'list-id': '<x.lists.test>', precedence: 'list' } }), 0, 'list', /List-Id/],
    ['a forward', mail({ subject: 'إعادة توجيه: شكوى' }), 0, 'new', /forwarded/],
    ['a problem found in the raw bytes', mail({ problems: [{ code: 'nul_bytes', detail: 'contains 1 NUL byte(s)' }] }), 0, 'quarantine', /NUL/],
  ] as const)('%s', (_n, m, recent, kind, reason) => {
    const c = classify(m, { ...ctx, recentFromSender: recent });
    expect(c.kind).toBe(kind);
    expect(c.reason).toMatch(reason);
  });

  it.each([
    ['Fwd: FW: شكوى العميل', true, 'شكوى العميل'], ['إعادة توجيه: تأخر الراتب', true, 'تأخر الراتب'], ['TR: colis', true, 'colis'],
    ['Fwd:', true, 'Fwd:'], ['فواتير متأخرة', false, 'فواتير متأخرة'],
  ])('forwarded subject %s', (subject, forwarded, title) => {
    expect(isForwardSubject(subject)).toBe(forwarded);
    expect(withoutForwardPrefix(subject)).toBe(title);
  });
});

describe('timeline lines for inbound events', () => {
  const event = (kind: 'bounce' | 'reopened' | 'linked' | 'sender_checked', data: Record<string, unknown>) =>
    ({ id: 1, ticketId: 1, kind, actor: 'head.fin@ufuq.test', data, createdAt: new Date() });
  it.each([
    [event('bounce', { recipient: 'head.fin@ufuq.test', diagnostic: '552 Mailbox full' }), 'تعذّر تسليم رسالة إلى head.fin@ufuq.test: 552 Mailbox full', 'A message could not be delivered to head.fin@ufuq.test: 552 Mailbox full'],
    [event('bounce', { recipient: 'gm@ufuq.test', diagnostic: 'timed out', delayed: true }), 'تأخّر تسليم رسالة إلى gm@ufuq.test: timed out', 'A message is delayed to gm@ufuq.test: timed out'],
    [event('reopened', {}), 'إعادة فتح التذكرة برد من head.fin@ufuq.test', 'Reopened by a reply from head.fin@ufuq.test'],
    [event('linked', { followUp: 'T-000031' }), 'رد بعد إغلاق التذكرة من head.fin@ufuq.test: فُتحت تذكرة متابعة T-000031', 'Reply from head.fin@ufuq.test after the ticket was closed: follow-up ticket T-000031 opened'],
    [event('sender_checked', { command: '#resolve', dmarc: 'fail' }), 'التحقق من هوية المرسل head.fin@ufuq.test لأمر #resolve: DMARC fail', 'Sender head.fin@ufuq.test checked for #resolve: DMARC fail'],
  ])('%#', (e, ar, en) => {
    expect(describeEvent(e, 'ar')).toBe(ar);
    expect(describeEvent(e, 'en')).toBe(en);
  });
});
