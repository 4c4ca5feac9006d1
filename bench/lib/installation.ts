/**
 * One isolated tasaeed installation on the bench's private services, like a customer's: its own database, queue
 * prefix, mail domain and mailboxes, and the shipped example policy (examples/policy.yaml) moved onto that domain.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ImapFlow, type ImapFlowOptions } from 'imapflow';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { parse, stringify } from 'yaml';
import { loadConfig, type Config } from '../../src/adapters/config.ts';
import { migrate, openDb, type Db } from '../../src/adapters/db.ts';
import type { Logger } from '../../src/adapters/logger.ts';
import { validatePolicy, type Policy } from '../../src/domain/policy.ts';
import { openApp, startApp, type App } from '../../src/entry/main.ts';
import type { RunningServices } from '../../scripts/services.ts';
import { SENDERS } from './arabic-mail.ts';
import type { Cleanup } from './cleanup.ts';

export const MAIL_PASSWORD = 'bench';
const EXAMPLE_POLICY = fileURLToPath(new URL('../../examples/policy.yaml', import.meta.url));
const EXAMPLE_DOMAIN = 'ufuq.test';
/** The app's logs are kept after the run (git-ignored) for looking into a surprising number. */
export const LOGS = fileURLToPath(new URL('../out/logs/', import.meta.url));

export interface LadderStep { after: string; notify: string[] }

export class BenchInstallation {
  readonly logFile: string;
  /** A connection of the bench's own (not the app's pool) for setup and observation. */
  readonly db: Db;
  readonly config: Config;
  /** The environment `tasaeed start` needs, for scenarios that run it as a child process. */
  readonly env: Record<string, string>;

  private constructor(readonly id: string, readonly domain: string, readonly policy: Policy, readonly dir: string, vars: Record<string, string>) {
    this.logFile = join(LOGS, `${id}.log`);
    this.env = vars;
    this.config = loadConfig(vars as NodeJS.ProcessEnv);
    this.db = openDb(this.config.DATABASE_URL, 4);
  }

  static async create(services: RunningServices, cleanup: Cleanup, label: string, ladder?: LadderStep[]): Promise<BenchInstallation> {
    const id = `${label}${randomBytes(3).toString('hex')}`;
    const domain = `${id}.test`;
    const raw = parse(readFileSync(EXAMPLE_POLICY, 'utf8').replaceAll(EXAMPLE_DOMAIN, domain)) as Record<string, unknown>;
    if (ladder !== undefined) raw.ladder = ladder;
    // The bench's mail comes from a handful of synthetic senders: the per-sender storm limit would call it a loop.
    raw.inbound = { rate_limit: { max: 1_000_000, per: '10m' } };
    const policy = validatePolicy(raw, 'bench policy');
    const admin = openDb(services.env.DATABASE_URL, 1);
    await admin.raw(`create database "${id}"`);
    await admin.destroy();
    // Everyone who writes or is written to: the policy's people and the bench's senders outside the policy.
    await services.addMailboxes([policy.core.mailbox, ...policy.people.map((p) => p.email), ...SENDERS.map((s) => `${s.local}@${domain}`)]);
    const dir = mkdtempSync(join(tmpdir(), 'tasaeed-bench-'));
    mkdirSync(LOGS, { recursive: true });
    const policyFile = join(dir, 'policy.yaml');
    writeFileSync(policyFile, stringify(raw));
    const vars = {
      DATABASE_URL: services.env.DATABASE_URL.replace(/\/[^/]*$/, `/${id}`),
      REDIS_URL: services.env.REDIS_URL,
      POLICY_FILE: policyFile,
      REPLY_SECRET: randomBytes(32).toString('hex'),
      IMAP_HOST: services.env.IMAP_HOST, IMAP_PORT: services.env.IMAP_PORT, IMAP_SECURE: 'false',
      IMAP_USER: policy.core.mailbox, IMAP_PASSWORD: MAIL_PASSWORD, IMAP_MAILBOX: 'INBOX',
      SMTP_HOST: '127.0.0.1', SMTP_PORT: services.env.LMTP_PORT, SMTP_LMTP: 'true',
      QUEUE_PREFIX: id, RECONCILE_EVERY: '60s', LOG_LEVEL: 'info',
    };
    const inst = new BenchInstallation(id, domain, policy, dir, vars);
    await migrate(inst.db);
    cleanup.add(`installation ${id}`, () => inst.close(services));
    return inst;
  }

  addr(local: string): string { return `${local}@${this.domain}`; }

  /** The app's log goes to a file at the production level (info), so that logging costs what it costs in production. */
  logger(): Logger {
    return pino({ level: this.config.LOG_LEVEL, base: { app: 'tasaeed' } }, pino.destination({ dest: this.logFile, sync: false }));
  }

  /** The pieces without listener or workers (database, policy, queues), as the CLI commands use them. */
  async open(): Promise<App> {
    return await openApp(this.config, { log: this.logger() });
  }

  /** Everything `tasaeed start` runs: workers, reconciler, schedulers, the IMAP IDLE listener. */
  async start(): Promise<App> {
    return await startApp(this.config, { log: this.logger() });
  }

  imap(user = this.policy.core.mailbox, options: Partial<ImapFlowOptions> = {}): ImapFlow {
    return new ImapFlow({
      host: this.config.IMAP_HOST, port: this.config.IMAP_PORT, secure: false,
      auth: { user, pass: MAIL_PASSWORD }, logger: false, emitLogs: false, ...options,
    });
  }

  private async close(services: RunningServices): Promise<void> {
    await this.db.destroy();
    const admin = openDb(services.env.DATABASE_URL, 1);
    try {
      await admin.raw(`drop database if exists "${this.id}" with (force)`);
    } finally {
      await admin.destroy();
    }
    await deleteRedisKeys(services.env.REDIS_URL, `${this.id}:*`);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Frees what an installation left in Redis (the bench's Redis holds several installations one after another). */
export async function deleteRedisKeys(url: string, pattern: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: null });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 5000);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
