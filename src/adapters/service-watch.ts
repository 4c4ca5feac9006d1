/**
 * Running checks of PostgreSQL, Redis and the SMTP transport, each with a short time-out, reported into the same
 * ServiceHealth the workers report into: `/readyz` turns 503 within one interval of a service stopping even when
 * no work is touching it, and 200 again once it answers.
 */
import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import type { Redis } from 'ioredis';
import type { Db } from './db.ts';
import type { MailerOptions } from './mailer.ts';
import type { ServiceHealth, ServiceName } from './service-health.ts';
import { within } from './time-limit.ts';

export interface ProbeOptions {
  db: Db;
  redis: Redis;
  smtp: MailerOptions;
  health: ServiceHealth;
  /** Between two rounds of checks (default 5 s). */
  everyMs?: number;
  /** A check that has not answered by then counts as failed (default 2 s). */
  timeoutMs?: number;
}

export interface RunningProbes {
  /** One round now (also what the timer runs). */
  check(): Promise<void>;
  stop(): void;
}

export function startProbes(o: ProbeOptions): RunningProbes {
  const timeout = o.timeoutMs ?? 2000;
  // SMTP is checked less often: each check is a connection and a greeting on the organisation's mail server.
  const smtpEvery = 6;
  // the mailer's own TLS, STARTTLS and sign-in (a password or an OAuth2 token from the shared cache)
  const transport = nodemailer.createTransport({ ...o.smtp, connectionTimeout: timeout, greetingTimeout: timeout, socketTimeout: timeout } satisfies SMTPTransport.Options);
  const checks: Record<Exclude<ServiceName, 'imap'>, () => Promise<unknown>> = {
    postgres: () => o.db.raw('select 1'),
    redis: () => o.redis.ping(),
    smtp: () => transport.verify(),
  };
  let round = 0;
  let running: Promise<void> | undefined;
  const one = async (service: keyof typeof checks): Promise<void> => {
    try {
      await within(timeout, service, checks[service]());
      o.health.ok(service);
    } catch (err) {
      o.health.failed(service, err);
    }
  };
  const check = (): Promise<void> => {
    running ??= (async () => {
      const smtp = round % smtpEvery === 0 || !o.health.usable('smtp');
      round += 1;
      await Promise.all([one('postgres'), one('redis'), smtp ? one('smtp') : undefined]);
    })().finally(() => { running = undefined; });
    return running;
  };
  const timer = setInterval(() => { void check(); }, o.everyMs ?? 5000);
  timer.unref();
  return {
    check,
    stop() { clearInterval(timer); transport.close(); },
  };
}
