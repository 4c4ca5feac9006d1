/**
 * A small, hand-checkable history of tickets for the report tests (times are Asia/Riyadh, UTC+3), inserted
 * straight into the tables as tasaeed itself would have left them: tickets, 'created'/'escalated'/'reminder'/
 * 'resolved' events and deadline rows (ladder: 24 h → level 1, another 24 h → level 2).
 * The expected figures in test/integration/reports.test.ts were worked out by hand from this table.
 */
import type { Db } from '../../src/adapters/db.ts';

export interface SeedTicket {
  id: number;
  dept: 'operations' | 'finance' | null;
  subject: string;
  created: string;
  resolved?: string;
  cause?: string;
  prevention?: string;
  owner?: string;
  /** Escalation times, level 1 first. */
  escalated?: string[];
  reminders?: string[];
}

const OPS = 'operations';
const FIN = 'finance';

export const SEED: readonly SeedTicket[] = [
  { id: 1, dept: OPS, subject: 'تأخر شحنة العميل 4471', created: '2026-11-15 09:00', resolved: '2026-11-15 15:00', cause: 'تأخر المورد', prevention: 'مورد بديل' },
  { id: 2, dept: OPS, subject: 'تأخر شحنة العميل 5012', created: '2026-11-16 10:00', resolved: '2026-11-18 09:00', cause: 'تأخّر المورّد', prevention: 'مورد بديل', escalated: ['2026-11-17 10:00'], reminders: ['2026-11-17 06:00'] },
  { id: 3, dept: OPS, subject: '[العمليات] تأخر شحنة العميل 6100', created: '2026-11-19 08:00', owner: 'clerk', escalated: ['2026-11-20 08:00', '2026-11-21 08:00'] },
  { id: 4, dept: OPS, subject: 'تلف طرد في المستودع', created: '2026-11-20 12:00', resolved: '2026-11-20 14:00', cause: 'سوء التغليف', prevention: 'تدريب فريق التغليف' },
  { id: 5, dept: OPS, subject: 'طلب نقل عاجل', created: '2026-11-21 20:00' },
  { id: 6, dept: OPS, subject: 'تأخر شحنة العميل 3900', created: '2026-11-10 09:00', resolved: '2026-11-12 08:00', cause: 'تأخر المورد', prevention: 'مورد بديل', escalated: ['2026-11-11 09:00'] },
  { id: 7, dept: FIN, subject: 'فاتورة مكررة للعميل 88', created: '2026-11-15 11:00', resolved: '2026-11-16 09:00', cause: 'خطأ في ربط نظام الفوترة', prevention: 'قيد فريد على رقم الطلب' },
  { id: 8, dept: FIN, subject: 'فاتورة مكررة للعميل 91', created: '2026-11-17 09:00', resolved: '2026-11-17 13:00', cause: 'خطأ في ربط نظام الفوترة.', prevention: 'قيد فريد على رقم الطلب' },
  { id: 9, dept: FIN, subject: 'استرداد متأخر', created: '2026-11-18 16:00', owner: 'head.fin', escalated: ['2026-11-19 16:00'], reminders: ['2026-11-19 10:00', '2026-11-19 14:00'] },
  { id: 10, dept: FIN, subject: 'دفعة لم تصل', created: '2026-11-05 10:00', resolved: '2026-11-16 10:00', cause: 'تأخر البنك', prevention: 'متابعة يومية مع البنك', escalated: ['2026-11-06 10:00', '2026-11-07 10:00'] },
  { id: 11, dept: null, subject: 'استفسار عام', created: '2026-11-18 12:00', escalated: ['2026-11-19 12:00'] },
  { id: 12, dept: OPS, subject: 'تأخر شحنة العميل 2001', created: '2026-10-05 09:00', resolved: '2026-10-05 21:00', cause: 'تأخر المورد', prevention: 'مورد بديل' },
  { id: 13, dept: FIN, subject: 'فاتورة مكررة للعميل 70', created: '2026-10-20 10:00', resolved: '2026-10-22 09:00', cause: 'خطأ في ربط نظام الفوترة', prevention: 'قيد فريد على رقم الطلب', escalated: ['2026-10-21 10:00'] },
  { id: 14, dept: OPS, subject: 'تأخر توصيل', created: '2026-09-10 10:00', resolved: '2026-09-12 09:00', cause: 'تأخر المورد', prevention: 'مورد بديل', escalated: ['2026-09-11 10:00'] },
  { id: 15, dept: OPS, subject: 'تلف طرد في المستودع', created: '2026-11-28 10:00', resolved: '2026-11-29 09:00', cause: 'سوء التغليف', prevention: 'تدريب فريق التغليف' },
  { id: 16, dept: FIN, subject: 'تحويل بنكي معلق', created: '2026-11-30 22:00' },
  { id: 17, dept: OPS, subject: 'طلب عاجل', created: '2026-12-01 01:00' },
  { id: 18, dept: OPS, subject: 'طلب تحديث عنوان', created: '2026-11-01 00:30', resolved: '2026-11-01 10:30', cause: 'تأخر المورد', prevention: 'مورد بديل' },
  { id: 19, dept: FIN, subject: 'تحويل لم يصل', created: '2026-11-18 06:00', resolved: '2026-11-19 11:00', cause: 'خطأ في ربط نظام الفوترة', prevention: 'قيد فريد على رقم الطلب', escalated: ['2026-11-19 09:00'] },
];

