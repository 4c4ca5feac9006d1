/** The `tasaeed` command line. Every listing also prints JSON with --json. */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { Command } from 'commander';
import { listAttachments } from '../adapters/attachment-store.ts';
import { loadConfig } from '../adapters/config.ts';
import { migrate, openDb } from '../adapters/db.ts';
import { createLogger } from '../adapters/logger.ts';
import { loadPolicyFile } from '../adapters/policy-file.ts';
import { listEvents, loadTicketByRef } from '../adapters/ticket-store.ts';
import { classifyFile } from '../app/classify-file.ts';
import { ingestRaw } from '../app/ingest-message.ts';
import { openPolicyReview } from '../app/policy-review.ts';
import { describeEvent } from '../domain/event-text.ts';
import { registerDeskCommand } from './desk/desk-cli.ts';
import { openApp, startApp, type App } from './main.ts';
import { registerDoctorCommand } from './doctor.ts';
import { registerQuarantineCommands } from './quarantine-cli.ts';
import { registerReportCommand } from './report-cli.ts';
import { registerStatusCommand } from './status-cli.ts';
import { printTable } from './table.ts';
import { registerOutboxCommands } from './outbox-cli.ts';
import { describeError, TasaeedError } from '../errors.ts';
import { endQuietlyWhenPipeCloses } from './quiet-pipe.ts';

endQuietlyWhenPipeCloses();

const program = new Command('tasaeed').description('تصعيد — email-driven escalation desk').showHelpAfterError();

async function withApp<T>(fn: (app: App) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const app = await openApp(config, { log: createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL) });
  try {
    return await fn(app);
  } finally {
    await app.close();
  }
}

program.command('start').description('listen to the Core mailbox (IMAP IDLE), run the workers and report schedules')
  .action(async () => {
    const config = loadConfig();
    let app: App;
    try {
      app = await startApp(config);
    } catch (err) {
      // Whatever was opened may keep reconnecting: exit now, with the culprit named.
      console.error(`tasaeed: ${describeError(err)}`);
      process.exit(1);
    }
    const stop = (signal: string): void => {
      app.deps.log.info({ signal }, 'stopping: no new mail is fetched; finishing what is in hand');
      // What is not finished by then is picked up at the next start (it is all in PostgreSQL).
      setTimeout(() => {
        app.deps.log.warn({ timeoutMs: config.SHUTDOWN_TIMEOUT }, 'SHUTDOWN_TIMEOUT reached; exiting, the rest is taken up at the next start');
        process.exit(0);
      }, config.SHUTDOWN_TIMEOUT).unref();
      app.close().then(() => process.exit(0), (err: unknown) => {
        app.deps.log.error({ err }, 'stopping failed');
        process.exit(1);
      });
    };
    process.once('SIGINT', () => { stop('SIGINT'); });
    process.once('SIGTERM', () => { stop('SIGTERM'); });
  });

program.command('migrate').description('create or update the database tables').action(async () => {
  const config = loadConfig();
  const db = openDb(config.DATABASE_URL, 1);
  try {
    const applied = await migrate(db);
    console.log(applied.length === 0 ? 'database is up to date' : `applied: ${applied.join(', ')}`);
  } finally {
    await db.destroy();
  }
});

program.command('policy').description('policy file tools').command('check <file>').description('validate a policy file')
  .option('--json', 'print JSON')
  .action(async (file: string, o: { json?: boolean }) => {
    const p = await loadPolicyFile(file);
    const summary = { ok: true, organisation: p.organisation.name.en, departments: p.departments.length, people: p.people.length, ladder: p.ladder.length };
    console.log(o.json === true ? JSON.stringify(summary) : `${file}: valid — ${summary.departments} departments, ${summary.people} people, ${summary.ladder} ladder level(s)`);
  });

program.command('ingest <files...>').description('feed .eml files through the same pipeline as the mailbox')
  .option('--json', 'print JSON lines')
  .action(async (files: string[], o: { json?: boolean }) => {
    await withApp(async (app) => {
      for (const file of files) {
        const raw = await readFile(file);
        const outcomes = await ingestRaw(app.deps, [{ mailbox: `file:${basename(file)}`, uidvalidity: null, uid: null, raw }]);
        for (const out of outcomes) console.log(o.json === true ? JSON.stringify({ file, ...out }) : `${file}: ${out.status} ${out.kind} — ${out.reason}`);
      }
    });
  });

program.command('classify <files...>').description('say what each .eml file is and why (no services needed)')
  .option('--json', 'print one JSON line per file').option('--core <address>', 'the Core mailbox', 'core@example.test')
  .action(async (files: string[], o: { json?: boolean; core: string }) => {
    for (const file of files) {
      const result = await classifyFile(file, { coreMailbox: o.core });
      console.log(o.json === true ? JSON.stringify({ file, ...result }) : `${file}: ${result.kind} — ${result.reason}`);
    }
  });

