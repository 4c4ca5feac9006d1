/**
 * Each report computed over the seeded history in test/support/report-seed.ts. Every expected number below was
 * worked out by hand from that table (times in Asia/Riyadh); the comments show the working.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Templates } from '../../src/adapters/templates.ts';
import { buildReport, type RenderDeps } from '../../src/app/build-report.ts';
import type { FigureRow } from '../../src/app/report-view.ts';
import { Directory } from '../../src/domain/directory.ts';
import { validatePolicy } from '../../src/domain/policy.ts';
import { parsePeriod, type ReportKind } from '../../src/domain/report-period.ts';
import { Installation } from '../support/harness.ts';
import { riyadh, seedReports } from '../support/report-seed.ts';

const LADDER = [{ after: '24h', notify: ['general_manager'] }, { after: '24h', notify: ['general_manager', 'core'] }];
let inst: Installation;
let deps: RenderDeps;

beforeAll(async () => {
  inst = await Installation.create('rep', LADDER);
  expect((await inst.cli(['migrate'])).code).toBe(0);
  await seedReports(inst.db, inst.domain);
  const policy = validatePolicy(inst.policy);
  deps = { db: inst.db, policy, directory: new Directory(policy), templates: new Templates() };
});

afterAll(async () => {
  await inst.close();
});

async function model(kind: ReportKind, period: string, asOf: string, o: { locale?: 'ar' | 'en'; heads?: string[] } = {}) {
  const cadence = kind === 'daily' ? 'day' : kind === 'weekly' ? 'week' : 'month';
  return await buildReport(deps, kind, parsePeriod(cadence, period), { locale: o.locale ?? 'ar', asOf: riyadh(asOf), heads: o.heads ?? [] });
}

const pick = (r: FigureRow) => ({
  department: r.department, received: r.received, resolved: r.resolved, sla: r.sla, slaDetail: r.slaDetail,
  p50: r.p50, p90: r.p90, escalated: r.escalated, reminders: r.reminders, open: r.open,
});

describe('daily report for Wednesday 18 November 2026, built on Thursday at 07:30', () => {
  it('lists the tickets open at 07:30 with their level, owner and deadline as they were then', async () => {
    const { model: m } = await model('daily', '2026-11-18', '2026-11-19 07:30');
    // Open at 07:30: T19 (due 06:00, fired only at 09:00), T11 (due 12:00), T9 (due 16:00). T3 arrives at 08:00,
    // T2 was resolved on the 18th; nothing had been escalated yet at 07:30. T11 awaits routing: no head yet.
    expect(m.open).toEqual([
      { ref: 'T-000019', subject: 'تحويل لم يصل', department: 'المالية', owner: 'لم يُحدَّد', level: 0, levelText: '0 — رئيس الإدارة',
        age: 'يوم واحد وساعة واحدة', late: 'متأخرة ساعة واحدة و30 دقيقة', next: 'المستوى 1: مستحق الآن', overdue: true },
      { ref: 'T-000011', subject: 'استفسار عام', department: 'بانتظار التوجيه', owner: 'لم يُحدَّد', level: 0, levelText: '0 — بانتظار التوجيه',
        age: '19 ساعة و30 دقيقة', late: '—', next: 'المستوى 1 بعد 4 ساعات و30 دقيقة', overdue: false },
      { ref: 'T-000009', subject: 'استرداد متأخر', department: 'المالية', owner: 'محمد الغامدي', level: 0, levelText: '0 — رئيس الإدارة',
        age: '15 ساعة و30 دقيقة', late: '—', next: 'المستوى 1 بعد 8 ساعات و30 دقيقة', overdue: false },
    ]);
    expect(m.counts).toEqual({ open: 3, overdue: 1, received: 3, resolved: 1 });
    expect((m.received as { ref: string }[]).map((r) => r.ref)).toEqual(['T-000019', 'T-000011', 'T-000009']);
    expect(m.resolved).toEqual([{ ref: 'T-000002', subject: 'تأخر شحنة العميل 5012', department: 'العمليات', rootCause: 'تأخّر المورّد', prevention: 'مورد بديل' }]);
    expect((m.chart as { label: string; value: number; width: number }[]).map((b) => [b.label, b.value, b.width]))
      .toEqual([['المالية', 2, 100], ['بانتظار التوجيه', 1, 50]]);
    expect(m.periodText).toBe('الأربعاء، 18 نوفمبر 2026 (8 جمادى الآخرة 1448 هـ)');
  });

  it('counts an escalated ticket as overdue, by how long and at which level, apart from the time to its next level', async () => {
    const { model: m } = await model('daily', '2026-11-18', '2026-11-19 17:00', { locale: 'en' });
    // By 17:00: T19 resolved at 11:00; T11 escalated at 12:00 (level 2 due 20 Nov 12:00); T9 escalated at 16:00; T3 open.
    // T11 and T9 missed their 24 hours (policy 000): overdue by 5 h and 1 h, at level 1.
    type Open = { ref: string; level: number; levelText: string; late: string; next: string; overdue: boolean };
    expect((m.open as Open[]).map((o) => [o.ref, o.levelText, o.late, o.next, o.overdue])).toEqual([
      ['T-000003', '0 — head of department', '—', 'level 1 in 15 hours', false],
      ['T-000011', '1 — the General Manager', 'overdue by 5 hours', 'level 2 in 19 hours', true],
      ['T-000009', '1 — the General Manager', 'overdue by 1 hour', 'level 2 in 23 hours', true],
    ]);
    expect(m.counts).toMatchObject({ open: 3, overdue: 2 });
  });
});

describe('weekly performance review for Sunday 15 – Saturday 21 November 2026', () => {
  it('gives each department its figures, with the change against 8–14 November', async () => {
    const { model: m, email } = await model('weekly', '2026-11-18', '2026-11-22 08:00');
    expect(m.periodKey).toBe('2026-11-15');
    const rows = m.rows as FigureRow[];
    // Operations: received T1–T5; resolved T1 6h, T2 47h, T4 2h → median 6h, p90 = 6 + 0.8×41 = 38.8h;
    //   deadlines due in the week T1 ✓ T2 ✗ T3 ✗ T4 ✓; escalated T2, T3 (twice, counted once); reminder on T2; open T3, T5.
    // Finance: received T7, T8, T9, T19; resolved T7 22h, T8 4h, T10 264h, T19 29h → median 25.5h, p90 = 29 + 0.7×235 = 193.5h;
    //   deadlines T7 ✓ T8 ✓ T9 ✗ T19 ✗; escalated T9, T19; two reminders on T9; open T9.
    // Awaiting routing: T11, its deadline missed, escalated, open.
    // All: median of [2,4,6,22,29,47,264] = 22h, p90 = 47 + 0.4×217 = 133.8h; 4 of 9 deadlines met.
    expect(rows.map(pick)).toEqual([
      { department: 'العمليات', received: 5, resolved: 3, sla: '50%', slaDetail: '2/4', p50: '6 ساعات', p90: 'يوم واحد و14 ساعة', escalated: 2, reminders: 1, open: 2 },
      { department: 'المالية', received: 4, resolved: 4, sla: '50%', slaDetail: '2/4', p50: 'يوم واحد وساعة واحدة', p90: '8 أيام وساعة واحدة', escalated: 2, reminders: 2, open: 1 },
      { department: 'بانتظار التوجيه', received: 1, resolved: 0, sla: '0%', slaDetail: '0/1', p50: '—', p90: '—', escalated: 1, reminders: 0, open: 1 },
      { department: 'جميع الإدارات', received: 10, resolved: 7, sla: '44%', slaDetail: '4/9', p50: '22 ساعة', p90: '5 أيام و13 ساعة', escalated: 5, reminders: 3, open: 4 },
    ]);
    // The week before: T6 received and resolved (47h), its deadline missed, escalated; T10 open at its end.
    const ops = rows[0]!;
    expect(ops.change).toEqual({
      received: { text: '▲ 4', tone: 'neutral' }, sla: { text: '▲ 50 نقطة', tone: 'good' },
      p50: { text: '▼ يوم واحد و17 ساعة', tone: 'good' }, escalated: { text: '▲ 1', tone: 'bad' }, open: { text: '▲ 2', tone: 'bad' },
    });
    expect(rows[1]!.change.sla).toBeNull(); // finance had no deadline due the week before
    expect(rows[1]!.change.open).toEqual({ text: '=', tone: 'neutral' });
    // Received per week, 27 Sep … 15 Nov: T12 (4 Oct), T13 (18 Oct), T18 + T10 (1 Nov), T6 (8 Nov), ten this week.
    expect((m.trend as { value: number; width: number }[]).map((b) => [b.value, b.width]))
      .toEqual([[0, 0], [1, 10], [0, 0], [1, 10], [0, 0], [2, 20], [1, 10], [10, 100]]);
    expect(email.subject).toBe('مراجعة الأداء الأسبوعية — من الأحد، 15 نوفمبر إلى السبت، 21 نوفمبر 2026');
  });

  it('exports the figures of both weeks as CSV with numbers a spreadsheet can use', async () => {
    const { model: m } = await model('weekly', '2026-11-15', '2026-11-22 08:00', { locale: 'en' });
    const lines = m.csv.split('\r\n');
    expect(lines[0]).toBe('period,department,received,resolved,resolved within deadline,deadlines due in period,compliance %,median time to resolve (h),p90 time to resolve (h),put on hold,time on hold (h),escalated to General Manager,reminders,open at end of period');
    expect(lines).toContain('2026-11-15,Operations,5,3,2,4,50,6,38.8,0,0,2,1,2');
    expect(lines).toContain('2026-11-15,Finance,4,4,2,4,50,25.5,193.5,0,0,2,2,1');
    expect(lines).toContain('2026-11-08,Operations,1,1,0,1,0,47,47,0,0,1,0,0');
    expect(m.csvName).toBe('weekly-2026-11-15.csv');
  });
});

describe('monthly report for November 2026', () => {
  it('counts the month in Riyadh time and compares it with October', async () => {
    const { model: m } = await model('monthly', '2026-11', '2026-12-01 08:00');
    // T18 (1 Nov 00:30 Riyadh = 31 Oct UTC) is in; T17 (1 Dec 01:00 Riyadh = 30 Nov UTC) is not.
    // Operations resolved [2,6,10,23,47,47] → median 16.5h, p90 47h; deadlines due T1 ✓ T2 ✗ T3 ✗ T4 ✓ T5 ✗ T6 ✗ T15 ✓ T18 ✓.
    // Finance resolved [4,22,29,264] → 25.5h / 193.5h; deadlines T7 ✓ T8 ✓ T9 ✗ T10 ✗ T19 ✗ (T16's is in December).
    // All: median of [2,4,6,10,22,23,29,47,47,264] = 22.5h, p90 = 47 + 0.1×217 = 68.7h; 6 of 14 deadlines met.
    expect((m.rows as FigureRow[]).map(pick)).toEqual([
      { department: 'العمليات', received: 8, resolved: 6, sla: '50%', slaDetail: '4/8', p50: '16 ساعة و30 دقيقة', p90: 'يوم واحد و23 ساعة', escalated: 3, reminders: 1, open: 2 },
      { department: 'المالية', received: 6, resolved: 4, sla: '40%', slaDetail: '2/5', p50: 'يوم واحد وساعة واحدة', p90: '8 أيام وساعة واحدة', escalated: 3, reminders: 2, open: 2 },
      { department: 'بانتظار التوجيه', received: 1, resolved: 0, sla: '0%', slaDetail: '0/1', p50: '—', p90: '—', escalated: 1, reminders: 0, open: 1 },
      { department: 'جميع الإدارات', received: 15, resolved: 10, sla: '43%', slaDetail: '6/14', p50: '22 ساعة و30 دقيقة', p90: 'يومان و20 ساعة', escalated: 7, reminders: 3, open: 5 },
    ]);
    // October: operations 1 of 1 deadlines met (T12), finance 0 of 1 (T13), all 1 of 2.
    const [ops, fin, , all] = m.rows as FigureRow[];
    expect([ops!.change.sla, fin!.change.sla, all!.change.sla]).toEqual([
      { text: '▼ 50 نقطة', tone: 'bad' }, { text: '▲ 40 نقطة', tone: 'good' }, { text: '▼ 7 نقطة', tone: 'bad' },
    ]);
    expect(m.periodText).toBe('نوفمبر 2026 (جمادى الأولى – جمادى الآخرة 1448 هـ)');
    // Received per month June … November: T14 in September, T12 and T13 in October, fifteen in November.
    expect((m.trend as { value: number }[]).map((b) => b.value)).toEqual([0, 0, 0, 1, 2, 15]);
    expect((m.slaChart as { label: string; value: number }[]).map((b) => [b.label, b.value]))
      .toEqual([['العمليات', 50], ['المالية', 40], ['بانتظار التوجيه', 0]]);
  });

  it('finds the most frequent root causes, recurring problems and preventive measures', async () => {
    const { model: m } = await model('monthly', '2026-11', '2026-12-01 08:00', { locale: 'en' });
    // Root causes of November's resolutions, spelling variants together: supplier delay T1, T2 (with shadda), T6, T18;
    // billing link error T7, T8 (with a full stop), T19; packaging T4, T15; bank delay T10. Wording: the latest resolved.
    expect(m.topCauses).toEqual([
      { department: 'All departments', text: 'تأخّر المورّد', count: 4, refs: 'T-000002, T-000001, T-000006, T-000018', kind: '' },
      { department: 'All departments', text: 'خطأ في ربط نظام الفوترة', count: 3, refs: 'T-000019, T-000008, T-000007', kind: '' },
      { department: 'All departments', text: 'سوء التغليف', count: 2, refs: 'T-000015, T-000004', kind: '' },
      { department: 'All departments', text: 'تأخر البنك', count: 1, refs: 'T-000010', kind: '' },
    ]);
    // Same subject once numbers and tags are dropped: «تأخر شحنة العميل …» T1, T2, T3, T6; «تلف طرد في المستودع» T4, T15;
    // «فاتورة مكررة للعميل …» T7, T8. Same root cause twice or more: the three causes above with 4, 3 and 2 tickets.
    const recurring = (m.recurring as { department: string; text: string; kind: string; count: number; refs: string }[])
      .map((r) => `${r.department} | ${r.kind} | ${r.text} | ${r.count} | ${r.refs}`).sort();
    expect(recurring).toEqual([
      'Finance | same root cause | خطأ في ربط نظام الفوترة | 3 | T-000019, T-000008, T-000007',
      'Finance | same subject | فاتورة مكررة للعميل 91 | 2 | T-000008, T-000007',
      'Operations | same root cause | تأخّر المورّد | 4 | T-000002, T-000001, T-000006, T-000018',
      'Operations | same root cause | سوء التغليف | 2 | T-000015, T-000004',
      'Operations | same subject | [العمليات] تأخر شحنة العميل 6100 | 4 | T-000003, T-000002, T-000001, T-000006',
      'Operations | same subject | تلف طرد في المستودع | 2 | T-000015, T-000004',
    ]);
    expect((m.measures as { department: string; text: string; count: number }[]).map((x) => [x.department, x.text, x.count])).toEqual([
      ['Operations', 'مورد بديل', 4], ['Finance', 'قيد فريد على رقم الطلب', 3], ['Operations', 'تدريب فريق التغليف', 2], ['Finance', 'متابعة يومية مع البنك', 1],
    ]);
    expect(m.detail).toEqual([]);
  });

  it("adds a head's own department: its causes, measures and the tickets still open at the end", async () => {
    const { model: m, email } = await model('monthly', '2026-11', '2026-12-01 08:00', { heads: ['finance'] });
    const [detail] = m.detail as { department: string; causes: { text: string }[]; measures: { text: string; count: number }[]; open: { ref: string; level: number; age: string }[] }[];
    expect(detail!.department).toBe('المالية');
    expect(detail!.causes.map((c) => c.text)).toEqual(['خطأ في ربط نظام الفوترة', 'تأخر البنك']);
    expect(detail!.measures.map((x) => [x.text, x.count])).toEqual([['قيد فريد على رقم الطلب', 3], ['متابعة يومية مع البنك', 1]]);
    // Open on 1 December 00:00: T9 (18 Nov 16:00, level 1) and T16 (30 Nov 22:00); ages as of 1 Dec 08:00.
    expect(detail!.open).toEqual([
      { ref: 'T-000009', subject: 'استرداد متأخر', level: 1, age: '12 يومًا و16 ساعة' },
      { ref: 'T-000016', subject: 'تحويل بنكي معلق', level: 0, age: '10 ساعات' },
    ]);
    expect(email.html).toContain('تفاصيل إدارتكم: المالية');
    expect(email.html).not.toContain('تفاصيل إدارتكم: العمليات');
    expect(m.csv).toContain('T-000016,تحويل بنكي معلق');
  });

  it('covers a range of months for a yearly view', async () => {
    const { model: m } = await model('monthly', '2026-09..2026-11', '2026-12-01 08:00', { locale: 'en' });
    const all = (m.rows as FigureRow[]).find((r) => r.total)!;
    // September to November: 1 + 2 + 15 tickets received; resolved T14 + T12, T13 + ten in November.
    expect([all.received, all.resolved]).toEqual([18, 13]);
    expect(m.periodText).toBe('September – November 2026 (Rabiʻ I – Jumada II 1448 AH)');
    expect((m.trend as { label: string; value: number }[]).map((b) => [b.label, b.value]))
      .toEqual([['June 2026', 0], ['July 2026', 0], ['August 2026', 0], ['September 2026', 1], ['October 2026', 2], ['November 2026', 15]]);
  });
});

describe('departments with escalations, November 2026', () => {
  it('says where tickets reached the General Manager, how often and the trend', async () => {
    const { model: m, email } = await model('departments', '2026-11', '2026-12-01 08:30');
    // Escalated in November: operations T2, T3, T6; finance T9, T10, T19; awaiting routing T11. October: finance T13.
    // Rates: 3 of 8 received, 3 of 6, 1 of 1; 7 of 15 overall.
    expect(m.total).toEqual({ department: 'جميع الإدارات', escalated: 7, previous: 1, change: { text: '▲ 6', tone: 'bad' }, received: 15, rate: '47%' });
    expect((m.rows as { department: string; escalated: number; previous: number; share: string; rate: string; trend: { n: number; heat: number }[] }[])
      .map((r) => [r.department, r.escalated, r.previous, r.share, r.rate, r.trend.map((t) => `${t.n}/${t.heat}`).join(' ')]))
      .toEqual([
        ['المالية', 3, 1, '43%', '50%', '0/0 0/0 0/0 0/0 1/2 3/4'],
        ['العمليات', 3, 0, '43%', '38%', '0/0 0/0 0/0 1/2 0/0 3/4'],
        ['بانتظار التوجيه', 1, 0, '14%', '100%', '0/0 0/0 0/0 0/0 0/0 1/2'],
      ]);
    expect((m.trend as { value: number }[]).map((b) => b.value)).toEqual([0, 0, 0, 1, 1, 7]);
    expect(email.html).toContain('#رفع');
    expect(email.text).toContain('لرفع هذا التقرير إلى المدير العام');
  });
});
