/** `tasaeed quarantine list | show <id> | retry <id>`: messages kept with a reason instead of being acted on. */
import type { Command } from 'commander';
import { loadConfig } from '../adapters/config.ts';
import { fetchWholeMessage } from '../adapters/imap-refetch.ts';
import { imapConnector } from '../adapters/mail-connection.ts';
import { listQuarantine, QuarantineError, showInbound } from '../app/quarantine.ts';
import { retryQuarantined } from '../app/quarantine-retry.ts';
import type { App } from './main.ts';
import { printTable } from './table.ts';

type WithApp = <T>(fn: (app: App) => Promise<T>) => Promise<T>;

function idOf(text: string): number {
  const id = Number(text);
  if (!Number.isSafeInteger(id) || id <= 0) throw new QuarantineError(`"${text}" is not a message id (see \`tasaeed quarantine list\`)`);
  return id;
}

export function registerQuarantineCommands(program: Command, withApp: WithApp): void {
  const q = program.command('quarantine').description('messages kept aside with a reason (never dropped)');

  q.command('list').description('quarantined messages, newest first').option('--json', 'print JSON')
    .option('--limit <n>', 'how many', '200')
    .action(async (o: { json?: boolean; limit: string }) => {
      await withApp(async (app) => {
        const rows = await listQuarantine(app.deps, Number(o.limit));
        if (o.json === true) { console.log(JSON.stringify(rows)); return; }
        printTable(rows.map((r) => ({ id: r.id, received: r.received_at.toISOString(), from: r.from_email ?? '', size: r.size, reason: r.reason ?? '' })));
      });
    });

  q.command('show <id>').description('a stored message: reason, headers, text preview, attachments').option('--json', 'print JSON')
    .action(async (text: string, o: { json?: boolean }) => {
      await withApp(async (app) => {
        const d = await showInbound(app.deps, idOf(text));
        if (d === undefined) throw new QuarantineError(`no inbound message ${text}`);
        if (o.json === true) { console.log(JSON.stringify(d)); return; }
        console.log(`#${d.id}  [${d.status}]  ${d.received_at.toISOString()}  ${d.size} bytes  mailbox ${d.mailbox}`);
        console.log(`reason:  ${d.reason ?? ''}\nfrom:    ${d.from}\nsubject: ${d.subject}\ndate:    ${d.date ?? ''}`);
        console.log(`\nheaders:\n${d.headers}\n\ntext:\n${d.text}`);
        console.log('\nattachments:');
        printTable(d.attachments.map((a) => ({ name: a.filename, type: a.contentType, size: a.size, contains: a.contains?.join(', ') ?? '' })));
      });
    });

  q.command('retry <id>').description('process a quarantined message again (after fixing the policy or the limits; one kept as its header only is fetched whole from the mailbox)')
    .option('--json', 'print JSON')
    .action(async (text: string, o: { json?: boolean }) => {
      await withApp(async (app) => {
        const id = idOf(text);
        const c = loadConfig();
        const connect = imapConnector(c, app.tokens);
        const out = await retryQuarantined(app.deps, id, async (where) => fetchWholeMessage(await connect(), where));
        if (out === undefined) throw new QuarantineError(`message ${id} is being processed by a running tasaeed; see \`tasaeed quarantine show ${id}\``);
        console.log(o.json === true ? JSON.stringify(out) : `#${id}: ${out.status} ${out.kind} — ${out.reason}`);
      });
    });
}
