/**
 * One short connection to each service tasaeed depends on, used before the daemon serves (and by `doctor`).
 * A failure is a TasaeedError naming the setting to look at and the service, never a bare `ECONNREFUSED`.
 * Nothing secret is ever put in a message: URLs are shown as host:port only.
 */
import { ImapFlow } from 'imapflow';
import { Redis } from 'ioredis';
import knex from 'knex';
import nodemailer from 'nodemailer';
import { causeCode, isTransient, messageOf, TasaeedError } from '../errors.ts';
import type { Config } from './config.ts';
import type { ImapOptions } from './imap.ts';
import { certificateProblem, smtpTlsProblem } from './mail-connection.ts';
import { oauthError, type MailerOptions } from './mailer.ts';

export interface ProbeResult {
  service: string;
  detail: string;
  /** What works but is not as tasaeed wants it (for `doctor`; start-up goes ahead). */
  concerns?: string[];
}

function hostPort(url: string, fallbackPort: number): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port === '' ? String(fallbackPort) : u.port}`;
  } catch {
    return '(an unreadable URL)';
  }
}

function suffix(err: unknown): string {
  const code = causeCode(err);
  return code === undefined ? ` (${messageOf(err)})` : ` (${code})`;
}

export async function probePostgres(config: Config, timeoutMs: number): Promise<ProbeResult> {
  const at = hostPort(config.DATABASE_URL, 5432);
  const db = knex({ client: 'pg', connection: { connectionString: config.DATABASE_URL, connectionTimeoutMillis: timeoutMs }, pool: { min: 0, max: 1 }, acquireConnectionTimeout: timeoutMs,
    // knex prints connection errors (with a stack) to stdout; the error thrown below says it once, named
    log: { warn: () => undefined, error: () => undefined, deprecate: () => undefined, debug: () => undefined } });
  try {
    const r = await db.raw('show server_version') as { rows: { server_version: string }[] };
    return { service: 'postgres', detail: `PostgreSQL ${r.rows[0]?.server_version ?? '?'} at ${at}` };
  } catch (err) {
    const code = causeCode(err);
    const what = code === '28P01' || code === '28000' ? 'PostgreSQL refused the login'
      : code === '3D000' ? 'the database does not exist on PostgreSQL'
        : 'cannot connect to PostgreSQL';
    throw new TasaeedError(isTransient(err) ? 'POSTGRES_UNAVAILABLE' : 'CONFIG_INVALID', `DATABASE_URL: ${what} at ${at}${suffix(err)}`, { cause: err, setting: 'DATABASE_URL' });
  } finally {
    await db.destroy();
  }
}

export async function probeRedis(config: Config, timeoutMs: number): Promise<ProbeResult> {
  const at = hostPort(config.REDIS_URL, 6379);
  const redis = new Redis(config.REDIS_URL, { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  let socketError: unknown;
  redis.on('error', (err: unknown) => { socketError = err; }); // connect() only says "Connection is closed"
  try {
    await redis.connect().catch((err: unknown) => { throw socketError ?? err; });
    const info = await redis.info('server');
    const version = /redis_version:([^\r\n]+)/.exec(info)?.[1] ?? '?';
    return { service: 'redis', detail: `Redis ${version} at ${at}` };
  } catch (err) {
    const refused = /NOAUTH|WRONGPASS|invalid password/i.test(messageOf(err));
    throw new TasaeedError(refused ? 'CONFIG_INVALID' : 'REDIS_UNAVAILABLE',
      `REDIS_URL: ${refused ? 'Redis refused the password' : 'cannot connect to Redis'} at ${at}${suffix(err)}`, { cause: err, setting: 'REDIS_URL' });
  } finally {
    redis.disconnect();
  }
}

export type ImapProbeOptions = Omit<ImapOptions, 'maxMessageBytes'>;

export async function probeImap(o: ImapProbeOptions, timeoutMs: number): Promise<ProbeResult> {
  // a refused OAuth2 token throws here already, as a TasaeedError naming the OAUTH_* setting
  const c = await o.connection();
  const at = `${c.host}:${String(c.port)}`;
  const user = c.auth.user;
  const client = new ImapFlow({
    ...c, logger: false, emitLogs: false, connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs,
  });
  client.on('error', () => undefined); // the rejected promise reports it
  try {
    await client.connect();
  } catch (err) {
    const certificate = certificateProblem(err, 'imap');
    if (certificate !== undefined) throw certificate;
    if ((err as { authenticationFailed?: boolean }).authenticationFailed === true) {
      // with OAuth2 the token was issued but the mailbox refused it: the app lacks access to this mailbox
      const [setting, what] = 'pass' in c.auth ? ['IMAP_PASSWORD', 'the login'] : ['IMAP_USER', 'the OAuth2 token'];
      throw new TasaeedError('IMAP_LOGIN_REFUSED', `${setting}: the IMAP server at ${at} refused ${what} of ${user}${suffix(err)}`, { cause: err, setting });
    }
    throw new TasaeedError('IMAP_UNAVAILABLE', `IMAP_HOST: cannot connect to the IMAP server at ${at}${suffix(err)}`, { cause: err, setting: 'IMAP_HOST' });
  }
  try {
    const box = await client.mailboxOpen(o.mailbox, { readOnly: true });
    // IDLE gives push within a second; UIDPLUS lets a message be removed alone (the doctor's round trip)
    const missing = ['IDLE', 'UIDPLUS'].filter((c) => !client.capabilities.has(c));
    return {
      service: 'imap', detail: `IMAP ${at}, ${user}, ${o.mailbox} (${String(box.exists)} messages)`,
      ...(missing.length === 0 ? {} : { concerns: [`the server does not offer ${missing.join(' and ')}`] }),
    };
  } catch (err) {
    throw new TasaeedError('IMAP_MAILBOX_MISSING', `IMAP_MAILBOX: cannot open "${o.mailbox}" in ${user} at ${at}${suffix(err)}`, { cause: err, setting: 'IMAP_MAILBOX' });
  } finally {
    await client.logout().catch(() => undefined);
  }
}

export type SmtpProbeOptions = MailerOptions;

export async function probeSmtp(o: SmtpProbeOptions, timeoutMs: number): Promise<ProbeResult> {
  const at = `${o.host ?? '?'}:${String(o.port ?? '?')}`;
  const kind = o.lmtp === true ? 'LMTP' : 'SMTP';
  // the same TLS, STARTTLS and sign-in as a send
  const transport = nodemailer.createTransport({ ...o, connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs });
  try {
    await transport.verify();
    return { service: 'smtp', detail: `${kind} ${at}` };
  } catch (err) {
    const token = oauthError(err);
    if (token !== undefined) throw token;
    const tls = smtpTlsProblem(err, at);
    if (tls !== undefined) throw tls;
    if (causeCode(err) === 'EAUTH') {
      const oauth = (o.auth as { type?: unknown } | undefined)?.type === 'OAuth2';
      const [setting, what] = oauth ? ['SMTP_USER', 'the OAuth2 token'] : ['SMTP_PASSWORD', 'the login'];
      const user = (o.auth as { user?: unknown } | undefined)?.user;
      throw new TasaeedError('SMTP_LOGIN_REFUSED', `${setting}: the ${kind} server at ${at} refused ${what} of ${typeof user === 'string' ? user : ''}${suffix(err)}`, { cause: err, setting });
    }
    throw new TasaeedError('SMTP_UNAVAILABLE', `SMTP_HOST: cannot connect to the ${kind} server at ${at}${suffix(err)}`, { cause: err, setting: 'SMTP_HOST' });
  } finally {
    transport.close();
  }
}
