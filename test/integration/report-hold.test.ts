/**
 * Time on hold in the weekly and monthly reports, over a small history inserted as tasaeed leaves it (times are
 * Asia/Riyadh; level 1 is due 24 h after creation on the calendar clock). Every expected figure is worked out by hand:
 *
 *   A ops  created Sun 15 09:00; held 15 13:00 (20 h left; its deadline 16 09:00 voided); resumed 16 13:00 (held 24 h,
 *          deadline re-planned 17 09:00); resolved 17 08:00 → within; to resolve 47 h − 24 h = 23 h.
 *   B ops  created Mon 16 10:00; held 16 12:00 (deadline 17 10:00 voided); resolved on hold Wed 18 12:00 (held 48 h):
 *          its clock stopped 22 h before the deadline → within; to resolve 50 h − 48 h = 2 h.
 *   C fin  created Wed 18 09:00; held 18 10:00 (deadline 19 09:00 voided) and still on hold: not counted as due.
 *   D fin  created Thu 19 09:00; escalated at 20 09:00; resolved Fri 20 12:00 → missed; to resolve 27 h.
 *   E ops  created Thu 12 09:00; held 12 21:00 (deadline 13 09:00 voided); resumed Sun 15 09:00 (held 60 h, of which
 *          9 h in this week; re-planned 15 21:00); resolved 15 20:00 → within; to resolve 83 h − 60 h = 23 h.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Templates } from '../../src/adapters/templates.ts';
import { buildReport, type RenderDeps } from '../../src/app/build-report.ts';
import type { FigureRow } from '../../src/app/report-view.ts';
import { Directory } from '../../src/domain/directory.ts';
import { validatePolicy } from '../../src/domain/policy.ts';
import { parsePeriod } from '../../src/domain/report-period.ts';
import { Installation } from '../support/harness.ts';
import { riyadh } from '../support/report-seed.ts';

let inst: Installation;
let deps: RenderDeps;

interface Held {
  id: number; dept: 'operations' | 'finance'; created: string; resolved?: string;
  holds: { from: string; to?: string }[];
  /** Level-1 deadline rows, seq 0 first: due, status, settled. */
  deadlines: [string, 'pending' | 'fired' | 'void', string | null][];
  escalated?: string;
}

const HISTORY: readonly Held[] = [
  { id: 1, dept: 'operations', created: '2026-11-15 09:00', resolved: '2026-11-17 08:00', holds: [{ from: '2026-11-15 13:00', to: '2026-11-16 13:00' }],
    deadlines: [['2026-11-16 09:00', 'void', '2026-11-15 13:00'], ['2026-11-17 09:00', 'void', '2026-11-17 08:00']] },
  { id: 2, dept: 'operations', created: '2026-11-16 10:00', resolved: '2026-11-18 12:00', holds: [{ from: '2026-11-16 12:00' }],
    deadlines: [['2026-11-17 10:00', 'void', '2026-11-16 12:00']] },
  { id: 3, dept: 'finance', created: '2026-11-18 09:00', holds: [{ from: '2026-11-18 10:00' }],
    deadlines: [['2026-11-19 09:00', 'void', '2026-11-18 10:00']] },
  { id: 4, dept: 'finance', created: '2026-11-19 09:00', resolved: '2026-11-20 12:00', holds: [], escalated: '2026-11-20 09:00',
    deadlines: [['2026-11-20 09:00', 'fired', '2026-11-20 09:00']] },
  { id: 5, dept: 'operations', created: '2026-11-12 09:00', resolved: '2026-11-15 20:00', holds: [{ from: '2026-11-12 21:00', to: '2026-11-15 09:00' }],
    deadlines: [['2026-11-13 09:00', 'void', '2026-11-12 21:00'], ['2026-11-15 21:00', 'void', '2026-11-15 20:00']] },
];

async function seed(): Promise<void> {
  for (const t of HISTORY) {
    const resolved = t.resolved === undefined ? null : riyadh(t.resolved);
    const open = t.holds.find((h) => h.to === undefined && resolved === null);
    // As resolve and resume leave it: every finished hold is in held_ms; a hold still on keeps since when.
    const heldMs = t.holds.reduce((sum, h) => {
      const end = h.to ?? t.resolved;
      return end === undefined ? sum : sum + riyadh(end).getTime() - riyadh(h.from).getTime();
    }, 0);
    await inst.db('tickets').insert({
      id: t.id, subject: `T${String(t.id)}`, description: 'd', department_key: t.dept, routed_via: 'keyword',
      status: resolved !== null ? 'resolved' : open !== undefined ? 'on_hold' : 'open', level: t.escalated === undefined ? 0 : 1,
      originator_email: `clerk@${inst.domain}`, created_at: riyadh(t.created), updated_at: riyadh(t.created), resolved_at: resolved,
      held_ms: heldMs, hold_since: open === undefined ? null : riyadh(open.from), hold_reason: open === undefined ? null : 'بانتظار العميل',
    });
    const events: { kind: string; at: string }[] = [{ kind: 'created', at: t.created }];
    for (const h of t.holds) {
      events.push({ kind: 'held', at: h.from });
      if (h.to !== undefined) events.push({ kind: 'resumed', at: h.to });
    }
    if (t.escalated !== undefined) events.push({ kind: 'escalated', at: t.escalated });
    if (t.resolved !== undefined) events.push({ kind: 'resolved', at: t.resolved });
    events.sort((a, b) => riyadh(a.at).getTime() - riyadh(b.at).getTime());
    for (const e of events) {
      await inst.db('ticket_events').insert({ ticket_id: t.id, kind: e.kind, actor: null, data: JSON.stringify({}), created_at: riyadh(e.at) });
    }
    for (const [seq, [due, status, settled]] of t.deadlines.entries()) {
      await inst.db('deadlines').insert({ ticket_id: t.id, kind: 'escalate', level: 1, seq, due_at: riyadh(due), status, settled_at: settled === null ? null : riyadh(settled) });
    }
  }
  await inst.db.raw(`select setval('tickets_id_seq', (select max(id) from tickets))`);
}

