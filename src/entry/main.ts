/** Wires configuration, policy, database, queues, workers and the IMAP listener into a running tasaeed. */
import type { ImapListener } from '../adapters/imap.ts';
import { migrate, openDb } from '../adapters/db.ts';
import type { Config } from '../adapters/config.ts';
import { createLogger, type Logger } from '../adapters/logger.ts';
import { mailauthVerifier } from '../adapters/dmarc-check.ts';
import { createResolver } from '../adapters/dns-resolver.ts';
import { createMailer } from '../adapters/mailer.ts';
import { imapConnector, smtpTransportOptions, warnInsecureTls } from '../adapters/mail-connection.ts';
import { mailTokens } from '../adapters/oauth/token-provider.ts';
import type { TokenCache } from '../adapters/oauth/token-cache.ts';
import { loadPolicyFile } from '../adapters/policy-file.ts';
import { Queues } from '../adapters/queue.ts';
import { Templates } from '../adapters/templates.ts';
import { processPending } from '../app/ingest-message.ts';
import { reconcile } from '../app/reconcile.ts';
import { catchUpReports } from '../app/report-run.ts';
import type { SendDeps } from '../app/send-outbound.ts';
import { systemClock, type Clock } from '../domain/clock.ts';
import { Directory } from '../domain/directory.ts';
import { createImapListener } from './imap-listener.ts';
import { startWorkers, type RunningWorkers } from './workers.ts';

export interface App {
  deps: SendDeps;
  queues: Queues;
  /** The OAuth2 token cache shared by SMTP and IMAP, when either signs in with OAuth2. */
  tokens: TokenCache | undefined;
  close(): Promise<void>;
}

/** The pieces every command needs (database, policy, queues), without starting listeners or workers. */
export async function openApp(config: Config, opts: { clock?: Clock; log?: Logger } = {}): Promise<App> {
  const log = opts.log ?? createLogger(config.LOG_LEVEL);
  const clock = opts.clock ?? systemClock;
  const policy = await loadPolicyFile(config.POLICY_FILE);
  // Room for the ingest (4 at once), the timer workers (16) and the outbound workers (8) without queueing for a connection.
  const db = openDb(config.DATABASE_URL, 24);
  const queues = new Queues(config.REDIS_URL, config.QUEUE_PREFIX, clock);
  const tokens = mailTokens(config);
  const mailer = createMailer(smtpTransportOptions(config, tokens));
  const deps: SendDeps = {
    db, policy, directory: new Directory(policy), clock, log, replySecret: config.REPLY_SECRET,
    scheduler: queues, maxMessageBytes: config.MAX_MESSAGE_BYTES, mailer, templates: new Templates(),
    inbound: {
      authMode: config.INBOUND_AUTH,
      verifier: config.INBOUND_AUTH === 'off' ? undefined : mailauthVerifier(createResolver(config.INBOUND_AUTH_DNS_FILE)),
      maxAttachmentBytes: config.MAX_ATTACHMENT_BYTES, maxAttachments: config.MAX_ATTACHMENTS,
    },
  };
  return {
    deps, queues, tokens,
    async close() {
      await queues.close();
      mailer.close();
      await db.destroy();
    },
  };
}

/** `tasaeed start`: migrate, reconcile, start workers and schedulers, then listen to the mailbox. */
export async function startApp(config: Config, opts: { clock?: Clock; log?: Logger } = {}): Promise<App> {
  const app = await openApp(config, opts);
  const { deps } = app;
  await migrate(deps.db);
  const workers: RunningWorkers = await startWorkers(deps, app.queues, config.REDIS_URL);
  await processPending(deps);
  const repaired = await reconcile(deps);
  deps.log.info(repaired, 'reconciled queues with the database');
  const timer = setInterval(() => {
    reconcile(deps, 'periodic').then((r) => {
      if (r.mode === 'full' || r.timers > 0) deps.log.warn(r, 'reconciler re-queued lost jobs');
    }, (err: unknown) => { deps.log.warn({ err }, 'reconcile failed'); });
  }, config.RECONCILE_EVERY);
  timer.unref();
  warnInsecureTls(config, deps.log);
  const listener: ImapListener = createImapListener(deps, { connection: imapConnector(config, app.tokens), mailbox: config.IMAP_MAILBOX });
  await listener.start().catch(async (err: unknown) => {
    // a refused certificate or token at start: stop what already runs so the process exits with the error
    clearInterval(timer);
    await workers.close();
    await app.close();
    throw err;
  });
  // Reports whose time passed while tasaeed was down go out now, marked late (once: report_runs decides).
  void catchUpReports(deps);
  return {
    ...app,
    async close() {
      clearInterval(timer);
      await listener.stop();
      await workers.close();
      await app.close();
    },
  };
}