registerQuarantineCommands(program, withApp);
registerOutboxCommands(program, withApp);

program.command('tickets').description('ticket listings').command('list').description('list tickets, newest first')
  .option('--status <status>', 'triage | open | resolved').option('--limit <n>', 'how many', '50').option('--json', 'print JSON')
  .action(async (o: { status?: string; limit: string; json?: boolean }) => {
    await withApp(async (app) => {
      const q = app.deps.db('tickets').orderBy('id', 'desc').limit(Number(o.limit))
        .select('ref', 'status', 'level', 'department_key', 'originator_email', 'subject', 'created_at', 'resolved_at');
      const rows = await (o.status === undefined ? q : q.where({ status: o.status })) as Record<string, unknown>[];
      if (o.json === true) console.log(JSON.stringify(rows));
      else printTable(rows.map((r) => ({ ...r, created_at: (r.created_at as Date).toISOString(), resolved_at: r.resolved_at === null ? '' : (r.resolved_at as Date).toISOString() })));
    });
  });

program.command('ticket').description('one ticket').command('show <ref>').description('a ticket and its timeline')
  .option('--json', 'print JSON').option('--lang <ar|en>', 'language of the timeline', 'ar')
  .action(async (ref: string, o: { json?: boolean; lang: string }) => {
    await withApp(async (app) => {
      const t = await loadTicketByRef(app.deps.db, ref);
      if (t === undefined) throw new TasaeedError('TICKET_NOT_FOUND', `no ticket ${ref}`);
      const events = await listEvents(app.deps.db, t.id);
      const outbox = await app.deps.db('outbox').where({ ticket_id: t.id }).orderBy('id').select('id', 'template', 'to_email', 'status', 'message_id', 'sent_at') as Record<string, unknown>[];
      const deadlines = await app.deps.db('deadlines').where({ ticket_id: t.id }).orderBy('due_at').select('kind', 'level', 'seq', 'due_at', 'status') as Record<string, unknown>[];
      const attachments = await listAttachments(app.deps.db, { ticketId: t.id });
      if (o.json === true) { console.log(JSON.stringify({ ticket: t, events, outbox, deadlines, attachments })); return; }
      const locale = o.lang === 'en' ? 'en' : 'ar';
      console.log(`${t.ref}  [${t.status}]  priority ${t.priority}  level ${t.level}  ${t.departmentKey ?? '(triage)'}  owner ${t.ownerEmail ?? '—'}\n${t.subject}\nfrom ${t.originatorEmail}${t.customerEmail === null ? '' : `  customer ${t.customerEmail}`}`);
      if (t.hold !== null) console.log(`on hold since ${t.hold.since.toISOString()}${t.hold.until === null ? '' : ` until ${t.hold.until.toISOString()}`}: ${t.hold.reason}`);
      if (t.actionPlan !== null) console.log(`action plan: ${t.actionPlan}`);
      if (t.rootCause !== null) console.log(`root cause: ${t.rootCause}\nprevention: ${t.preventiveMeasure ?? ''}`);
      console.log('\ntimeline:');
      for (const e of events) console.log(`  ${e.createdAt.toISOString()}  ${describeEvent(e, locale)}`);
      console.log('\nemails:');
      printTable(outbox.map((r) => ({ ...r, sent_at: r.sent_at === null ? '' : (r.sent_at as Date).toISOString() })));
      if (attachments.length > 0) {
        console.log('\nattachments:');
        printTable(attachments.map((a) => ({ name: a.filename, type: a.content_type, size: a.size, stored: a.stored ? 'yes' : a.skipped_reason ?? 'no', contains: a.contains?.join(', ') ?? '' })));
      }
      console.log('\ntimers:');
      printTable(deadlines.map((r) => ({ ...r, due_at: (r.due_at as Date).toISOString() })));
    });
  });

registerReportCommand(program, withApp);
registerDoctorCommand(program);
registerStatusCommand(program, withApp, () => loadConfig());
registerDeskCommand(program, withApp);

program.command('review').description('policy review (escalation policy, step 12)').command('open')
  .description('open the review ticket for the last complete period now (once per period)')
  .action(async () => {
    await withApp(async (app) => {
      const r = await openPolicyReview(app.deps);
      console.log(r.opened ? `policy review for ${r.period} opened as ticket #${r.ticketId ?? ''}` : `the policy review for ${r.period} was already opened`);
    });
  });

program.parseAsync().catch((err: unknown) => {
  console.error(`tasaeed: ${describeError(err)}`);
  process.exitCode = 1;
});
