/**
 * 6. Reports: the monthly report (SQL aggregates + render + CSV, exactly as sent) over 1,000,000 synthetic tickets
 * spread over 12 months, for one month and for the whole year, and the daily report (every ticket still open —
 * 200,000 of them here — with its level and deadlines as of the report's time); peak RSS of this process meanwhile.
 */
import { buildMonthlyReport, buildReport } from '../../src/app/build-report.ts';
import { parsePeriod } from '../../src/domain/report-period.ts';
import type { Figure } from '../lib/results.ts';
import { BenchInstallation } from '../lib/installation.ts';
import type { Scenario } from '../lib/scenario.ts';
import { now } from '../lib/timing.ts';

const DEPARTMENTS = "array['finance','operations','it','hr','customer-service']";
const CAUSES = "array['تأخر المورد في التسليم','خطأ في ربط نظام الفوترة','نقص الموظفين في الوردية','سوء التنسيق بين الإدارات','عطل في بوابة العملاء']";

export async function seed(inst: BenchInstallation, n: number): Promise<void> {
  const domain = inst.domain;
  await inst.db.raw(`
    insert into tickets (subject, description, department_key, routed_via, status, level, originator_email, originator_name,
                         root_cause, preventive_measure, priority, created_at, updated_at, resolved_at)
    select 'تأخر شحنة العميل ' || (g % 700), 'وصف المشكلة', (${DEPARTMENTS})[1 + g % 5], 'subject',
           case when g % 10 < 8 then 'resolved' else 'open' end, case when g % 6 = 0 then 1 else 0 end,
           'clerk.ops@${domain}', 'تركي البقمي',
           case when g % 10 < 8 then (${CAUSES})[1 + g % 5] end, case when g % 10 < 8 then 'إجراء وقائي ' || (g % 40) end,
           'normal', ts, ts, case when g % 10 < 8 then ts + (1 + g % 60) * interval '1 hour' end
    from (select g, timestamptz '2025-12-01 00:00+03' + (g::float8 / ?) * interval '365 days' ts from generate_series(1, ?) g) s`, [n, n]);
  await inst.db.raw(`
    insert into deadlines (ticket_id, kind, level, seq, due_at, status)
    select id, 'escalate', 1, 0, created_at + interval '24 hours', case when level >= 1 then 'fired' else 'void' end from tickets`);
  await inst.db.raw(`
    insert into ticket_events (ticket_id, kind, data, created_at)
    select id, 'escalated', '{"level":1}', created_at + interval '24 hours' from tickets where level >= 1`);
  await inst.db.raw('vacuum analyze tickets, deadlines, ticket_events');
  // A running server's history was written long ago: the bulk load's dirty pages go to disk now, not while measured.
  await inst.db.raw('checkpoint');
}

export const reports: Scenario = {
  name: 'reports',
  title: 'Reports: the monthly report over a large ticket history (query + render + CSV)',
  async run(ctx) {
    const n = ctx.quick ? 20_000 : 1_000_000;
    const inst = await BenchInstallation.create(ctx.services, ctx.cleanup, 'reports');
    const app = await inst.open();
    ctx.cleanup.add('reports app', () => app.close());
    ctx.progress(`reports: generating ${n.toLocaleString('en-US')} tickets over 12 months`);
    const g0 = now();
    await seed(inst, n);
    const seedMs = now() - g0;
    let peak = process.memoryUsage().rss;
    const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 50);
    const time = async (period: string): Promise<{ ms: number }> => {
      await buildMonthlyReport(app.deps, period); // the first build warms PostgreSQL's cache, as a running server has it
      const t0 = now();
      await buildMonthlyReport(app.deps, period);
      return { ms: now() - t0 };
    };
    const month = await time('2026-10');
    const year = await time('2025-12..2026-11');
    const heads = app.deps.policy.departments.map((d) => d.key);
    const daily = async (): Promise<number> => {
      await buildReport(app.deps, 'daily', parsePeriod('day', '2026-11-29'), { locale: 'ar', asOf: new Date('2026-11-30T03:00:00Z'), heads });
      const t0 = now();
      await buildReport(app.deps, 'daily', parsePeriod('day', '2026-11-29'), { locale: 'ar', asOf: new Date('2026-11-30T03:00:00Z'), heads });
      return now() - t0;
    };
    const dailyMs = await daily();
    clearInterval(sampler);
    const figures: Figure[] = [
      { key: 'reports.month_s', label: 'monthly report, one month (query + render + CSV)', value: month.ms / 1000, unit: 's', goal: { op: '<=', value: 1 } },
      { key: 'reports.year_s', label: 'monthly report, 12 months', value: year.ms / 1000, unit: 's', goal: { op: '<=', value: 3 } },
      { key: 'reports.daily_s', label: 'daily report (every open ticket with its level and deadlines)', value: dailyMs / 1000, unit: 's', info: true },
      { key: 'reports.peak_rss_mb', label: 'peak RSS of the process building them', value: peak / 1_048_576, unit: 'MB', info: true },
    ];
    return {
      params: { tickets: n, seeded_in_s: Math.round(seedMs / 1000) },
      figures,
      notes: ['each figure is the second build of the same period (the first warms the cache); 80 % resolved, 1 in 6 escalated'],
    };
  },
};
