/**
 * 7. Operations: the `/metrics` scrape of a running daemon over a million tickets (with a million sent emails and
 * pending deadlines for the open tickets), the database round behind it alone, and the CPU the HTTP server costs
 * an idle daemon (the same daemon idle with and without HTTP_PORT).
 */
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../scripts/services/ports.ts';
import { mailFlowFigures } from '../../src/adapters/mail-flow-figures.ts';
import type { Cleanup } from '../lib/cleanup.ts';
import { SETTLED, startDaemon, type Daemon } from '../lib/daemon.ts';
import { BenchInstallation } from '../lib/installation.ts';
import type { Figure } from '../lib/results.ts';
import type { Scenario } from '../lib/scenario.ts';
import { now } from '../lib/timing.ts';
import { seed } from './reports.ts';

const TICKS = 100; // USER_HZ on Linux

function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
}

/** Idle means after the start-up work beside the listener: the rebuild of every pending timer in Redis (half a million
 * here) and the catch-up of reports whose time passed (a daily report over 200,000 open tickets). */
async function daemon(inst: BenchInstallation, cleanup: Cleanup, env: Record<string, string>): Promise<Daemon> {
  const d = startDaemon(inst, cleanup, env);
  await d.logged(SETTLED, 900_000);
  return d;
}

async function idleCpu(child: Daemon, seconds: number): Promise<number> {
  const pid = child.pid;
  const before = cpuSeconds(pid);
  await sleep(seconds * 1000);
  return (cpuSeconds(pid) - before) / seconds * 100;
}

export const operations: Scenario = {
  name: 'operations',
  title: 'Operations: /metrics over a large database, and the idle cost of the HTTP server',
  async run(ctx) {
    const n = ctx.quick ? 20_000 : 1_000_000;
    const idleS = ctx.quick ? 10 : 30;
    const inst = await BenchInstallation.create(ctx.services, ctx.cleanup, 'ops');
    const app = await inst.open();
    ctx.cleanup.add('operations app', () => app.close());
    ctx.progress(`operations: generating ${n.toLocaleString('en-US')} tickets, their emails and deadlines`);
    await seed(inst, n);
    await inst.db.raw(`
      insert into outbox (ticket_id, event_id, template, locale, to_email, message_id, data, status, attempts, created_at, sent_at)
      select t.id, e.id, 'ticket-copy', 'ar', 'head@x.test', '<' || t.id || '@bench>', '{}', 'sent', 1, t.created_at, t.created_at
      from tickets t join lateral (select id from ticket_events where ticket_id = t.id limit 1) e on true`);
    await inst.db.raw(`
      insert into deadlines (ticket_id, kind, level, seq, due_at, status)
      select id, 'escalate', 2, 0, now() + interval '1 day', 'pending' from tickets where resolved_at is null`);
    await inst.db.raw('vacuum analyze outbox, deadlines, tickets');

    const rounds: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      const t0 = now();
      await mailFlowFigures(app.deps.db, new Date());
      rounds.push(now() - t0);
    }
    const dbMs = rounds.slice(1).sort((a, b) => a - b)[2] ?? 0;

    const port = await freePort();
    const withHttp = await daemon(inst, ctx.cleanup, { HTTP_PORT: String(port) });
    const scrapes: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      await sleep(5200); // past the figures' cache: every scrape measured here runs its queries
      const t0 = now();
      const r = await fetch(`http://127.0.0.1:${port}/metrics`);
      await r.text();
      scrapes.push(now() - t0);
    }
    const scrapeMs = scrapes.slice(1).sort((a, b) => a - b)[1] ?? 0;
    const t1 = now();
    await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const cachedMs = now() - t1;
    ctx.progress(`operations: idle CPU for ${idleS} s with HTTP, then ${idleS} s without`);
    const cpuWith = await idleCpu(withHttp, idleS);
    await withHttp.stop();
    const without = await daemon(inst, ctx.cleanup, { HTTP_PORT: '0' });
    const cpuWithout = await idleCpu(without, idleS);
    await without.stop();

    const figures: Figure[] = [
      { key: 'operations.scrape_ms', label: '/metrics scrape over HTTP, figures queried', value: scrapeMs, unit: 'ms', goal: { op: '<=', value: 500 } },
      { key: 'operations.scrape_cached_ms', label: '/metrics scrape within the 5 s figures cache', value: cachedMs, unit: 'ms', info: true },
      { key: 'operations.figures_ms', label: 'the database round behind it (in process)', value: dbMs, unit: 'ms', info: true },
      { key: 'operations.idle_cpu_http_pct', label: 'idle daemon CPU with HTTP_PORT', value: cpuWith, unit: '%', info: true },
      { key: 'operations.idle_cpu_nohttp_pct', label: 'idle daemon CPU without HTTP', value: cpuWithout, unit: '%', info: true },
    ];
    return {
      params: { tickets: n, idle_window_s: idleS },
      figures,
      notes: ['scrape: median of the last three of four, each after the 5 s cache expired; idle CPU from /proc/<pid>/stat (utime+stime) over the window'],
    };
  },
};
