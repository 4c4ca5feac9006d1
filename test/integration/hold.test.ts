/**
 * On hold by email, on the real services: #انتظار stops the clock (the pending escalation and reminders are voided,
 * the time left kept), #استئناف plans the escalation again with that time and it fires; a hold with "حتى" resumes by
 * itself. Also the #حل rough edges of issue 13: a refusal names everything missing, in Arabic, with the command as
 * written; a line after a filled field is the comment.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParsedMail } from 'mailparser';
import { arabicEmail, Installation, waitFor } from '../support/harness.ts';

const about = (ref: string) => (m: ParsedMail) => (m.subject ?? '').includes(ref);
type Row = { id: number; ref: string; status: string; level: number; hold_remaining_ms: string | null; held_ms: string; root_cause: string | null; preventive_measure: string | null };
type Deadline = { kind: string; level: number; seq: number; due_at: Date; status: string };

describe('on hold', () => {
  let inst: Installation;
  const ticket = async (ref: string) => await inst.db('tickets').where({ ref }).first() as Row;
  const deadlines = async (id: number) => await inst.db('deadlines').where({ ticket_id: id }).orderBy('id') as Deadline[];
  const events = async (id: number) => await inst.db('ticket_events').where({ ticket_id: id }).orderBy('id').select('kind', 'data', 'created_at') as { kind: string; data: Record<string, unknown>; created_at: Date }[];
  const open = async (subject: string): Promise<Row> => {
    await inst.appendToCore(arabicEmail({ from: inst.addr('clerk'), to: `core+operations@${inst.domain}`, subject, body: 'تفاصيل الشحنة في المرفق.' }));
    const t = await waitFor('the ticket', async () => await inst.db('tickets').where({ subject }).first() as Row | undefined);
    await inst.waitForMail('head.ops', about(t.ref), 'the copy');
    return t;
  };

  beforeAll(async () => {
    inst = await Installation.create('hold', [{ after: '12s', notify: ['general_manager'] }, { after: '1h', notify: ['customer_service_manager'] }], {
      policy: { deadline_bounds: { min: '1s', max: '7d' }, reminders: { at_percent: [100], business_hours_only: false }, hold: { max: '1h' } },
    });
    await inst.start();
  });
  afterAll(async () => { await inst.close(); });

  it('stops the clock on #انتظار and resumes it on #استئناف with the time that was left', async () => {
    const t = await open('شحنة متوقفة في الجمارك');
    const before = (await deadlines(t.id)).find((d) => d.kind === 'escalate' && d.status === 'pending');
    expect(before).toBeDefined();

    await inst.reply('head.ops', t.ref, '#انتظار بانتظار مستندات العميل');
    await waitFor('the hold', async () => (await ticket(t.ref)).status === 'on_hold');
    const held = await ticket(t.ref);
    const left = Number(held.hold_remaining_ms);
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThanOrEqual(12_000);
    const during = await deadlines(t.id);
    expect(during.filter((d) => d.status === 'pending').map((d) => d.kind)).toEqual(['resume']);
    expect(during.find((d) => d.kind === 'escalate' && d.seq === before?.seq)?.status).toBe('void');

    // The original deadline passes while on hold; nothing is left pending that could escalate.
    await waitFor('the original deadline to pass', () => Promise.resolve(Date.now() > (before?.due_at.getTime() ?? 0) + 1000), 30_000);
    expect((await ticket(t.ref)).level).toBe(0);
    expect((await inst.mailbox('gm')).filter(about(t.ref))).toHaveLength(0);

    await inst.reply('head.ops', t.ref, '#استئناف');
    await waitFor('the resume', async () => (await ticket(t.ref)).status === 'open');
    const resumed = (await events(t.id)).find((e) => e.kind === 'resumed');
    const replanned = (await deadlines(t.id)).find((d) => d.kind === 'escalate' && d.status === 'pending');
    expect(replanned).toBeDefined();
    // The new deadline is the time that was left, counted from the resume.
    expect(Math.abs((replanned?.due_at.getTime() ?? 0) - (resumed?.created_at.getTime() ?? 0) - left)).toBeLessThan(1000);
    expect(Number((await ticket(t.ref)).held_ms)).toBeGreaterThan(0);

    await inst.waitForMail('gm', about(t.ref), 'the escalation after the resume', 30_000);
    const escalated = (await events(t.id)).find((e) => e.kind === 'escalated');
    expect((escalated?.created_at.getTime() ?? 0) - (resumed?.created_at.getTime() ?? 0)).toBeGreaterThanOrEqual(left - 1000);
    const show = await inst.cli(['ticket', 'show', t.ref]);
    expect(show.stdout).toContain('وُضعت التذكرة في الانتظار');
    expect(show.stdout).toContain('استؤنفت التذكرة بواسطة');
  });

  it('resumes by itself at the time given after حتى', async () => {
    const t = await open('فاتورة المورد معلقة لدى البنك');
    await inst.reply('head.ops', t.ref, '#انتظار بانتظار رد البنك حتى 3s');
    await waitFor('the hold', async () => (await ticket(t.ref)).status === 'on_hold');
    await waitFor('the automatic resume', async () => (await events(t.id)).some((e) => e.kind === 'resumed'), 30_000);
    expect((await ticket(t.ref)).status).toBe('open');
    expect((await deadlines(t.id)).filter((d) => d.kind === 'escalate' && d.status === 'pending')).toHaveLength(1);
  });

  it('refuses #موعد, #أولوية and #تصعيد on hold, keeping the clock stopped, and a #حل on hold ends the hold', async () => {
    const t = await open('شحنة بانتظار موافقة الجمارك');
    await inst.reply('head.ops', t.ref, '#انتظار بانتظار موافقة الجمارك');
    await waitFor('the hold', async () => (await ticket(t.ref)).status === 'on_hold');
    const left = (await ticket(t.ref)).hold_remaining_ms;
    for (const [command, clause] of [['#موعد 48h', 'لا يُغيَّر موعدها'], ['#أولوية عادية', 'لا تُغيَّر أولويتها'], ['#تصعيد العميل غاضب', 'لا تُصعَّد']] as const) {
      await inst.reply('head.ops', t.ref, command);
      const word = command.split(' ')[0] ?? '';
      const refusal = await inst.waitForMail('head.ops', (m) => about(t.ref)(m) && (m.text ?? '').includes(`لم يُنفَّذ الأمر ${word}`), `the refusal of ${word}`);
      expect(refusal.text).toContain(clause);
      expect(refusal.text).toContain('أرسلوا #استئناف أولاً');
    }
    // The clock stayed stopped: only the resume timer is pending, nothing escalated, the time left unchanged.
    expect((await deadlines(t.id)).filter((d) => d.status === 'pending').map((d) => d.kind)).toEqual(['resume']);
    expect(await ticket(t.ref)).toMatchObject({ status: 'on_hold', level: 0, hold_remaining_ms: left });
    expect((await events(t.id)).filter((e) => e.kind === 'deadline_set' || e.kind === 'priority_set' || e.kind === 'escalated')).toEqual([]);

    const heldAt = (await events(t.id)).find((e) => e.kind === 'held')?.created_at.getTime() ?? 0;
    await inst.reply('head.ops', t.ref, '#حل\nالسبب: تأخر موافقة الجمارك\nالإجراء الوقائي: تقديم المستندات قبل الشحن');
    await waitFor('the resolution', async () => (await ticket(t.ref)).status === 'resolved');
    const done = await inst.db('tickets').where({ ref: t.ref }).first('held_ms', 'hold_since', 'resolved_at') as { held_ms: string; hold_since: Date | null; resolved_at: Date };
    expect(done.hold_since).toBeNull();
    expect(Number(done.held_ms)).toBe(done.resolved_at.getTime() - heldAt);
  });

  it('refuses #حل naming everything missing in Arabic, and keeps a line after a filled field as the comment', async () => {
    const t = await open('تحويل مالي لم يصل للعميل');
    await inst.reply('head.ops', t.ref, '#حل تم');
    const refusal = await inst.waitForMail('head.ops', (m) => about(t.ref)(m) && /لم يُنفَّذ/.test(m.subject ?? ''), 'the refusal');
    expect(refusal.text).toContain('لم يُنفَّذ الأمر #حل');
    expect(refusal.text).toContain('ينقص: السبب الجذري والإجراء الوقائي');
    expect(refusal.text).not.toMatch(/#resolve|Missing/);
    const show = await inst.cli(['ticket', 'show', t.ref]);
    expect(show.stdout).toContain('رُفض أمر #حل');
    expect(show.stdout).not.toContain('Missing');

    await inst.reply('head.ops', t.ref, '#حل\nالسبب: خطأ في رقم الحساب\nالإجراء الوقائي: مراجعة مزدوجة للتحويلات\nتم رد المبلغ للعميل.');
    await waitFor('the resolution', async () => (await ticket(t.ref)).status === 'resolved');
    expect(await ticket(t.ref)).toMatchObject({ root_cause: 'خطأ في رقم الحساب', preventive_measure: 'مراجعة مزدوجة للتحويلات' });
    const resolved = (await events(t.id)).find((e) => e.kind === 'resolved');
    expect(resolved?.data.comment).toBe('تم رد المبلغ للعميل.');
  });
});
