/** `tasaeed status [--json]`: is mail flowing? Exit 0 when every check is ok and no incident is open, else 1. */
import type { Command } from 'commander';
import { startProbes } from '../adapters/service-watch.ts';
import type { Config } from '../adapters/config.ts';
import type { App } from './main.ts';
import { smtpOptions } from '../adapters/mail-options.ts';
import { operationsStatus, type OperationsStatus } from './operations-status.ts';
import { printTable } from './table.ts';

type WithApp = <T>(fn: (app: App) => Promise<T>) => Promise<T>;

const iso = (d: Date | null | undefined): string => d === null || d === undefined ? '—' : d.toISOString();

function printStatus(s: OperationsStatus): void {
  console.log(`tasaeed: ${s.status === 'ok' ? 'ok' : 'DEGRADED'}`);
  console.log('\nchecks:');
  printTable(Object.entries(s.checks).map(([service, c]) => ({
    service, ok: c.ok ? 'yes' : 'NO', lastSuccess: 'lastSuccess' in c ? c.lastSuccess ?? '—' : '—', lastError: 'lastError' in c ? c.lastError ?? '' : '',
  })));
  const l = s.listener;
  console.log(l === null ? '\nlistener: no instance has held it yet'
    : `\nlistener: ${l.leader}${l.stale ? ' (no heartbeat: gone?)' : ''}, ${l.connected ? 'connected' : 'NOT connected'} since ${iso(l.changedAt)}; last IDLE event ${iso(l.lastIdleAt)}; unfetched ${l.unfetched ?? '—'}${l.lastError === null ? '' : `; last error: ${l.lastError}`}`);
  console.log('\nqueues:');
  printTable(Object.entries(s.queues).map(([queue, c]) => ({ queue, ...c })));
  const o = s.outbox;
  console.log(`\noutbox: ${o.pending} pending, ${o.retrying} retrying, ${o.sent} sent in 24 h, ${o.failed} failed, ${o.bounced} bounced; oldest unsent ${o.oldestUnsentAt === null ? '—' : `${iso(o.oldestUnsentAt)} (${o.oldestUnsentSeconds} s)`}`);
  console.log(`timers: ${s.timers.overdue} overdue${s.timers.overdue > 0 ? ` (oldest due ${iso(s.timers.oldestDueAt)}, ${s.timers.lagSeconds} s late)` : ''}; pending ${JSON.stringify(s.timers.pending)}`);
  console.log(`quarantine: ${s.quarantine.count}; stored and not processed: ${s.quarantine.storedUnprocessed}`);
  console.log('\nreports (last run):');
  printTable(s.reports.map((r) => ({ kind: r.kind, period: r.lastPeriod ?? '', at: iso(r.lastAt), runs: r.sent })));
  console.log('\nopen incidents:');
  printTable(s.incidents.open.map((i) => ({ id: i.id, kind: i.kind, since: iso(i.startedAt), late: i.late ? 'yes' : '', detail: i.detail })));
}

export function registerStatusCommand(program: Command, withApp: WithApp, config: () => Config): void {
  program.command('status').description('is mail flowing? listener, queues, outbox, timers, reports, quarantine, incidents')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      await withApp(async (app) => {
        const probes = startProbes({ db: app.deps.db, redis: app.queues.connection, smtp: smtpOptions(config(), app.tokens), health: app.health });
        try {
          await probes.check();
        } finally {
          probes.stop();
        }
        const s = await operationsStatus(app.deps, app.queues, app.health);
        if (o.json === true) console.log(JSON.stringify(s));
        else printStatus(s);
        process.exitCode = s.status === 'ok' ? 0 : 1;
      });
    });
}