beforeAll(async () => {
  inst = await Installation.create('rephold', [{ after: '24h', notify: ['general_manager'] }]);
  expect((await inst.cli(['migrate'])).code).toBe(0);
  await seed();
  const policy = validatePolicy(inst.policy);
  deps = { db: inst.db, policy, directory: new Directory(policy), templates: new Templates() };
});
afterAll(async () => { await inst.close(); });

const pick = (r: FigureRow) => ({ department: r.department, resolved: r.resolved, slaDetail: r.slaDetail, p50: r.p50, p90: r.p90, held: r.held, onHold: r.onHold });

describe('time on hold in the reports', () => {
  it('weekly, 15–21 November: on hold counted apart, within the deadline on the clock without it', async () => {
    const { model: m, email } = await buildReport(deps, 'weekly', parsePeriod('week', '2026-11-15'), { locale: 'ar', asOf: riyadh('2026-11-22 08:00'), heads: [] });
    // Operations: resolved A 23 h, B 2 h, E 23 h (median and p90 23 h); due A (re-planned) ✓, B (paused, resolved) ✓,
    //   E (re-planned) ✓ → 3/3; put on hold A, B; on hold in the week A 24 h + B 48 h + E 9 h = 81 h.
    // Finance: resolved D 27 h; due D ✗, C paused and unresolved, not counted → 0/1; put on hold C; C on hold from
    //   Wed 18 10:00 to the week's end Sun 22 00:00 = 86 h.
    // All: [2, 23, 23, 27] → median 23 h, p90 = 23 + 0.7 × 4 = 25.8 h; 3/4; 3 put on hold; 167 h on hold.
    // Rows busiest first: both received two; finance has one still open.
    expect((m.rows as FigureRow[]).map(pick)).toEqual([
      { department: 'المالية', resolved: 1, slaDetail: '0/1', p50: 'يوم واحد و3 ساعات', p90: 'يوم واحد و3 ساعات', held: 1, onHold: '3 أيام و14 ساعة' },
      { department: 'العمليات', resolved: 3, slaDetail: '3/3', p50: '23 ساعة', p90: '23 ساعة', held: 2, onHold: '3 أيام و9 ساعات' },
      { department: 'جميع الإدارات', resolved: 4, slaDetail: '3/4', p50: '23 ساعة', p90: 'يوم واحد وساعة واحدة', held: 3, onHold: '6 أيام و23 ساعة' },
    ]);
    expect(email.text).toContain('3 أيام و9 ساعات، تذكرتان');
    expect(email.html).toContain('في الانتظار');
    const csv = (await buildReport(deps, 'weekly', parsePeriod('week', '2026-11-15'), { locale: 'en', asOf: riyadh('2026-11-22 08:00'), heads: [] })).model.csv.split('\r\n');
    // period, department, received, resolved, within, due, %, median h, p90 h, put on hold, hours on hold, …
    expect(csv).toContain('2026-11-15,Operations,2,3,3,3,100,23,23,2,81,0,0,0');
    expect(csv).toContain('2026-11-15,Finance,2,1,0,1,0,27,27,1,86,1,0,1');
    expect(csv).toContain('2026-11-15,All departments,4,4,3,4,75,23,25.8,3,167,1,0,1');
    // The week before: E put on hold Thu 12 21:00, on hold to the week's end Sun 15 00:00 = 51 h.
    expect(csv).toContain('2026-11-08,Operations,1,0,0,0,,,,1,51,0,0,1');
  });

  it('monthly, November: every hold of the month, C to the month\'s end', async () => {
    const { model: m } = await buildReport(deps, 'monthly', parsePeriod('month', '2026-11'), { locale: 'ar', asOf: riyadh('2026-12-01 08:00'), heads: [] });
    // A 24 h + B 48 h + E 60 h + C from 18 Nov 10:00 to 1 Dec 00:00 (12 days 14 h = 302 h) = 434 h = 18 days 2 h.
    const total = (m.rows as FigureRow[]).find((r) => r.total);
    expect(total && pick(total)).toEqual({ department: 'جميع الإدارات', resolved: 4, slaDetail: '3/4', p50: '23 ساعة', p90: 'يوم واحد وساعة واحدة', held: 4, onHold: '18 يومًا وساعتان' });
  });
});
