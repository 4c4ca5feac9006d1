/** `tasaeed outbox list | retry`: every email tasaeed sends, its state, and a way to send failed ones again. */
import type { Command } from 'commander';
import { listOutbox, OUTBOX_STATUSES, type OutboxStatus } from '../adapters/outbox-store.ts';
import { retryOutbound } from '../app/outbox-retry.ts';
import { TasaeedError } from '../errors.ts';
import type { App } from './main.ts';
import { printTable } from './table.ts';

type WithApp = <T>(fn: (app: App) => Promise<T>) => Promise<T>;

const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());

export function registerOutboxCommands(program: Command, withApp: WithApp): void {
  const o = program.command('outbox').description('outgoing emails: pending, retrying, sent, failed, bounced');

  o.command('list').description('emails, newest first').option('--status <status>', OUTBOX_STATUSES.join(' | '))
    .option('--limit <n>', 'how many', '100').option('--json', 'print JSON')
    .action(async (opts: { status?: string; limit: string; json?: boolean }) => {
      if (opts.status !== undefined && !(OUTBOX_STATUSES as readonly string[]).includes(opts.status)) {
        throw new TasaeedError('BAD_ARGUMENT', `--status: "${opts.status}" is not one of ${OUTBOX_STATUSES.join(', ')}`);
      }
      const limit = Number(opts.limit);
      if (!Number.isSafeInteger(limit) || limit <= 0) throw new TasaeedError('BAD_ARGUMENT', `--limit: "${opts.limit}" is not a positive number`);
      await withApp(async (app) => {
        const rows = await listOutbox(app.deps.db, { status: opts.status as OutboxStatus | undefined, limit });
        const out = rows.map((r) => ({
          id: r.id, ticket: r.ticket, template: r.template, to: r.to, status: r.status, attempts: r.attempts,
          lastError: r.lastError, nextAttemptAt: iso(r.nextAttemptAt), sentAt: iso(r.sentAt),
        }));
        if (opts.json === true) { console.log(JSON.stringify(out)); return; }
        printTable(out.map((r) => ({ ...r, ticket: r.ticket ?? '', lastError: (r.lastError ?? '').slice(0, 80), nextAttemptAt: r.nextAttemptAt ?? '', sentAt: r.sentAt ?? '' })));
      });
    });

  o.command('retry [ids...]').description('send failed or bounced emails again, with the same Message-ID')
    .option('--failed', 'every failed email')
    .action(async (ids: string[], opts: { failed?: boolean }) => {
      if (opts.failed !== true && ids.length === 0) throw new TasaeedError('BAD_ARGUMENT', 'name the email ids (see `tasaeed outbox list --status failed`) or use --failed');
      const numbers = ids.map((t) => {
        const n = Number(t);
        if (!Number.isSafeInteger(n) || n <= 0) throw new TasaeedError('BAD_ARGUMENT', `"${t}" is not an email id`);
        return n;
      });
      await withApp(async (app) => {
        const done = await retryOutbound(app.deps, opts.failed === true ? 'failed' : { ids: numbers });
        console.log(done.length === 0 ? 'nothing to retry' : `queued again: ${done.join(', ')}`);
      });
    });
}
