/**
 * An isolated tasaeed installation on the shared test services: its own database, queue prefix, mail domain and
 * mailboxes, a policy written for the test, and `tasaeed start` run as a real child process that can be killed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ImapFlow } from 'imapflow';
import type { ParsedMail } from 'mailparser';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import { inject } from 'vitest';
import { stringify } from 'yaml';
import { loadConfig, type Config } from '../../src/adapters/config.ts';
import { openDb, type Db } from '../../src/adapters/db.ts';
import { readMailbox } from '../../scripts/read-mailbox.ts';
import { readRunningServices, type ServiceEnv } from '../../scripts/services.ts';

export const PASSWORD = 'pw';

/** kill -9 of a child process, resolved once it is gone (nothing when it is not running). */
export async function killNow(child: ChildProcess | undefined): Promise<void> {
  if (child === undefined || child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

/** A policy like the shipped example, on its own domain, with a ladder measured in seconds. */
export function testPolicy(domain: string, ladder: { after: string; notify: string[] }[]): Record<string, unknown> {
  const p = (local: string, ar: string, en: string, locale = 'ar') => ({ email: `${local}@${domain}`, name: { ar, en }, locale });
  return {
    organisation: { name: { ar: 'شركة الاختبار', en: 'Test Co' }, domain },
    timezone: 'Asia/Riyadh',
    locale: 'ar',
    core: { mailbox: `core@${domain}`, name: { ar: 'الكور', en: 'Core' }, members: [`desk@${domain}`] },
    people: [
      p('desk', 'موظف الكور', 'Core desk'), p('gm', 'المدير العام', 'General Manager'),
      p('csm', 'مدير خدمة العملاء', 'CS manager'), p('qa', 'ضمان الجودة', 'QA'),
      p('head.ops', 'ريم الحربي', 'Reem Al-Harbi'), p('head.fin', 'محمد الغامدي', 'Mohammed Al-Ghamdi'),
      p('clerk', 'تركي البقمي', 'Turki Al-Buqami'),
    ],
    roles: { general_manager: `gm@${domain}`, customer_service_manager: `csm@${domain}`, quality_assurance: `qa@${domain}` },
    departments: [
      { key: 'operations', name: { ar: 'العمليات', en: 'Operations' }, head: `head.ops@${domain}`, members: [`clerk@${domain}`], keywords: ['شحنة'] },
      { key: 'finance', name: { ar: 'المالية', en: 'Finance' }, head: `head.fin@${domain}`, keywords: ['فاتورة'] },
    ],
    ladder,
    reports: { daily: { time: '07:30', recipients: ['core'] } },
  };
}

export class Installation {
  readonly dir = mkdtempSync(join(tmpdir(), 'tasaeed-it-'));
  readonly logFile = join(this.dir, 'tasaeed.log');
  private child: ChildProcess | undefined;
  db!: Db;
  config!: Config;

  private constructor(readonly domain: string, readonly policy: Record<string, unknown>) {}

  /**
   * `opts.policy` adjusts the test policy (a function, or sections to set); `opts.env` adds settings (it may write
   * files into the installation's dir); `opts.redisDb` gives the installation a Redis database of its own.
   */
  static async create(label: string, ladder: { after: string; notify: string[] }[], opts: {
    policy?: ((p: Record<string, unknown>, domain: string) => void) | Record<string, unknown>;
    env?: (inst: Installation) => Record<string, string>;
    redisDb?: number;
    /** Private services of the test's own (for fault tests that stop or restart them); default: the shared ones. */
    services?: { name: string; env: ServiceEnv };
  } = {}): Promise<Installation> {
    const id = `${label}${randomBytes(3).toString('hex')}`;
    const domain = `${id}.test`;
    const policy = testPolicy(domain, ladder);
    if (typeof opts.policy === 'function') opts.policy(policy, domain);
    else Object.assign(policy, opts.policy);
    const inst = new Installation(domain, policy);
    if (opts.services !== undefined) inst.svc = opts.services;
    await inst.setup(id, opts.env?.(inst) ?? {}, opts.redisDb);
    return inst;
  }

  get addresses(): string[] {
    const people = (this.policy.people as { email: string }[]).map((x) => x.email);
    return [`core@${this.domain}`, ...people, `stranger@${this.domain}`];
  }

  addr(local: string): string { return `${local}@${this.domain}`; }

  private svc: { name: string; env: ServiceEnv } | undefined;
  /** The services this installation runs on. */
  get services(): { name: string; env: ServiceEnv } {
    return this.svc ?? { name: inject('servicesName'), env: inject('services') };
  }

  private async setup(id: string, extraEnv: Record<string, string>, redisDb?: number): Promise<void> {
    const env = this.services.env;
    const services = await readRunningServices(this.services.name);
    if (services === undefined) throw new Error('the test services are not running');
    await services.addMailboxes(this.addresses);
    const admin = openDb(env.DATABASE_URL, 1);
    await admin.raw(`create database "${id}"`);
    await admin.destroy();
    const policyFile = join(this.dir, 'policy.yaml');
    writeFileSync(policyFile, stringify(this.policy));
    const vars = {
      DATABASE_URL: env.DATABASE_URL.replace(/\/[^/]*$/, `/${id}`),
      REDIS_URL: redisDb === undefined ? env.REDIS_URL : `${env.REDIS_URL}/${redisDb}`,
      POLICY_FILE: policyFile,
      REPLY_SECRET: randomBytes(32).toString('hex'),
      IMAP_HOST: env.IMAP_HOST, IMAP_PORT: env.IMAP_PORT, IMAP_SECURE: 'false',
      IMAP_USER: `core@${this.domain}`, IMAP_PASSWORD: PASSWORD,
      SMTP_HOST: '127.0.0.1', SMTP_PORT: env.LMTP_PORT, SMTP_LMTP: 'true',
      QUEUE_PREFIX: id, RECONCILE_EVERY: '2s', LOG_LEVEL: 'info',
      ...extraEnv,
    };
    this.config = loadConfig(vars as NodeJS.ProcessEnv);
    this.env = vars;
    this.db = openDb(this.config.DATABASE_URL, 4);
  }

  env: Record<string, string> = {};

  /** A new pool for the test's own queries (after the test stopped its PostgreSQL and destroyed the old one). */
  reopenDb(): void {
    this.db = openDb(this.config.DATABASE_URL, 4);
  }

  /** The environment `tasaeed` runs with in this installation (for running CLI commands). */
  get environment(): Readonly<Record<string, string>> { return this.env; }

  /** True while the `tasaeed start` child runs. */
  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null;
  }

  /** Runs `tasaeed start` as a child process; resolves once it listens to the mailbox. */
  async start(): Promise<void> {
    const log = createWriteStream(this.logFile, { flags: 'a' });
    const child = spawn(process.execPath, ['bin/tasaeed.mjs', 'start'], {
      env: { ...process.env, ...this.env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    let ready = false;
    child.stderr?.on('data', (chunk: Buffer) => { if (chunk.toString().includes('imap listening')) ready = true; });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    await waitFor('tasaeed start to listen', () => {
      if (child.exitCode !== null) throw new Error(`tasaeed exited with ${child.exitCode}; see ${this.logFile}`);
      return Promise.resolve(ready);
    }, 30_000);
  }

  /** Runs a `tasaeed` command (e.g. `migrate`, `report weekly --send`) with this installation's settings. */
  async cli(args: readonly string[], extraEnv: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const child = spawn(process.execPath, ['bin/tasaeed.mjs', ...args], { env: { ...process.env, ...this.env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (c: string) => { stdout += c; });
    child.stderr?.setEncoding('utf8').on('data', (c: string) => { stderr += c; });
    const code = await new Promise<number | null>((r) => child.once('close', r));
    return { code, stdout, stderr };
  }

  /** kill -9: no chance to finish anything. */
  async kill(): Promise<void> {
    await killNow(this.child);
    this.child = undefined;
  }

  /** SIGTERM, as a supervisor stops it; resolves with how long it took to exit (SIGKILL after `limitMs`). */
  async terminate(limitMs = 30_000): Promise<{ ms: number; code: number | null; signal: NodeJS.Signals | null }> {
    const child = this.child;
    if (child === undefined || child.exitCode !== null) throw new Error('tasaeed start is not running');
    const t0 = Date.now();
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once('exit', (code, signal) => { r({ code, signal }); }));
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), limitMs);
    const how = await exited;
    clearTimeout(killer);
    this.child = undefined;
    return { ms: Date.now() - t0, ...how };
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child !== undefined && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(10_000)]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    this.child = undefined;
  }

  async close(): Promise<void> {
    await this.stop();
    await this.db.destroy();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** The PID of `tasaeed start`, while it runs. */
  get pid(): number | undefined { return this.child?.exitCode === null ? this.child.pid : undefined; }

  private imap(user: string): ImapFlow {
    const env = this.services.env;
    return new ImapFlow({ host: env.IMAP_HOST, port: Number(env.IMAP_PORT), secure: false, auth: { user, pass: PASSWORD }, logger: false });
  }

  /** APPENDs a raw message to the Core mailbox, as a mail server's delivery would. */
  async appendToCore(raw: string | Buffer, mailbox = 'INBOX'): Promise<void> {
    await this.withCoreImap(async (client) => { await client.append(mailbox, raw); });
  }

  /** An IMAP session on the Core mailbox, for tests that manage its folders. */
  async withCoreImap<T>(fn: (client: ImapFlow) => Promise<T>): Promise<T> {
    const client = this.imap(this.addr('core'));
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.logout();
    }
  }

  /** Every message in a person's INBOX, parsed. */
  async mailbox(local: string, address = this.addr(local)): Promise<ParsedMail[]> {
    const env = this.services.env;
    return await readMailbox({ host: env.IMAP_HOST, port: Number(env.IMAP_PORT), user: address, password: PASSWORD });
  }

  /** Gives outside addresses (customers) a mailbox too. */
  async addMailboxes(emails: readonly string[]): Promise<void> {
    const services = await readRunningServices(this.services.name);
    if (services === undefined) throw new Error('the test services are not running');
    await services.addMailboxes(emails);
  }

  /** Every message in the INBOX of any address (e.g. an outside customer's), parsed. */
  async mailboxOf(email: string): Promise<ParsedMail[]> {
    return await this.mailbox(email.split('@')[0] ?? '', email);
  }

  async waitForMail(local: string, match: (m: ParsedMail) => boolean, what: string, timeoutMs = 20_000): Promise<ParsedMail> {
    return await waitFor(`${what} in ${local}'s mailbox`, async () => (await this.mailbox(local)).find(match), timeoutMs);
  }

  /** Replies as `local` to the latest email they got about a ticket, through its signed Reply-To. */
  async reply(local: string, ref: string, text: string): Promise<void> {
    const mails = (await this.mailbox(local)).filter((m) => (m.subject ?? '').includes(ref));
    const last = mails[mails.length - 1];
    const to = last?.replyTo?.value[0]?.address;
    if (last === undefined || to === undefined) throw new Error(`${local} has no email about ${ref} to reply to`);
    await this.deliver({
      from: this.addr(local), to, subject: `RE: ${last.subject ?? ''}`, inReplyTo: last.messageId,
      references: [last.messageId ?? ''], text: `${text}\n\n-----Original Message-----\nFrom: core`,
    });
  }

  /** Sends a message over LMTP, as the organisation's mail server delivers a person's reply. */
  async deliver(mail: SendMailOptions): Promise<void> {
    const env = this.services.env;
    const t = nodemailer.createTransport({ host: '127.0.0.1', port: Number(env.LMTP_PORT), lmtp: true, ignoreTLS: true });
    await t.sendMail(mail);
    t.close();
  }
}

/** A raw Arabic escalation email, as Outlook would write it. */
export function arabicEmail(o: { from: string; to: string; subject: string; body: string; messageId?: string }): string {
  const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
  return [
    `From: =?UTF-8?B?${b64('تركي البقمي')}?= <${o.from}>`,
    `To: ${o.to}`,
    `Subject: =?UTF-8?B?${b64(o.subject)}?=`,
    `Message-ID: ${o.messageId ?? `<${randomBytes(8).toString('hex')}@dept.test>`}`,
    `Date: ${new Date().toUTCString()}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    b64(o.body).replace(/.{76}/g, '$&\r\n'),
    '',
  ].join('\r\n');
}
