/** The desk's read model on PostgreSQL: the SQL folding agrees with the domain's, search, scope and keyset pages. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listTickets } from '../../src/adapters/desk-read-model.ts';
import { addEvent, insertTicket } from '../../src/adapters/ticket-store.ts';
import { normalizeForMatch } from '../../src/domain/arabic-text.ts';
import { Templates } from '../../src/adapters/templates.ts';
import { buildReport } from '../../src/app/build-report.ts';
import { Directory } from '../../src/domain/directory.ts';
import { validatePolicy } from '../../src/domain/policy.ts';
import { parsePeriod } from '../../src/domain/report-period.ts';
import { Installation } from '../support/harness.ts';

let inst: Installation;
const ALL = { kind: 'all' } as const;

beforeAll(async () => {
  inst = await Installation.create('deskrm', [{ after: '24h', notify: ['general_manager'] }]);
  expect((await inst.cli(['migrate'])).code).toBe(0);
  const at = new Date('2026-11-30T08:00:00Z');
  for (let i = 0; i < 120; i += 1) {
    await insertTicket(inst.db, {
      subject: i === 7 ? 'إلغاءُ طلبيّة المستشفى' : `طلب رقم ${i}`, description: 'وصف', departmentKey: i % 2 === 0 ? 'finance' : 'operations',
      routedVia: 'subject', originatorEmail: inst.addr('clerk'), originatorName: '', threadMessageId: null, priority: 'normal',
      customerEmail: null, customerDirection: null, at,
    });
  }
  await addEvent(inst.db, { ticketId: 30, kind: 'note', actor: inst.addr('desk'), at, data: { text: 'اتصلنا بمؤسسة الإسكان' } });
}, 120_000);

afterAll(async () => { await inst.close(); });

describe('desk read model', () => {
  it('folds Arabic in SQL exactly as the domain does', async () => {
    const samples = ['إلغاءُ', 'آمنة', 'ٱلمدينة', 'مستشفى', 'مكتبة', 'تـــأخير', 'سَلامٌ', 'Invoice ABC', 'ﻻ', 'قرأ'];
    for (const s of samples) {
      const row = await inst.db.raw('select tasaeed_fold(?) as f', [s]) as { rows: { f: string }[] };
      expect(row.rows[0]?.f, s).toBe(normalizeForMatch(s));
    }
  });

  it('finds a subject written with other hamza, yaa and taa marbuta forms, and a timeline note', async () => {
    const found = await listTickets(inst.db, ALL, { search: normalizeForMatch('الغاء طلبية المستشفي') }, new Date(), 50);
    expect(found.rows.map((r) => r.id)).toEqual([8]);
    const note = await listTickets(inst.db, ALL, { search: normalizeForMatch('مؤسسه الاسكان') }, new Date(), 50);
    expect(note.rows.map((r) => r.id)).toEqual([30]);
    const pct = await listTickets(inst.db, ALL, { search: '%' }, new Date(), 50);
    expect(pct.rows).toEqual([]);
  });

  it('pages by keyset through every ticket once, newest first, within the scope', async () => {
    const seen: number[] = [];
    let before: number | undefined;
    for (;;) {
      const page = await listTickets(inst.db, { kind: 'limited', email: inst.addr('head.fin'), departments: ['finance'] }, { before }, new Date(), 25);
      seen.push(...page.rows.map((r) => r.id));
      if (!page.more) break;
      before = page.rows[page.rows.length - 1]?.id;
    }
    expect(seen).toEqual(Array.from({ length: 60 }, (_, i) => 119 - 2 * i));
  });

  it('links each ticket reference in a report to its desk page when DESK_URL is set, and not otherwise', async () => {
    const policy = validatePolicy(inst.policy);
    const deps = { db: inst.db, policy, directory: new Directory(policy), templates: new Templates() };
    const period = parsePeriod('day', '2026-11-30');
    const opts = { locale: 'ar' as const, asOf: new Date('2026-12-01T04:30:00Z'), heads: [] };
    const linked = await buildReport({ ...deps, deskUrl: 'https://desk.example.test/' }, 'daily', period, opts);
    expect(linked.email.html).toContain('<a href="https://desk.example.test/tickets/T-000008">T-000008</a>');
    const plain = await buildReport(deps, 'daily', period, opts);
    expect(plain.email.html).toContain('T-000008');
    expect(plain.email.html).not.toContain('/tickets/T-000008');
  });
});
