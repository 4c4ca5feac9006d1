/** Configuration from environment variables, validated once at start and frozen. `.env.example` documents each. */
import { existsSync } from 'node:fs';
import { z } from 'zod';
import { parseDuration } from '../domain/duration.ts';
import { TasaeedError } from '../errors.ts';
import { checkMailAuth, mailAuthSettings } from './mail-auth-config.ts';

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => ['true', '1', 'yes'].includes(v));
const port = z.coerce.number().int().min(1).max(65_535);
const duration = (fallback: string) => z.string().default(fallback).transform((s, ctx) => {
  const ms = parseDuration(s);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `"${s}" is not a duration (e.g. 60s, 5m)` });
    return z.NEVER;
  }
  return ms;
});

const schema = z.object({
  DATABASE_URL: z.string().startsWith('postgres', 'must be a postgres:// URL'),
  REDIS_URL: z.string().startsWith('redis', 'must be a redis:// URL'),
  POLICY_FILE: z.string().min(1),
  REPLY_SECRET: z.string().min(32, 'use at least 32 random characters (e.g. `openssl rand -hex 32`)'),
  /** `plain` when the mail system has no plus addressing: Reply-To is the Core address, the token is in our Message-ID. */
  REPLY_ADDRESS: z.enum(['plus', 'plain']).default('plus'),
  IMAP_HOST: z.string().default('127.0.0.1'),
  IMAP_PORT: port.default(993),
  IMAP_SECURE: bool.default(true),
  IMAP_USER: z.string().min(1),
  IMAP_PASSWORD: z.string().optional(),
  IMAP_MAILBOX: z.string().default('INBOX'),
  SMTP_HOST: z.string().default('127.0.0.1'),
  SMTP_PORT: port.default(587),
  SMTP_SECURE: bool.default(false),
  SMTP_LMTP: bool.default(false),
  SMTP_USER: z.string().optional(),
  SMTP_PASSWORD: z.string().optional(),
  /** Connections the sender keeps open to the mail server at most, and emails sent over one before it is renewed. */
  SMTP_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(100).default(5),
  SMTP_MAX_MESSAGES: z.coerce.number().int().min(1).max(100_000).default(100),
  QUEUE_PREFIX: z.string().regex(/^[A-Za-z0-9_-]+$/).default('tasaeed'),
  RECONCILE_EVERY: duration('60s'),
  INBOUND_AUTH: z.enum(['off', 'monitor', 'enforce']).default('off'),
  MAX_MESSAGE_BYTES: z.coerce.number().int().positive().default(25 * 1024 * 1024),
  /** DNS records that answer before the system resolver for sender authentication (see dns-resolver.ts). */
  INBOUND_AUTH_DNS_FILE: z.string().optional(),
  MAX_ATTACHMENT_BYTES: z.coerce.number().int().positive().default(10 * 1024 * 1024),
  MAX_ATTACHMENTS: z.coerce.number().int().min(0).default(20),
  /** Health, readiness, metrics, the queue dashboard and the web desk over HTTP; unset or 0: no HTTP server. */
  HTTP_PORT: z.coerce.number().int().min(0).max(65_535).default(0),
  HTTP_HOST: z.string().default('127.0.0.1'),
  /** Opens the read-only queue dashboard at /admin/queues to requests that present it (at least 24 characters). */
  ADMIN_TOKEN: z.string().min(24, 'use at least 24 random characters (e.g. `openssl rand -hex 24`)').optional(),
  /** Names this process in `tasaeed status` (which instance holds the IMAP listener); default host:pid. */
  INSTANCE_NAME: z.string().min(1).optional(),
  /** The desk's public base URL: emails link ticket references to it; unset, no links. */
  DESK_URL: z.url({ protocol: /^https?$/ }).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // Resilience: how long start-up may wait for the services, how long a stop may take, how outbound retries.
  STARTUP_TIMEOUT: duration('15s'),
  SHUTDOWN_TIMEOUT: duration('8s'),
  SEND_RETRY_FOR: duration('24h'),
  SEND_RETRY_MIN: duration('2s'),
  SEND_RETRY_MAX: duration('5m'),
  INGEST_SCAN_EVERY: duration('60s'),
  // How tasaeed signs in to IMAP and SMTP (password or OAuth2) and which certificates it trusts (issue 12).
  ...mailAuthSettings,
}).superRefine(checkMailAuth);

export type Config = Readonly<z.output<typeof schema>>;

/** Reads `.env` from the working directory when present (real environment variables win). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, envFile = '.env'): Config {
  if (env === process.env && existsSync(envFile)) process.loadEnvFile(envFile);
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => {
      const name = i.path.join('.');
      // cross-field rules (custom) say what is missing and why; a plain unset setting points at .env.example
      return `  - ${name}: ${env[name] === undefined && i.code !== 'custom' ? 'is not set (see .env.example)' : i.message}`;
    });
    throw new TasaeedError('CONFIG_INVALID', `configuration is not valid:\n${lines.join('\n')}`);
  }
  return Object.freeze(parsed.data);
}