const DAY = 86_400_000;

/** A Riyadh wall-clock time as an instant. */
export const riyadh = (local: string): Date => new Date(`${local.replace(' ', 'T')}:00+03:00`);

export async function seedReports(db: Db, domain: string, tickets: readonly SeedTicket[] = SEED): Promise<void> {
  for (const t of tickets) {
    const created = riyadh(t.created);
    const resolved = t.resolved === undefined ? null : riyadh(t.resolved);
    const escalations = (t.escalated ?? []).map(riyadh);
    await db('tickets').insert({
      id: t.id, subject: t.subject, description: t.subject, department_key: t.dept, routed_via: t.dept === null ? null : 'keyword',
      status: resolved !== null ? 'resolved' : t.dept === null ? 'triage' : 'open', level: escalations.length,
      originator_email: `clerk@${domain}`, owner_email: t.owner === undefined ? null : `${t.owner}@${domain}`,
      root_cause: t.cause ?? null, preventive_measure: t.prevention ?? null,
      created_at: created, updated_at: resolved ?? escalations[escalations.length - 1] ?? created, resolved_at: resolved,
    });
    const events: { kind: string; at: Date; data: Record<string, unknown> }[] = [{ kind: 'created', at: created, data: {} }];
    escalations.forEach((at, i) => { events.push({ kind: 'escalated', at, data: { level: i + 1 } }); });
    for (const r of t.reminders ?? []) events.push({ kind: 'reminder', at: riyadh(r), data: {} });
    if (resolved !== null) events.push({ kind: 'resolved', at: resolved, data: { rootCause: t.cause, prevention: t.prevention } });
    await db('ticket_events').insert(events.sort((a, b) => a.at.getTime() - b.at.getTime()).map((e) => ({
      ticket_id: t.id, kind: e.kind, actor: null, data: JSON.stringify(e.data), created_at: e.at,
    })));
    // Level 1 is due 24 h after creation, level 2 24 h after level 1 fired; the ladder has two levels.
    let due = new Date(created.getTime() + DAY);
    for (let level = 1; level <= 2; level += 1) {
      // A level fires when it is escalated (T-000019's level 1 fired three hours after it was due).
      const fired = escalations[level - 1];
      if (fired !== undefined) {
        await db('deadlines').insert({ ticket_id: t.id, level, due_at: due, status: 'fired', settled_at: fired });
        due = new Date(fired.getTime() + DAY);
        continue;
      }
      await db('deadlines').insert({ ticket_id: t.id, level, due_at: due, status: resolved === null ? 'pending' : 'void', settled_at: resolved });
      break;
    }
  }
  await db.raw(`select setval('tickets_id_seq', (select max(id) from tickets))`);
}
