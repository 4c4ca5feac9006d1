/** Wires configuration, policy, database, queues, workers and the IMAP listener into a running tasaeed. */
import { migrate, openDb } from '../adapters/db.ts';
import type { Config } from '../adapters/config.ts';
import { createLogger, type Logger } from '../adapters/logger.ts';
import { mailauthVerifier } from '../adapters/dmarc-check.ts';
import { createResolver } from '../adapters/dns-resolver.ts';
import { smtpOptions, smtpPool } from '../adapters/mail-options.ts';
import { createMailer } from '../adapters/mailer.ts';
import { warnInsecureTls } from '../adapters/mail-connection.ts';
import { mailTokens } from '../adapters/oauth/token-provider.ts';
import type { TokenCache } from '../adapters/oauth/token-cache.ts';
import { loadPolicyFile } from '../adapters/policy-file.ts';
import { Queues } from '../adapters/queue.ts';
import { ServiceHealth } from '../adapters/service-health.ts';
import { Templates } from '../adapters/templates.ts';
import { reconcile } from '../app/reconcile.ts';
import { catchUpReports } from '../app/report-run.ts';
import type { SendDeps } from '../app/send-outbound.ts';
import { systemClock, type Clock } from '../domain/clock.ts';
import { isTransient } from '../errors.ts';
import { Directory } from '../domain/directory.ts';
import { deskFor } from './desk/plugin.ts';
import { IngestDriver } from './ingest-driver.ts';
import { startOperations } from './operations.ts';
import { checkServices } from './startup-checks.ts';
import { startWorkers, type RunningWorkers } from './workers.ts';

export interface App {
  deps: SendDeps;
  queues: Queues;
  health: ServiceHealth;
  /** The OAuth2 token cache shared by SMTP and IMAP, when either signs in with OAuth2. */
  tokens: TokenCache | undefined;
  close(): Promise<void>;
}

/** The pieces every command needs (database, policy, queues), without starting listeners or workers. */
export async function openApp(config: Config, opts: { clock?: Clock; log?: Logger } = {}): Promise<App> {
  const log = opts.log ?? createLogger(config.LOG_LEVEL);
  const clock = opts.clock ?? systemClock;
  const policy = await loadPolicyFile(config.POLICY_FILE);
  // Room for the ingest (4 at once), the timer workers (8) and the outbound workers (8) without queueing for a connection.
  const db = openDb(config.DATABASE_URL, 24);
  const queues = new Queues(config.REDIS_URL, config.QUEUE_PREFIX, clock);
  const tokens = mailTokens(config);
  const mailer = createMailer(smtpOptions(config, tokens), smtpPool(config));
  const deps: SendDeps = {
    db, policy, directory: new Directory(policy), clock, log, replySecret: config.REPLY_SECRET, replyAddress: config.REPLY_ADDRESS,
    scheduler: queues, maxMessageBytes: config.MAX_MESSAGE_BYTES, mailer, templates: new Templates(), deskUrl: config.DESK_URL,
    inbound: {
      authMode: config.INBOUND_AUTH,
      verifier: config.INBOUND_AUTH === 'off' ? undefined : mailauthVerifier(createResolver(config.INBOUND_AUTH_DNS_FILE)),
      maxAttachmentBytes: config.MAX_ATTACHMENT_BYTES, maxAttachments: config.MAX_ATTACHMENTS,
    },
  };
  return {
    deps, queues, health: new ServiceHealth(log), tokens,
    async close() {
      await queues.close();
      mailer.close();
      await db.destroy();
    },
  };
}

/**
 * `tasaeed start`: check every service (exit with the culprit named when one is wrong), migrate, reconcile, start
 * workers and schedulers, then listen to the mailbox. Once running, an outage is retried and reported, never fatal.
 */
