/** Sends email through SMTP or LMTP with nodemailer. */
import nodemailer from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import { causeCode, isTransient, messageOf, TasaeedError } from '../errors.ts';
import { smtpTlsProblem } from './mail-connection.ts';

export interface OutgoingEmail {
  from: { name: string; address: string };
  to: string;
  replyTo: string;
  subject: string;
  html: string;
  text: string;
  messageId: string;
  inReplyTo?: string | undefined;
  references?: string[] | undefined;
  headers: Record<string, string>;
  attachments?: {
    filename: string; content: string | Buffer; contentType: string;
    /** An inline image: sent with this Content-ID (no angle brackets) and `inline` disposition. */
    cid?: string; contentDisposition?: 'inline' | 'attachment';
  }[] | undefined;
}

export interface Mailer {
  send(mail: OutgoingEmail): Promise<{ response: string }>;
  /** Connects (and logs in) without sending: to learn when a server that was down is back. */
  verify(): Promise<void>;
  close(): void;
}

/** Host, port, TLS and sign-in, from `smtpTransportOptions` (mail-connection.ts). */
export type MailerOptions = SMTPTransport.Options;

/** A bounded pool: at most `maxConnections` open at once, each closed and replaced after `maxMessages` emails. */
export interface MailerPool { maxConnections: number; maxMessages: number }

/**
 * Without a pool every email opens its own connection (greeting, EHLO, STARTTLS, sign-in): right for a one-off
 * (doctor, a test). The daemon sends through a pool, so a drain is bound by the mail server, not by connection set-up.
 */
export function createMailer(options: MailerOptions, pool?: MailerPool): Mailer {
  const transport = pool === undefined
    ? nodemailer.createTransport(options)
    : nodemailer.createTransport({
      ...options, pool: true, maxConnections: pool.maxConnections, maxMessages: pool.maxMessages,
      // An idle connection is closed before a server's own idle limit drops it (nodemailer retries those anyway).
      idleTimeout: 30_000,
    } satisfies SMTPPool.Options);
  return {
    async send(m) {
      let info: { response?: string; rejected?: unknown[]; rejectedErrors?: { responseCode?: number; response?: string }[] };
      try {
        info = await transport.sendMail({
          from: m.from, to: m.to, replyTo: m.replyTo, subject: m.subject, html: m.html, text: m.text,
          messageId: m.messageId, inReplyTo: m.inReplyTo, references: m.references, headers: m.headers,
          attachments: m.attachments, disableFileAccess: true, disableUrlAccess: true,
        }) as typeof info;
      } catch (err) {
        throw sendError(err, options);
      }
      if (Array.isArray(info.rejected) && info.rejected.length > 0) {
        // LMTP answers per recipient: a 4xx for one is "try later", a 5xx is final.
        const first = info.rejectedErrors?.[0];
        const reply = first?.response ?? info.response ?? '';
        const code = (first?.responseCode ?? 550) < 500 ? 'SMTP_TEMPORARY' : 'SMTP_REJECTED';
        throw new TasaeedError(code, `the mail server did not accept ${info.rejected.map(String).join(', ')}: ${reply}`);
      }
      return { response: info.response ?? '' };
    },
    async verify() {
      try {
        await transport.verify();
      } catch (err) {
        throw sendError(err, options);
      }
    },
    close() { transport.close(); },
  };
}

/** The typed error our OAuth2 provisioning gave nodemailer, found again in what nodemailer threw. */
export function oauthError(err: unknown): TasaeedError | undefined {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth += 1) {
    if (e instanceof TasaeedError && e.code.startsWith('OAUTH_')) return e;
  }
  return undefined;
}

/**
 * Sorts a sending error: a 4xx or a connection problem is worth retrying, a 5xx is the server's final answer. A
 * refused token or certificate is the operator's to fix: the email keeps retrying (a refused login) meanwhile.
 */
function sendError(err: unknown, o: MailerOptions): TasaeedError {
  const at = `${o.host ?? '?'}:${String(o.port ?? '?')}`;
  const reply = (err as { response?: unknown }).response;
  const server = typeof reply === 'string' ? reply : messageOf(err);
  const responseCode = (err as { responseCode?: unknown }).responseCode;
  const token = oauthError(err);
  if (token !== undefined) {
    return new TasaeedError(token.transient ? 'SMTP_UNAVAILABLE' : 'SMTP_LOGIN_REFUSED', `no OAuth2 token for the mail server at ${at}: ${token.message}`,
      { cause: token, hint: token.hint, ...(token.setting === undefined ? {} : { setting: token.setting }) });
  }
  const tls = smtpTlsProblem(err, at);
  if (tls !== undefined) {
    return new TasaeedError('SMTP_UNAVAILABLE', tls.message, { cause: err, hint: tls.hint, ...(tls.setting === undefined ? {} : { setting: tls.setting }) });
  }
  if (causeCode(err) === 'EAUTH') {
    const setting = (o.auth as { type?: unknown } | undefined)?.type === 'OAuth2' ? 'SMTP_USER' : 'SMTP_PASSWORD';
    return new TasaeedError('SMTP_LOGIN_REFUSED', `${setting}: the mail server at ${at} refused the login: ${server}`, { cause: err, setting });
  }
  if (typeof responseCode === 'number' && responseCode >= 500) return new TasaeedError('SMTP_REJECTED', `the mail server at ${at} refused the email: ${server}`, { cause: err });
  if (typeof responseCode === 'number' && responseCode >= 400) return new TasaeedError('SMTP_TEMPORARY', `the mail server at ${at} asked to try later: ${server}`, { cause: err });
  if (isTransient(err)) return new TasaeedError('SMTP_UNAVAILABLE', `cannot reach the mail server at ${at} (${causeCode(err) ?? messageOf(err)})`, { cause: err, setting: 'SMTP_HOST' });
  return new TasaeedError('SMTP_REJECTED', `sending failed: ${server}`, { cause: err });
}
