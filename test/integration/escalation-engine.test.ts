/**
 * The escalation engine on the real services with a seconds-scale policy: reminders, level 1 and level 2 of the
 * ladder, customer updates on cadence and none after resolution, the command set, a kill -9 mid-ladder, and a
 * Redis flush with 1,000 timers pending.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParsedMail } from 'mailparser';
import { Redis } from 'ioredis';
import { arabicEmail, Installation, waitFor } from '../support/harness.ts';

const about = (ref: string) => (m: ParsedMail) => (m.subject ?? '').includes(ref);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
type Row = { id: number; ref: string; status: string; level: number; owner_email: string | null; priority: string };
const SECONDS_POLICY = {
  priorities: [
    { key: 'urgent', name: { ar: 'عاجلة', en: 'Urgent' }, deadline: '6s', keywords: ['عاجل'] },
    { key: 'normal', name: { ar: 'عادية', en: 'Normal' }, deadline: '60s' },
  ],
  default_priority: 'normal',
  deadline_bounds: { min: '1s', max: '7d' },
  reminders: { at_percent: [50, 100], business_hours_only: false },
  customer_updates: { every: '4s', clock: 'calendar' },
};

describe('the whole ladder', () => {
  let inst: Installation;
  const ticket = async (ref: string) => await inst.db('tickets').where({ ref }).first() as Row;
  const events = async (id: number) => (await inst.db('ticket_events').where({ ticket_id: id }).orderBy('id').select('kind', 'data') as { kind: string; data: Record<string, unknown> }[]);

  beforeAll(async () => {
    inst = await Installation.create('ladder', [
      { after: '6s', notify: ['general_manager'] }, { after: '5s', notify: ['customer_service_manager'] },
    ], { policy: SECONDS_POLICY });
    await inst.addMailboxes(['client@hospital.test']);
    await inst.start();
  });
  afterAll(async () => { await inst.close(); });

  it('reminds the owner, escalates to level 1 then level 2, updates the customer, and survives kill -9 mid-ladder', async () => {
    await inst.appendToCore(arabicEmail({
      from: inst.addr('clerk'), to: `core+operations@${inst.domain}`, subject: 'عاجل: شحنة مستشفى الملك فهد متوقفة',
      body: 'الشحنة الطبية متوقفة في المستودع.\nبريد العميل: client@hospital.test\nرغبة العميل: التسليم قبل الظهر',
    }));
    const t = await waitFor('the ticket', async () => await inst.db('tickets').first() as Row | undefined);
    expect(t.priority).toBe('urgent');
    const created = await inst.db('tickets').where({ id: t.id }).first('customer_email', 'customer_direction') as Record<string, string>;
    expect(created).toEqual({ customer_email: 'client@hospital.test', customer_direction: 'التسليم قبل الظهر' });

    const half = await inst.waitForMail('head.ops', (m) => about(t.ref)(m) && /50٪/.test(m.subject ?? ''), 'the 50% reminder');
    expect(half.text).toContain('#خطة');
    await inst.waitForMail('gm', about(t.ref), 'the level-1 escalation', 20_000);
    expect((await ticket(t.ref)).level).toBe(1);
    // The head gets a copy each time the ticket is escalated (policy 000, item 3).
    await inst.waitForMail('head.ops', (m) => about(t.ref)(m) && /المستوى 1/.test(m.subject ?? ''), 'the head\'s copy of the escalation');

    await inst.kill(); // mid-ladder: level 2 falls due while the processor is down
    await sleep(6000);
    await inst.start();
    const l2 = await inst.waitForMail('csm', about(t.ref), 'the level-2 escalation', 20_000);
    expect(l2.subject).toContain('المستوى 2');
    expect(l2.html).toContain('تصعيد إلى المستوى 1');

    await inst.reply('head.ops', t.ref, '#حل\nالسبب: عطل في الرافعة الشوكية ولم يُبلَّغ عنه\nالإجراء الوقائي: فحص يومي للرافعات وبلاغ فوري للأعطال');
    await waitFor('the resolution', async () => (await ticket(t.ref)).status === 'resolved');
    const resolvedAt = Date.now();
    await sleep(6000);

    const ev = await events(t.id);
    const kinds = ev.map((e) => e.kind);
    expect(kinds.filter((k) => k === 'escalated')).toHaveLength(2);
    expect(ev.filter((e) => e.kind === 'reminder').map((e) => e.data.percent)).toEqual([50, 100]);
    expect(kinds.indexOf('reminder')).toBeLessThan(kinds.indexOf('escalated'));
    expect((await inst.mailbox('gm')).filter(about(t.ref))).toHaveLength(1);
    expect((await inst.mailbox('csm')).filter(about(t.ref))).toHaveLength(1);

    const customerMail = await inst.mailboxOf('client@hospital.test');
    const updates = customerMail.filter((m) => /تحديث بشأن طلبكم/.test(m.subject ?? ''));
    expect(updates.length).toBeGreaterThanOrEqual(2);
    expect(customerMail.filter((m) => /تم حل طلبكم/.test(m.subject ?? ''))).toHaveLength(1);
    const lastUpdate = Math.max(...updates.map((m) => m.date?.getTime() ?? 0));
    expect(lastUpdate).toBeLessThan(resolvedAt);
    expect(customerMail.every((m) => !(m.text ?? '').includes('الرافعة'))).toBe(true); // no internal root cause to the customer
    const pending = await inst.db('deadlines').where({ ticket_id: t.id, status: 'pending' }).count<{ count: string }[]>('* as count');
    expect(Number(pending[0]?.count)).toBe(0);
  });

  it('applies #أولوية, #موعد, #خطة, #تعيين and #تواصل, and never assigns the hidden Core group', async () => {
    await inst.appendToCore(arabicEmail({ from: inst.addr('clerk'), to: `core+finance@${inst.domain}`, subject: 'فرق في فاتورة العميل 301', body: 'الفاتورة تختلف عن العقد.' }));
    const t = await waitFor('the ticket', async () => await inst.db('tickets').where('subject', 'like', '%301%').first() as Row | undefined);
    expect(t.priority).toBe('normal');
    await inst.waitForMail('head.fin', about(t.ref), 'the copy');

    await inst.reply('head.fin', t.ref, '#تعيين الكور');
    const refused = await inst.waitForMail('head.fin', (m) => about(t.ref)(m) && /لم يُنفَّذ/.test(m.subject ?? ''), 'the refusal to assign Core');
    expect(refused.text).toContain('مجموعة خفية');
    expect((await ticket(t.ref)).owner_email).toBeNull();

    await inst.reply('head.fin', t.ref, `#تعيين ${inst.addr('clerk')}`);
    await inst.waitForMail('clerk', (m) => about(t.ref)(m) && /أُسندت إليكم/.test(m.subject ?? ''), 'the assignment');
    expect((await ticket(t.ref)).owner_email).toBe(inst.addr('clerk'));

    await inst.reply('clerk', t.ref, '#خطة\n1. مراجعة العقد\n2. إصدار إشعار دائن');
    await inst.reply('head.fin', t.ref, '#موعد 2 أيام');
    await waitFor('the new deadline', async () => (await events(t.id)).some((e) => e.kind === 'deadline_set'));
    const due = await inst.db('deadlines').where({ ticket_id: t.id, kind: 'escalate', status: 'pending' }).first('due_at') as { due_at: Date };
    expect(Math.abs(due.due_at.getTime() - Date.now() - 2 * 86_400_000)).toBeLessThan(60_000);
    await inst.reply('head.fin', t.ref, '#موعد 90d');
    await inst.waitForMail('head.fin', (m) => about(t.ref)(m) && /لم يُنفَّذ/.test(m.subject ?? '') && (m.text ?? '').includes('يجب أن يكون بين'), 'the out-of-bounds refusal');

    await inst.reply('head.fin', t.ref, '#أولوية عاجلة');
    await waitFor('the priority', async () => (await ticket(t.ref)).priority === 'urgent');
    await inst.waitForMail('gm', about(t.ref), 'the escalation under the new priority', 20_000);

    await inst.reply('gm', t.ref, '#تواصل العمليات\nهل للشحنة علاقة بهذه الفاتورة؟');
    const contact = await inst.waitForMail('head.ops', about(t.ref), 'the contact request');
    expect(contact.text).toContain('هل للشحنة علاقة بهذه الفاتورة؟');
    await inst.reply('head.fin', t.ref, '#السياسة');
    const summary = await inst.waitForMail('head.fin', (m) => about(t.ref)(m) && /معايير/.test(m.subject ?? ''), 'the policy summary');
    expect(summary.text).toContain('عاجلة');
    const kinds = (await events(t.id)).map((e) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(['assigned', 'plan_set', 'deadline_set', 'priority_set', 'escalated', 'contacted', 'policy_sent', 'command_refused']));
  });
});

describe('policy review (step 12)', () => {
  it('opens one review ticket per period for the policy owner, with the period figures', async () => {
    const inst = await Installation.create('review', [{ after: '1h', notify: ['general_manager'] }]);
    try {
      await inst.start();
      const { spawnSync } = await import('node:child_process');
      const run = () => spawnSync(process.execPath, ['bin/tasaeed.mjs', 'review', 'open'], { env: { ...process.env, ...inst.env }, encoding: 'utf8' });
      expect(run().stdout).toMatch(/policy review for \d{4}-Q\d opened/);
      expect(run().stdout).toMatch(/was already opened/);
      const t = await inst.db('tickets').first() as { ref: string; owner_email: string; description: string };
      expect(t.owner_email).toBe(inst.addr('csm'));
      expect(t.description).toContain('التذاكر الواردة: 0');
      await inst.waitForMail('csm', (m) => (m.subject ?? '').includes(t.ref), 'the review ticket');
      expect(await inst.db('tickets').count<{ count: number }[]>('* as count')).toEqual([{ count: 1 }]);
    } finally {
      await inst.close();
    }
  });
});

describe('Redis flushed with 1,000 timers pending', () => {
  let inst: Installation;
  beforeAll(async () => {
    inst = await Installation.create('flush', [{ after: '1h', notify: ['general_manager'] }], { redisDb: 7 });
  });
  afterAll(async () => { await inst.close(); });

  it('rebuilds every timer from PostgreSQL and fires each exactly once', { timeout: 150_000 }, async () => {
    await inst.start(); // migrates
    await inst.stop();
    await inst.db.raw(`
      insert into tickets (subject, description, department_key, status, originator_email, created_at, updated_at)
      select 'تذكرة ' || g, 'وصف', 'operations', 'open', ?, now(), now() from generate_series(1, 1000) g`, [inst.addr('clerk')]);
    await inst.db.raw(`insert into deadlines (ticket_id, kind, level, seq, due_at) select id, 'escalate', 1, 0, now() + interval '25 seconds' from tickets`);
    await inst.start();
    const redis = new Redis(inst.env.REDIS_URL ?? '');
    await waitFor('1,000 delayed jobs', async () => (await redis.zcard(`${inst.env.QUEUE_PREFIX ?? ''}:deadlines:delayed`)) === 1000);
    await redis.flushdb();
    expect(await redis.dbsize()).toBe(0);
    redis.disconnect();

    const fired = async () => Number((await inst.db('deadlines').where({ status: 'fired' }).count<{ count: string }[]>('* as count'))[0]?.count);
    await waitFor('all 1,000 timers to fire', async () => (await fired()) === 1000 ? true : undefined, 60_000);
    await sleep(3000);
    const perTicket = await inst.db('ticket_events').where({ kind: 'escalated' }).groupBy('ticket_id').select('ticket_id').count<{ count: string }[]>('* as count');
    expect(perTicket).toHaveLength(1000);
    expect(perTicket.every((r) => Number(r.count) === 1)).toBe(true);
    const gmCopies = await inst.db('outbox').where({ template: 'escalation', to_email: inst.addr('gm') }).count<{ count: string }[]>('* as count');
    expect(Number(gmCopies[0]?.count)).toBe(1000);
  });
});