export async function startApp(config: Config, opts: { clock?: Clock; log?: Logger } = {}): Promise<App> {
  await loadPolicyFile(config.POLICY_FILE);
  await checkServices(config);
  const app = await openApp(config, opts);
  const { deps, health, queues } = app;
  await migrate(deps.db);
  const workers: RunningWorkers = await startWorkers(deps, queues, config.REDIS_URL, {
    health, sendRetryMinMs: config.SEND_RETRY_MIN, sendRetryMaxMs: config.SEND_RETRY_MAX, sendRetryForMs: config.SEND_RETRY_FOR,
  });
  // The full pass re-adds a job for every pending timer and unsent email: with hundreds of thousands of timers that
  // takes a while, and the jobs Redis kept fire meanwhile, so it runs beside the listener instead of before it.
  const stopping = new AbortController();
  const startupRepair = reconcile(deps, 'full', stopping.signal).then((r) => {
    if (r.mode !== 'stopped') deps.log.info(r, 'reconciled queues with the database');
  }, (err: unknown) => { health.failed(isTransient(err) ? 'postgres' : 'redis', err, 'the reconciler'); });
  const recovery = watchRecovery(app, workers, config, startupRepair);
  const driver = new IngestDriver(deps, health);
  void driver.drain(); // what a crash or an outage left stored and pending
  warnInsecureTls(config, deps.log);
  // Probes, HTTP (health, metrics, the web desk), alerts, and the IMAP listener on the one instance that holds its lease.
  const desk = deskFor(deps, { deskUrl: config.DESK_URL, host: config.HTTP_HOST, port: config.HTTP_PORT });
  const operations = await startOperations(config, app, driver, { plugins: [desk] });
  // The safety scan: no message ever waits for another email to arrive.
  const scan = setInterval(() => { operations.leadership.kick(); void driver.drain(); }, config.INGEST_SCAN_EVERY);
  scan.unref();
  // Reports whose time passed while tasaeed was down go out now, marked late (once: report_runs decides).
  catchUpReports(deps).then((results) => {
    deps.log.info({ reports: results.length }, 'caught up on missed reports');
  }, (err: unknown) => { deps.log.warn({ err }, 'catching up missed reports failed; the next start tries again'); });
  return {
    ...app,
    async close() {
      clearInterval(scan);
      stopping.abort();
      await startupRepair;
      recovery.stop();
      await driver.stop();
      await operations.stop();
      await workers.close();
      await app.close();
    },
  };
}

/**
 * Quiet recovery: the periodic reconcile; Redis back (perhaps empty) rebuilds every job within seconds; the mail
 * server or PostgreSQL back sends the emails waiting for a retry at once instead of at their next backoff step.
 */
function watchRecovery(app: App, workers: RunningWorkers, config: Config, startupRepair: Promise<void>): { stop(): void } {
  const { deps, health, queues } = app;
  // One pass at a time: a full pass over many timers can outlast the interval (the start-up pass among them). A
  // pass asked for meanwhile (Redis back, perhaps empty) runs once the current one ends.
  let running = true;
  let again = false;
  let stopped = false;
  const finished = (): void => {
    running = false;
    if (again) { again = false; repair('periodic'); }
  };
  const repair = (mode: 'full' | 'periodic'): void => {
    if (stopped) return;
    if (running) { again = true; return; }
    running = true;
    reconcile(deps, mode).then(async (r) => {
      if (r.mode === 'full' && mode === 'periodic') await workers.reschedule();
      if (r.mode === 'full' || r.timers > 0) deps.log.warn(r, 'reconciler re-queued lost jobs');
    }, (err: unknown) => { health.failed(isTransient(err) ? 'postgres' : 'redis', err, 'the reconciler'); }).finally(finished);
  };
  void startupRepair.finally(finished);
  const periodic = setInterval(() => { repair('periodic'); }, config.RECONCILE_EVERY);
  periodic.unref();
  const redis = queues.connection;
  const onError = (err: Error): void => { health.failed('redis', err, 'timers and outgoing email'); };
  const onClose = (): void => { health.failed('redis', new Error('the Redis connection closed'), 'timers and outgoing email'); };
  const onReady = (): void => {
    const wasDown = !health.usable('redis');
    health.ok('redis');
    if (wasDown) repair('periodic'); // finds the rebuild marker gone when Redis came back empty
  };
  redis.on('error', onError).on('close', onClose).on('ready', onReady);
  let probe: NodeJS.Timeout | undefined;
  health.onChange((service, state) => {
    if (service === 'smtp' && !state.ok && probe === undefined) {
      probe = setInterval(() => { deps.mailer.verify().then(() => { health.ok('smtp'); }, () => undefined); },
        Math.min(15_000, Math.max(1000, config.SEND_RETRY_MAX)));
      probe.unref();
    }
    if (state.ok && (service === 'smtp' || service === 'postgres')) {
      if (service === 'smtp' && probe !== undefined) { clearInterval(probe); probe = undefined; }
      queues.retryOutboundNow().catch((err: unknown) => { deps.log.debug({ err }, 'could not promote retrying emails'); });
    }
  });
  return {
    stop() {
      stopped = true;
      // Our own close at shutdown is not an outage.
      redis.off('error', onError).off('close', onClose).off('ready', onReady);
      clearInterval(periodic);
      if (probe !== undefined) clearInterval(probe);
    },
  };
}
