/**
 * Reports delivered by a real `tasaeed start` to real mailboxes: a period missed while tasaeed was down goes out
 * at start, marked late, and only once across restarts; two processes sending the same period send it once; the
 * monthly report gives each head their own department; the Customer Service manager forwards the departments
 * report to the General Manager by replying #رفع, and a forged #رفع is refused and recorded.
 */
import type { ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, localDate } from '../../src/domain/dates.ts';
import { weekStart } from '../../src/domain/report-period.ts';
import { Installation } from '../support/harness.ts';
import { seedReports, type SeedTicket } from '../support/report-seed.ts';

const LADDER = [{ after: '24h', notify: ['general_manager'] }];
const TZ = 'Asia/Riyadh';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
let inst: Installation;

/** A Riyadh wall-clock time ('YYYY-MM-DD HH:MM') `ms` before now. */
function ago(ms: number): string {
  const d = new Date(Date.now() - ms);
  const time = new Intl.DateTimeFormat('en-GB', { timeZone: TZ, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(d);
  return `${localDate(d, TZ)} ${time}`;
}

const HISTORY: SeedTicket[] = [
  { id: 1, dept: 'finance', subject: 'فاتورة مكررة للعميل 12', created: ago(40 * DAY), resolved: ago(39 * DAY), cause: 'خطأ في الربط', prevention: 'قيد فريد' },
  { id: 2, dept: 'operations', subject: 'تأخر شحنة العميل 77', created: ago(3 * DAY), escalated: [ago(2 * DAY)] },
  { id: 3, dept: 'finance', subject: 'استرداد متأخر', created: ago(36 * DAY), escalated: [ago(35 * DAY)], resolved: ago(34 * DAY), cause: 'تأخر البنك', prevention: 'متابعة يومية' },
];

const subjectIs = (re: RegExp) => (m: ParsedMail): boolean => re.test(m.subject ?? '');
const count = async (local: string, re: RegExp): Promise<number> => (await inst.mailbox(local)).filter(subjectIs(re)).length;
const settle = async (): Promise<void> => { await new Promise((r) => setTimeout(r, 2500)); };

beforeAll(async () => {
  // The daily report was due two hours ago: tasaeed was "down" then, so it must go out at start, late.
  inst = await Installation.create('deliv', LADDER, { policy: (p) => {
    (p.reports as { daily: { time: string } }).daily.time = ago(2 * HOUR).slice(11);
  } });
  expect((await inst.cli(['migrate'])).code).toBe(0);
  await seedReports(inst.db, inst.domain, HISTORY);
  await inst.start();
});

afterAll(async () => {
  await inst.close();
});

describe('scheduled reports', () => {
  it('sends the daily report missed while tasaeed was down when it starts, marked late', async () => {
    const daily = await inst.waitForMail('desk', subjectIs(/التقرير اليومي/), 'the late daily report');
    expect(daily.subject).toContain('(متأخر)');
    expect(daily.html).toContain('أُرسل هذا التقرير متأخراً');
    expect(daily.html).toContain('dir="rtl"');
    expect(daily.text).toContain('T-000002');
    const [csv] = daily.attachments;
    expect(csv?.filename).toMatch(/^daily-\d{4}-\d{2}-\d{2}\.csv$/);
    expect([...csv!.content.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // UTF-8 BOM: Excel shows the Arabic
    expect(daily.replyTo?.value[0]?.address).toMatch(new RegExp(`^core\\+p-\\d+-[0-9a-f]{20}@${inst.domain}$`));
    const runs = await inst.db('report_runs').where({ kind: 'daily' }).select('period', 'late') as { period: string; late: boolean }[];
    expect(runs).toHaveLength(1);
    expect(runs[0]!.late).toBe(true);
  });

  it('does not send it again after kill -9 and a restart', async () => {
    await inst.kill();
    await inst.start();
    await settle();
    expect(await count('desk', /التقرير اليومي/)).toBe(1);
    expect(await inst.db('report_runs').where({ kind: 'daily' }).count<{ count: number }[]>('* as count')).toEqual([{ count: 1 }]);
  });

  it('sends a week once when two processes send it at the same time', async () => {
    const week = addDays(weekStart(localDate(new Date(), TZ)), -21);
    const [a, b] = await Promise.all([
      inst.cli(['report', 'weekly', '--period', week, '--send']),
      inst.cli(['report', 'weekly', '--period', week, '--send']),
    ]);
    const outputs = [a.stdout, b.stdout];
    expect(outputs.filter((o) => o.includes(`weekly report for ${week} queued to 1 recipient`))).toHaveLength(1);
    expect(outputs.filter((o) => o.includes(`the weekly report for ${week} was already sent`))).toHaveLength(1);
    const rows = await inst.db('outbox').join('report_runs', 'report_runs.id', 'outbox.report_run_id')
      .where({ 'report_runs.kind': 'weekly', 'report_runs.period': week }).select('outbox.message_id') as { message_id: string }[];
    expect(rows).toHaveLength(1);
    await inst.waitForMail('desk', (m) => m.messageId === rows[0]!.message_id, 'the weekly review');
    await settle();
    expect((await inst.mailbox('desk')).filter((m) => m.messageId === rows[0]!.message_id)).toHaveLength(1);
  });

  it("gives each head the monthly report with their own department's detail", async () => {
    const ops = await inst.waitForMail('head.ops', subjectIs(/التقرير الشهري/), 'the monthly report to the operations head', 60_000);
    expect(ops.html).toContain('تفاصيل إدارتكم: العمليات');
    expect(ops.html).not.toContain('تفاصيل إدارتكم: المالية');
    const fin = await inst.waitForMail('head.fin', subjectIs(/التقرير الشهري/), 'the monthly report to the finance head', 60_000);
    expect(fin.html).toContain('تفاصيل إدارتكم: المالية');
    const qa = await inst.waitForMail('qa', subjectIs(/التقرير الشهري/), 'the monthly report to quality assurance', 60_000);
    expect(qa.html).not.toContain('تفاصيل إدارتكم');
    await inst.waitForMail('csm', subjectIs(/التقرير الشهري/), 'the monthly report to the Customer Service manager', 60_000);
  });
});

describe('#رفع: the Customer Service manager forwards the departments report', () => {
  let report: ParsedMail;

  beforeAll(async () => {
    report = await inst.waitForMail('csm', subjectIs(/الإدارات التي تحدث فيها التصعيدات/), 'the departments report');
  });

  it('refuses a #رفع that did not come from the person the report was sent to, and records it', async () => {
    const replyTo = report.replyTo!.value[0]!.address!;
    await inst.deliver({ from: inst.addr('gm'), to: replyTo, subject: `RE: ${report.subject ?? ''}`, text: '#رفع أرفعه لنفسي' });
    const refusal = await inst.waitForMail('gm', subjectIs(/^لم يُنفَّذ/), 'the refusal');
    expect(refusal.text).toContain('عنوان الرد الموقّع');
    const [action] = await inst.db('report_actions').select('kind', 'actor') as { kind: string; actor: string }[];
    expect(action).toEqual({ kind: 'refused', actor: inst.addr('gm') });
    expect(await count('gm', /^رفع:/)).toBe(0);
  });

  it('sends the report on to the General Manager with the note, tells the manager, and records it', async () => {
    const note = 'نرجو مناقشة تصعيدات العمليات في اجتماع الإدارة القادم.';
    await inst.deliver({
      from: inst.addr('csm'), to: report.replyTo!.value[0]!.address!, subject: `RE: ${report.subject ?? ''}`,
      inReplyTo: report.messageId, text: `#رفع ${note}\n\n-----Original Message-----\nFrom: core\n> التقرير`,
    });
    const forwarded = await inst.waitForMail('gm', subjectIs(/^رفع: الإدارات التي تحدث فيها التصعيدات/), 'the forwarded report');
    expect(forwarded.html).toContain(`رفعه إليكم <bdi>مدير خدمة العملاء`);
    expect(forwarded.html).toContain(note);
    expect(forwarded.text).toContain(note);
    expect(forwarded.html).not.toContain('لرفع هذا التقرير إلى المدير العام');
    const confirmation = await inst.waitForMail('csm', subjectIs(/^تم:/), 'the confirmation');
    expect(confirmation.text).toContain('رُفع التقرير إلى المدير العام مع ملاحظتكم');
    const actions = await inst.db('report_actions').orderBy('id').select('kind', 'actor', 'note') as { kind: string; actor: string; note: string }[];
    expect(actions[1]).toEqual({ kind: 'forward', actor: inst.addr('csm'), note });
    const inbound = await inst.db('inbound_messages').where({ kind: 'report_reply' }).select('status') as { status: string }[];
    expect(inbound.map((r) => r.status)).toEqual(['processed', 'processed']);
    expect(await inst.db('tickets').count<{ count: number }[]>('* as count')).toEqual([{ count: HISTORY.length }]); // no ticket was opened
  });
});
