/**
 * The daily report over a backlog larger than its attachment: the counts and the chart cover every open ticket, the
 * CSV holds the most urgent DAILY_CSV_LIMIT of them, and the email says how many the file leaves out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Templates } from '../../src/adapters/templates.ts';
import { buildReport, type RenderDeps } from '../../src/app/build-report.ts';
import { DAILY_CSV_LIMIT } from '../../src/app/daily-report.ts';
import { Directory } from '../../src/domain/directory.ts';
import { validatePolicy } from '../../src/domain/policy.ts';
import { parsePeriod } from '../../src/domain/report-period.ts';
import { Installation } from '../support/harness.ts';

const OPEN = DAILY_CSV_LIMIT + 37;
const AS_OF = new Date('2026-11-19T01:30:00Z'); // 04:30 in Riyadh
let inst: Installation;
let deps: RenderDeps;

beforeAll(async () => {
  inst = await Installation.create('replarge', [{ after: '24h', notify: ['general_manager'] }]);
  expect((await inst.cli(['migrate'])).code).toBe(0);
  // Ticket g was created g minutes before 2026-11-18 06:00 Riyadh and its first deadline is 24 h later: at 04:30 the
  // next day every one is past it but the newest 90 (g ≤ 90: due at 04:30 or after).
  await inst.db.raw(`
    insert into tickets (subject, description, department_key, routed_via, status, level, originator_email, originator_name, priority, created_at, updated_at)
    select 'طلب رقم ' || g, 'وصف', case when g % 3 = 0 then 'operations' else 'finance' end, 'subject', 'open', 0,
      'clerk@${inst.domain}', 'موظف', 'normal', ts, ts
    from (select g, timestamptz '2026-11-18 06:00+03' - g * interval '1 minute' ts from generate_series(1, ?) g) s`, [OPEN]);
  await inst.db.raw(`
    insert into deadlines (ticket_id, kind, level, seq, due_at, status)
    select id, 'escalate', 1, 0, created_at + interval '24 hours', 'pending' from tickets`);
  const policy = validatePolicy(inst.policy);
  deps = { db: inst.db, policy, directory: new Directory(policy), templates: new Templates() };
}, 120_000);

afterAll(async () => {
  await inst.close();
});

describe(`daily report with ${String(OPEN)} tickets open`, () => {
  it('counts them all, attaches the most urgent ones and says how many the file leaves out', async () => {
    const { model: m, email } = await buildReport(deps, 'daily', parsePeriod('day', '2026-11-18'), { locale: 'ar', asOf: AS_OF, heads: [] });
    expect(m.counts).toMatchObject({ open: OPEN, overdue: OPEN - 90 });
    const finance = Math.floor(OPEN / 3) * 2 + (OPEN % 3);
    expect((m.chart as { label: string; value: number }[]).map((b) => [b.label, b.value])).toEqual([['المالية', finance], ['العمليات', OPEN - finance]]);
    const csv = (m.csv as string).split('\r\n').filter((l) => l !== '');
    const open = csv.filter((l) => l.startsWith('مفتوحة,'));
    expect(open).toHaveLength(DAILY_CSV_LIMIT);
    // the most urgent first: the oldest deadline, i.e. the ticket created first
    expect(open[0]).toContain(`طلب رقم ${String(OPEN)}`);
    expect(m.csvMore).toBe(37);
    expect(email.text).toContain('ولا يتسع الملف لـ37 تذكرة أخرى؛ تجدونها كلها في المكتب الإلكتروني.');
    expect(email.html).toContain('ولا يتسع الملف لـ37 تذكرة أخرى');
  });
});
